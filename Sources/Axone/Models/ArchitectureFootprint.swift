import Foundation

extension Architecture {
    /// Checks the architecture and computes, from the specification alone (no weight is created),
    /// each layer's output shape and parameter counts: what ``summary(name:)`` prints and what
    /// ``Sequential/init(architecture:seed:)`` checks against the machine's memory.
    /// - Throws: ``LayerError`` for an invalid input shape, layer or hyper-parameter, and
    ///   ``LayerError/tooLarge(layer:bytes:available:)`` when a count overflows `Int`.
    func summaryRows() throws -> [SummaryRow] {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError.invalidArgument(layer: "architecture", message: "input_shape must list positive sizes, got \(inputShape)")
        }
        let labels = autoNames(layers.map { ($0.name, $0.type) })
        var shape = inputShape
        return try zip(layers, labels).map { specification, label in
            let layer: Layer<Float> = try specification.makeLayer()
            func product(_ factors: [Int]) throws -> Int {
                try factors.reduce(1) { total, factor in
                    let (result, overflow) = total.multipliedReportingOverflow(by: factor)
                    guard !overflow else {
                        throw LayerError.tooLarge(layer: label, bytes: nil, available: ProcessInfo.processInfo.physicalMemory)
                    }
                    return result
                }
            }
            func features() throws -> Int {
                guard shape.count == 1 else { throw LayerError.shapeMismatch(layer: label, expected: "[features]", got: shape) }
                return shape[0]
            }
            var trainable = 0, nonTrainable = 0
            switch layer {
            case let dense as Dense<Float>:
                trainable = try product([try features() + (dense.useBias ? 1 : 0), dense.units])
                shape = [dense.units]
            case let maxout as Maxout<Float>:
                trainable = try product([try features() + 1, maxout.units, maxout.pieces])
                shape = [maxout.units]
            case let norm as BatchNormalization<Float>:
                trainable = try product([try norm.normalizedFeatures(shape), 2])   // γ and β per feature or channel
                nonTrainable = trainable
            case let prelu as PReLU<Float>:
                trainable = prelu.perUnit ? try product(shape) : 1
            case is Flatten<Float>:
                shape = [try product(shape)]
            case let conv as Conv2D<Float>:
                let output = try conv.outputShape(for: shape)
                trainable = try product(conv.kernelShape(channels: shape[2])) + (conv.useBias ? conv.filters : 0)
                shape = output
            case is Pooling2D<Float>, is GlobalPooling2D<Float>, is ZeroPadding2D<Float>, is SpatialDropout2D<Float>, is Reshape<Float>:
                var generator = SeededGenerator(seed: 0)   // these layers create no weights
                shape = try layer.build(inputShape: shape, generator: &generator)
            default:
                break
            }
            if !layer.isTrainable { (trainable, nonTrainable) = (0, trainable + nonTrainable) }
            return SummaryRow(label: label, type: layer.typeName, outputShapes: [shape], trainable: trainable, nonTrainable: nonTrainable)
        }
    }

    /// The Keras-style summary table of the model this architecture describes, computed without
    /// creating its weights (so it works for a model too large to build).
    public func summary(name: String? = nil) throws -> String {
        summaryTable(name: name, rows: try summaryRows())
    }

    /// Throws unless the parameters of this architecture, as `Scalar`s, fit in the machine's
    /// physical memory (`ProcessInfo.physicalMemory`).
    /// - Throws: ``LayerError/tooLarge(layer:bytes:available:)`` saying how much is needed and how much there is.
    public func checkFitsInMemory<Scalar: TensorScalar>(as _: Scalar.Type) throws {
        let counts = try summaryRows().flatMap { [$0.trainable, $0.nonTrainable] }
        var total = 0
        for count in counts {
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw LayerError.tooLarge(layer: "the model", bytes: nil, available: ProcessInfo.processInfo.physicalMemory) }
            total = sum
        }
        try checkAllocation(of: [total], layer: "the model", as: Scalar.self)
    }
}
