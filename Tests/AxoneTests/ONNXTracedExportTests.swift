import Testing
@testable import Axone
@testable import AxoneONNX

/// `y = x³`: a primitive of a user's own, with no ONNX form.
struct Cube: Primitive {
    var name: String { "cube" }
    func outputShape(_ shapes: [[Int]]) throws -> [Int] { shapes[0] }
    func forward(_ inputs: [Operand<Float>], into y: Operand<Float>, _ context: PrimitiveContext) {
        for i in 0..<y.count { y.buffer[i] = inputs[0].buffer[i] * inputs[0].buffer[i] * inputs[0].buffer[i] }
    }
    func backward(_ inputs: [Operand<Float>], output: Operand<Float>, upstream: Operand<Float>,
                  into gradients: [Operand<Float>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0] else { return }
        for i in 0..<dx.count { dx.buffer[i] = 3 * inputs[0].buffer[i] * inputs[0].buffer[i] * upstream.buffer[i] }
    }
}

/// A traceable layer built on ``Cube``.
final class Cuber: Layer<Float> {
    override var isTraceable: Bool { true }
    override func forward(_ input: Variable<Float>) -> Variable<Float> { Variable.applying(Cube(), to: [input]) }
}

/// Layers without an export rule of their own are exported from their trace, one node per
/// primitive in the form the op registry gives it.
///
/// Oracle: onnxruntime (CPU) after `onnx.checker` with `full_check`, as in ``ONNXRuntimeParityTests``.
/// Tolerance: float32, absolute 1e-5 plus relative 1e-5 per element (different summation orders).
@Suite("ONNX export — traced layers")
struct ONNXTracedExportTests {
    @Test("a user layer of movement ops, batched products and reductions runs in onnxruntime as in predict",
          arguments: [1, 5])
    func tracedLayerMatchesPredict(batch: Int) throws {
        let model = try Sequential<Float>(inputShape: [4, 3], seed: 3) {
            MovementMixer()
            Dense(3, activation: .tanh)
        }
        var generator = SeededGenerator(seed: 4)
        let x = Tensor<Float>.randomNormal([batch, 4, 3], using: &generator)
        let exported = try ONNXReferenceRuntime.run(model, on: [x])
        expectClose(exported[0], try model.predict(x), relative: 1e-5, absolute: 1e-5)
        // The layer's parameter keeps its path as the initializer's name.
        #expect(try ONNXExport.serialize(model).firstRange(of: Array("layers.0.weight".utf8)) != nil)
    }

    @Test("a primitive without an ONNX form is named, with the layer's path and type")
    func primitiveWithoutAForm() throws {
        let model = try Sequential<Float>(inputShape: [2]) { Dense(2); Cuber() }
        #expect(throws: ONNXExportError.unsupportedPrimitive(path: "layers.1", type: "Cuber", primitive: "'cube'")) {
            try ONNXExport.serialize(model)
        }
    }
}

extension ONNXTracedExportTests {
    /// A slice of the batch axis broadcast back: traceable, but only for the traced batch size.
    final class FirstRowEverywhere: Layer<Float> {
        override var isTraceable: Bool { true }
        override func forward(_ x: Variable<Float>) -> Variable<Float> {
            mustSucceed { try x.slice(alongAxis: 0, range: 0..<1).broadcast(to: x.shape) }
        }
    }

    @Test("a layer that mixes the examples of a batch is refused")
    func batchDependentLayer() throws {
        let model = try Sequential<Float>(inputShape: [2]) { FirstRowEverywhere() }
        #expect(throws: ONNXExportError.batchDependentLayer(path: "layers.0", type: "FirstRowEverywhere")) {
            try ONNXExport.serialize(model)
        }
    }
}
