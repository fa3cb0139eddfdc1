import Testing
@testable import Axone

/// A user layer over `[batch, 4, 3]` built from the movement primitives, batched products and
/// the extremum reductions, so that the executor must compile (and ONNX export translate) each of them.
final class MovementMixer<Scalar: TensorScalar>: Layer<Scalar> {
    var weight: Variable<Scalar>?

    override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShape == [4, 3] else { throw LayerError.shapeMismatch(layer: displayName, expected: "[4, 3]", got: inputShape) }
        if weight == nil {
            weight = Variable(Tensor(shape: [3, 3], scalars: (0..<9).map { Scalar(Double($0 % 4) * 0.2 - 0.3) }),
                              requiresGradient: isTrainable)
        }
        return [21]
    }

    override var isTraceable: Bool { true }

    override func forward(_ x: Variable<Scalar>) -> Variable<Scalar> {
        mustSucceed {
            let mixed = try Variable.batchedMatmul(x, weight!)                                    // [n, 4, 3], W read whole
            let gram = try Variable.batchedMatmul(try x.permuted([0, 2, 1]), x)                   // [n, 3, 3], both cut by rows
            let middle = try x.slice(alongAxis: 1, range: 1..<3).padded([(0, 0), (1, 1), (0, 0)], value: 0.5)
            let peaks = try x.max(alongAxes: [2], keepingDimensions: true).broadcast(to: x.shape) // [n, 4, 3]
            let troughs = x.min(alongAxes: [1])                                                   // [n, 3]
            let swapped = try (mixed + middle - peaks).permuted([0, 2, 1])                        // [n, 3, 4]
            return Variable.concatenate([swapped.reshaped([-1, 12]), gram.reshaped([-1, 9]) * troughs.sum(alongAxes: [1], keepingDimensions: true)],
                                        alongAxis: 1)
        }
    }
}

/// A user layer over `[batch, 6]` whose reshapes are views of computed values: a chain of two
/// (its input gradient can share the chain's buffer), one whose input is read elsewhere too (its
/// gradient adds to another's, so it must not share), and one whose output is the layer's output.
final class ReshapeViews<Scalar: TensorScalar>: Layer<Scalar> {
    override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] { [3, 4] }
    override var isTraceable: Bool { true }

    override func forward(_ x: Variable<Scalar>) -> Variable<Scalar> {
        mustSucceed {
            let chain = x.tanh().reshaped([-1, 2, 3]).reshaped([-1, 3, 2])       // [n, 3, 2]
            let shifted = x + 1
            let shared = shifted.reshaped([-1, 3, 2]) * chain                  // shifted also read below
            return Variable.concatenate([shared, (shifted * shifted).reshaped([-1, 3, 2])], alongAxis: 2).reshaped([-1, 3, 4])
        }
    }
}

