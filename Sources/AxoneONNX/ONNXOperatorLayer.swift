import Axone
import Foundation

/// Where an ``ONNXOperatorLayer`` takes each input of its operator from.
public enum ONNXInputSource: String, Codable, Sendable {
    /// The next tensor the layer is called on.
    case tensor
    /// A trainable parameter of the layer (a float initializer of the ONNX file).
    case parameter
    /// A non-trainable statistic (`BatchNormalization`'s running mean and variance).
    case statistic
    /// An optional input left out.
    case absent
}

/// The one layer type standing for every ONNX operator that has no Axone layer of its own
/// (`Transpose`, `Reshape`, `Concat`, binary arithmetic, reductions, …).
///
/// It holds the ``ONNXOperation`` (type and attributes) and the operator's constant inputs: float
/// initializers become trainable parameters `parameter0…parameter2` (by input position) and a
/// 4-D `BatchNormalization`'s mean and variance the buffers `runningMean` and `runningVariance`,
/// so freezing, fine-tuning and saving work as for any layer. Its forward pass is the operation
/// computed with differentiable ``Variable`` operations.
///
/// Tensors keep ONNX's layout (NCHW for images) and a leading batch axis. The shapes of one
/// example are found by running the operation once on zeros, with each input's leading axis set
/// to the size it had in the ONNX file (1 where the file leaves it symbolic) — the layer's
/// ``exampleBatches`` — so operators that move the batch axis still get the right shapes.
///
/// The layer is registered (``ONNXImport/registerLayers()``) under ``typeName`` `ONNXOperator`
/// with ``LayerSpecification/register(_:as:)``: a model holding it saves to an architecture and a
/// safetensors file, and loads back, like any model.
public final class ONNXOperatorLayer<Scalar: TensorScalar>: Layer<Scalar> {
    /// The operator computed.
    public let operation: ONNXOperation
    /// Where each input of the operator comes from, by ONNX input position.
    public let sources: [ONNXInputSource]
    /// The shape of each constant input (`nil` for tensors and absent inputs).
    public let constantShapes: [[Int]?]
    /// The leading-axis size of each tensor input in the ONNX file, used to find the shapes
    /// (``noLeadingAxis`` for a scalar).
    public let exampleBatches: [Int]
    /// How many of the operator's outputs the layer gives (``ONNXOperation/maximumOutputCount()`` at most).
    public let outputCount: Int
    /// The leading-axis size of each output for ``exampleBatches``, known once built.
    public private(set) var exampleOutputBatches: [Int] = []
    /// Whether the operator mixes the examples along the leading axis (see
    /// ``ONNXOperation/keepsExamplesApart(_:)``), known once built: the importer allows it only
    /// where the ONNX file fixes that axis, and the layer then requires that batch size.
    private var mixesExamples = false

    /// The constant at input position 0, 1 or 2, when it is a ``ONNXInputSource/parameter``.
    public var parameter0, parameter1, parameter2: Variable<Scalar>?
    /// The statistics at input positions 3 and 4 (`BatchNormalization`'s mean and variance).
    public var runningMean, runningVariance: Buffer<Scalar>?

    /// The positions that may hold a parameter, and those that may hold a statistic.
    static var parameterPositions: Range<Int> { 0..<3 }
    static var statisticPositions: Range<Int> { 3..<5 }

    /// Creates the layer giving the operator's first `outputCount` outputs; its constants are
    /// created (zero) when it is built, unless given in `constants`.
    /// - Throws: ``ONNXImportError`` when the sources and shapes do not match, a constant sits
    ///   at a position with no slot, or the operator has fewer outputs.
    public init(operation: ONNXOperation, sources: [ONNXInputSource], constantShapes: [[Int]?], exampleBatches: [Int],
                outputCount: Int = 1, constants: [Int: Tensor<Scalar>] = [:], name: String? = nil) throws {
        let available = try operation.maximumOutputCount()
        guard outputCount >= 1, outputCount <= available else {
            throw ONNXImportError.unsupportedInput(node: operation.node, op: operation.type,
                                                   reason: "gives at most \(available) outputs, not \(outputCount)")
        }
        guard sources.count == constantShapes.count,
              exampleBatches.count == sources.filter({ $0 == .tensor }).count,
              zip(sources, constantShapes).allSatisfy({ ($0 == .parameter || $0 == .statistic) == ($1 != nil) }) else {
            throw ONNXImportError.unsupportedInput(node: operation.node, op: operation.type,
                                                   reason: "inconsistent inputs \(sources) with shapes \(constantShapes)")
        }
        for (position, source) in sources.enumerated() {
            let fits = switch source {
            case .parameter: Self.parameterPositions.contains(position)
            case .statistic: Self.statisticPositions.contains(position) && operation.type == "BatchNormalization"
            case .tensor, .absent: true
            }
            guard fits else {
                throw ONNXImportError.unsupportedInput(node: operation.node, op: operation.type,
                                                       reason: "a constant at input \(position) is not supported")
            }
        }
        (self.operation, self.sources, self.constantShapes, self.exampleBatches) = (operation, sources, constantShapes, exampleBatches)
        self.outputCount = outputCount
        super.init(name: name)
        for (position, tensor) in constants { setConstant(tensor, at: position) }
    }

    public override var typeName: String { "ONNXOperator" }

    private func setConstant(_ tensor: Tensor<Scalar>, at position: Int) {
        switch position {
        case 0: parameter0 = Variable(tensor, requiresGradient: isTrainable)
        case 1: parameter1 = Variable(tensor, requiresGradient: isTrainable)
        case 2: parameter2 = Variable(tensor, requiresGradient: isTrainable)
        case 3: runningMean = Buffer(tensor)
        default: runningVariance = Buffer(tensor)
        }
    }

