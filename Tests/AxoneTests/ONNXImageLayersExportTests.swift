import Foundation
import Testing
@testable import Axone
@testable import AxoneONNX

/// ONNX export of BatchNormalization over channels, SpatialDropout2D and Reshape.
///
/// Oracle: onnxruntime (CPU), after `onnx.checker` full check, against `model.predict`, as
/// ``ONNXConvolutionExportTests``. Tolerance: 1e-5 absolute per element (float32). γ, β, the running
/// statistics and the biases are drawn at random so that a channel laid out wrongly would show.
@Suite("ONNX export — BatchNormalization over channels, SpatialDropout2D, Reshape")
struct ONNXImageLayersExportTests {
    /// Flat input [5·6·3] → Reshape [5, 6, 3] → BatchNormalization (per channel) → Conv → SpatialDropout2D
    /// → BatchNormalization → max pooling → Flatten → BatchNormalization (per feature) → Dense.
    static func model() throws -> Sequential<Float> {
        let layers: [Layer<Float>] = [
            Reshape(targetShape: [5, 6, 3]),
            try BatchNormalization(epsilon: 1e-3),
            Conv2D(filters: 4, kernelSize: 3, padding: .same, activation: .relu),
            try SpatialDropout2D(rate: 0.4),
            try BatchNormalization(),
            MaxPooling2D(poolSize: 2),
            Flatten(),
            try BatchNormalization(),
            Dense(3),
        ]
        let model = try Sequential<Float>(layers, inputShape: [90], seed: 8, name: "image_layers")
        ONNXTestModel.randomizeNonKernels(of: model, seed: 19)
        return model
    }

    @Test("matches onnxruntime, also when left in training mode")
    func parity() throws {
        let model = try Self.model()
        var generator = SeededGenerator(seed: 23)
        let input = Tensor<Float>.randomNormal([4, 90], standardDeviation: 1.5, using: &generator)
        let expected = try model.predict(input)
        model.train()
        expectClose(try ONNXReferenceRuntime.run(model, on: input), expected, relative: 0, absolute: 1e-5)
    }

    @Test("nodes: Reshape, BatchNormalization between Transposes on images, nothing for SpatialDropout2D")
    func structure() throws {
        let proto = try Onnx_ModelProto(exported: ONNXExport.serialize(try Self.model()))
        #expect(proto.opTypes == [
            "Reshape",
            "Transpose", "BatchNormalization", "Transpose",
            "Transpose", "Conv", "Transpose", "Relu",
            "Transpose", "BatchNormalization", "Transpose",
            "Transpose", "MaxPool", "Transpose",
            "Flatten", "BatchNormalization", "MatMul", "Add",
        ])
        let perms = proto.graph.node.filter { $0.name.hasPrefix("layers.1/Transpose") }.map { $0.attribute.first { $0.name == "perm" }?.ints }
        #expect(perms == [[0, 3, 1, 2], [0, 2, 3, 1]])
        #expect(proto.initializer("layers.0.shape")?.int64Data == [-1, 5, 6, 3])
        #expect(proto.initializer("layers.1.gamma")?.dims == [3])
    }
}