/// The movement primitives, batched products and extremum reductions compile and train as on the
/// tape (Double, relative 1e-10: see ``CompiledExecutorTests``).
@Suite struct CompiledMovementOpsTests {
    @Test func movementOpsTrainAsOnTheTape() throws {
        let x = randomTensor([150, 4, 3], seed: 31)
        let y = Tensor<Double>(shape: [150], scalars: (0..<150).map { Double($0 % 3) })
        try CompiledExecutorTests().expectCompiledMatchesTape({
            let model = try Sequential<Double>(inputShape: [4, 3], seed: 32) {
                MovementMixer()
                Dense(3)
            }
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy())
            return model
        }, inputs: [x], targets: [y], batchSize: 150)
    }

    /// Reshapes are views: on the tape the result shares the input's storage, and in a compiled
    /// program the output (and, when the reshape alone writes it, the input's gradient) shares the
    /// input's buffer — yet the model trains as on the tape (Double, relative 1e-10).
    @Test func reshapesShareTheirInputsBuffers() throws {
        let x = Variable(randomTensor([5, 6], seed: 35))
        let view = x.reshaped([5, 2, 3])
        #expect(view.value.withUnsafeBufferPointer { $0.baseAddress } == x.value.withUnsafeBufferPointer { $0.baseAddress })

        func model() throws -> Sequential<Double> {
            let model = try Sequential<Double>(inputShape: [6], seed: 36) {
                Dense(6)
                ReshapeViews()
                Flatten()
                Dense(3)
            }
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy())
            return model
        }
        let graph = try TracedGraph<Double>(tracing: try model(), inputShapes: [[8, 6]])
        let program = CompiledProgram(graph, shapes: graph.shapes(rows: 8), training: true)
        let views = graph.calls.filter { $0.primitive.isView }
        #expect(views.count == 6)   // the layer's five reshapes and Flatten
        var sharedGradients = 0
        for call in views where graph.calls.contains(where: { $0.output == call.inputs[0] }) {
            #expect(program.values[call.output] == program.values[call.inputs[0]])
            if program.gradients[call.inputs[0]] != nil && program.gradients[call.output] == program.gradients[call.inputs[0]] { sharedGradients += 1 }
        }
        // Every reshape but the one of `shifted` shares its gradients: that one's input gradient adds
        // to the gradient from `shifted * shifted`.
        #expect(sharedGradients == 5)
        let sharedInput = try #require(views.first { view in graph.calls.filter { $0.inputs.contains(view.inputs[0]) }.count > 1 })
        #expect(program.gradients[sharedInput.inputs[0]] != program.gradients[sharedInput.output])

        let inputs = randomTensor([150, 6], seed: 37)
        let targets = Tensor<Double>(shape: [150], scalars: (0..<150).map { Double($0 % 3) })
        try CompiledExecutorTests().expectCompiledMatchesTape(model, inputs: [inputs], targets: [targets], batchSize: 150)
    }

    /// Zero padding and both global poolings compile (they used to keep a CNN on the tape).
    @Test func paddingAndGlobalPoolingTrainAsOnTheTape() throws {
        let x = randomTensor([140, 6, 5, 2], seed: 33)
        let y = Tensor<Double>(shape: [140], scalars: (0..<140).map { Double($0 % 3) })
        try CompiledExecutorTests().expectCompiledMatchesTape({
            let inputs = Input<Double>(shape: [6, 5, 2], seed: 34)
            let features = try Conv2D<Double>(filters: 4, kernelSize: 3, activation: .relu)(try ZeroPadding2D<Double>(padding: 1)(inputs))
            let pooled = try Concatenate<Double>()([try GlobalAveragePooling2D<Double>()(features), try GlobalMaxPooling2D<Double>()(features)])
            let model = try Model(inputs: [inputs], outputs: [try Dense<Double>(3)(pooled)])
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy())
            return model
        }, inputs: [x], targets: [y], batchSize: 140)
    }

    /// A slice of the batch axis, or a broadcast to a fixed batch, mixes rows: the model stays on the tape.
    @Test func opsThatMixRowsStayOnTheTape() throws {
        final class FirstRows<Scalar: TensorScalar>: Layer<Scalar> {
            override var isTraceable: Bool { true }
            override func forward(_ x: Variable<Scalar>) -> Variable<Scalar> {
                mustSucceed { try x.slice(alongAxis: 0, range: 0..<1).broadcast(to: x.shape) }
            }
        }
        let model = try Sequential<Double>(inputShape: [3], seed: 1) { FirstRows(); Dense(2) }
        model.compile(optimizer: SGD(learningRate: 0.1), loss: .meanSquaredError)
        _ = try model.fit(randomTensor([8, 3], seed: 2), randomTensor([8, 2], seed: 3), epochs: 1, batchSize: 4, verbose: .silent)
        #expect(model.executor(training: true) == nil)
        #expect(model.compilation.contains("mixes the rows"), "\(model.compilation)")
    }

    /// The primitives' shape rules reject inputs that do not fit, naming the operation.
    @Test func shapeRulesRejectInputsThatDoNotFit() {
        #expect(throws: TensorError.self) { try PermutePrimitive<Double>([0, 0]).outputShape([[2, 3]]) }
        #expect(throws: TensorError.self) { try SlicePrimitive<Double>([nil, 1..<4]).outputShape([[2, 3]]) }
        #expect(throws: TensorError.self) { try PadPrimitive<Double>([(0, -1), (0, 0)]).outputShape([[2, 3]]) }
        #expect(throws: TensorError.self) { try BroadcastPrimitive<Double>(to: [-1, 4]).outputShape([[2, 3]]) }
        #expect(throws: TensorError.self) { try BatchedMatMulPrimitive<Double>().outputShape([[2, 3, 4], [2, 3, 4]]) }
        #expect((try? BroadcastPrimitive<Double>(to: [5, -1, 3]).outputShape([[2, 1]])) == [5, 2, 3])
        #expect((try? SlicePrimitive<Double>([nil, 1..<3]).outputShape([[7, 3]])) == [7, 2])
    }
}