    private func constant(at position: Int) -> Variable<Scalar>? {
        switch position {
        case 0: parameter0
        case 1: parameter1
        case 2: parameter2
        case 3: runningMean.map { Variable($0.value) }
        default: runningVariance.map { Variable($0.value) }
        }
    }

    /// The operator's inputs in ONNX order: the `tensors` the layer is called on, and its constants.
    private func operands(_ tensors: [Variable<Scalar>]) -> [Variable<Scalar>?] {
        var next = tensors.makeIterator()
        return sources.indices.map { position in
            switch sources[position] {
            case .tensor: next.next()
            case .parameter, .statistic: constant(at: position)
            case .absent: nil
            }
        }
    }

    public override func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [[Int]] {
        guard inputShapes.count == exampleBatches.count else {
            throw LayerError.invalidArgument(layer: displayName, message: "takes \(exampleBatches.count) inputs, got \(inputShapes.count)")
        }
        for (position, shape) in constantShapes.enumerated() {
            if let shape, constant(at: position) == nil {
                try ONNXImport.checkSize(shape, name: "\(displayName) input \(position)")
                setConstant(Tensor(shape: shape, repeating: 0), at: position)
            }
        }
        var shapes = inputShapes.makeIterator()
        mixesExamples = try !operation.keepsExamplesApart(sources.indices.map { position in
            switch sources[position] {
            case .tensor: .tensor(shapes.next()!)
            case .parameter, .statistic: .constant(constantShapes[position]!)
            case .absent: .absent
            }
        })
        let examples = try zip(exampleBatches, inputShapes).map { batch, shape in
            let full = batch == Self.noLeadingAxis ? shape : [batch] + shape
            try ONNXImport.checkSize(full, name: "\(displayName) input")
            return Variable(Tensor<Scalar>(shape: full, repeating: 0))
        }
        let outputs = try withoutGradients { try operation.apply(operands(examples), outputCount: outputCount) }
        guard mixesExamples || outputs.allSatisfy({ !$0.shape.isEmpty }) else {
            throw ONNXImportError.unsupportedInput(node: operation.node, op: operation.type,
                                                   reason: "gives a scalar, which has no batch axis in an Axone model")
        }
        exampleOutputBatches = outputs.map { $0.shape.first ?? Self.noLeadingAxis }
        return outputs.map { Array($0.shape.dropFirst()) }
    }

    /// The leading-axis size of the first tensor input in the ONNX file, when the operator mixes examples.
    public override var requiredBatchSize: Int? { mixesExamples ? exampleBatches.first { $0 != Self.noLeadingAxis } : nil }

    /// The ``exampleBatches`` entry of a scalar: an operator computing a whole fixed batch (a
    /// product of two vectors) may give a tensor without a leading axis.
    public static var noLeadingAxis: Int { -1 }

    public override func forward(_ inputs: [Variable<Scalar>]) -> [Variable<Scalar>] {
        do {
            return try operation.apply(operands(inputs), outputCount: outputCount)
        } catch {
            preconditionFailure("\(displayName): \(error)")
        }
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.options = Self.options(operation: operation, sources: sources, constantShapes: constantShapes,
                                 exampleBatches: exampleBatches, outputCount: outputCount)
        return s
    }

    /// The architecture options describing the layer (each value a JSON text; `outputs` only when
    /// the layer gives more than one).
    static func options(operation: ONNXOperation, sources: [ONNXInputSource], constantShapes: [[Int]?],
                        exampleBatches: [Int], outputCount: Int) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func json<T: Encodable>(_ value: T) -> String {
            // Plain strings, numbers and arrays of them always encode.
            String(decoding: try! encoder.encode(value), as: UTF8.self)
        }
        var options = ["op": operation.type, "node": operation.node, "attributes": json(operation.attributes),
                       "sources": json(sources), "constantShapes": json(constantShapes), "exampleBatches": json(exampleBatches)]
        if outputCount > 1 { options["outputs"] = json(outputCount) }
        return options
    }
}

/// Makes an ``ONNXOperatorLayer`` from its architecture entry (registered by ``ONNXImport/registerLayers()``).
struct ONNXOperatorLayerFactory: LayerFactory {
    func makeLayer<Scalar: TensorScalar>(_ specification: LayerSpecification, as _: Scalar.Type) throws -> Layer<Scalar> {
        let layer = specification.name ?? "ONNXOperator"
        func decode<T: Decodable>(_ key: String, as _: T.Type) throws -> T {
            guard let text = specification.options?[key],
                  let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else {
                throw LayerError.invalidArgument(layer: layer, message: "option '\(key)' is missing or malformed")
            }
            return value
        }
        guard let type = specification.options?["op"] else {
            throw LayerError.invalidArgument(layer: layer, message: "option 'op' is missing")
        }
        let operation = try ONNXOperation(node: specification.options?["node"] ?? layer, type: type,
                                          attributes: try decode("attributes", as: [String: ONNXAttribute].self))
        return try ONNXOperatorLayer<Scalar>(
            operation: operation, sources: try decode("sources", as: [ONNXInputSource].self),
            constantShapes: try decode("constantShapes", as: [[Int]?].self),
            exampleBatches: try decode("exampleBatches", as: [Int].self),
            outputCount: specification.options?["outputs"] == nil ? 1 : try decode("outputs", as: Int.self), name: specification.name)
    }
}
