import Foundation
import Testing
@testable import Axone
@testable import AxoneONNX

/// ONNX export of the channels-last image layers: the graph stays `[batch, h, w, c]` between
/// layers, each Conv/pool runs channels-first between two `Transpose` nodes.
///
/// Oracle: onnxruntime (CPU), after `onnx.checker` full check, against `model.predict`.
/// Tolerance: 1e-5 absolute per element (float32), as ``ONNXRuntimeParityTests``. Biases and
/// kernels are drawn at random (``ONNXTestModel/randomizeNonKernels(of:seed:)``) so that a bias
/// or kernel laid out wrongly would show.
@Suite("ONNX export — convolution layers")
struct ONNXConvolutionExportTests {
    /// Input [17, 20, 3]: zero padding, a strided `same` convolution, `same` max pooling, a dilated
    /// `valid` convolution with a non-square kernel, `same` average pooling (padding excluded from
    /// the mean), Flatten (NHWC order) and Dense.
    static func convolutionChain() throws -> Sequential<Float> {
        // Shapes: [19, 22, 3] → [10, 11, 4] → [5, 6, 4] → [3, 2, 5] → [3, 2, 5] → [30] → [3].
        let layers: [Layer<Float>] = [
            ZeroPadding2D(padding: 1),
            Conv2D(filters: 4, kernelSize: 3, strides: 2, padding: .same, activation: .relu),
            MaxPooling2D(poolSize: 2, padding: .same),
            Conv2D(filters: 5, kernelSize: Size2D(2, 3), padding: .valid, dilation: 2),
            AveragePooling2D(poolSize: 2, strides: 1, padding: .same),
            Flatten(),
            Dense(3),
        ]
        let model = try Sequential<Float>(layers, inputShape: [17, 20, 3], seed: 5, name: "cnn")
        ONNXTestModel.randomizeNonKernels(of: model, seed: 13)
        return model
    }

    /// Input [7, 9, 2]: asymmetric zero padding, a `same` convolution with unequal strides and
    /// tanh, one without bias, `valid` max pooling, then global max or average pooling and Dense.
    static func globalPooling(_ mode: PoolingMode) throws -> Sequential<Float> {
        // Shapes: [9, 10, 2] → [9, 5, 3] → [8, 4, 4] → [4, 2, 4] → [4] → [2].
        let layers: [Layer<Float>] = [
            ZeroPadding2D(top: 0, bottom: 2, left: 1, right: 0),
            Conv2D(filters: 3, kernelSize: Size2D(3, 2), strides: Size2D(1, 2), padding: .same, activation: .tanh),
            Conv2D(filters: 4, kernelSize: 2, useBias: false),
            MaxPooling2D(poolSize: Size2D(2, 3), strides: Size2D(2, 1)),
            mode == .max ? GlobalMaxPooling2D<Float>() as Layer<Float> : GlobalAveragePooling2D<Float>(),
            Dense(2, activation: .sigmoid),
        ]
        let model = try Sequential<Float>(layers, inputShape: [7, 9, 2], seed: 6, name: "global_\(mode)")
        ONNXTestModel.randomizeNonKernels(of: model, seed: 17)
        return model
    }

    static func input(_ shape: [Int], batch: Int = 4) -> Tensor<Float> {
        var generator = SeededGenerator(seed: 21)
        return Tensor.randomNormal([batch] + shape, standardDeviation: 1.5, using: &generator)
    }

    @Test("CNN with padding, strides, dilation, pools and Flatten matches onnxruntime")
    func convolutionChainParity() throws {
        let model = try Self.convolutionChain()
        let input = Self.input([17, 20, 3])
        expectClose(try ONNXReferenceRuntime.run(model, on: input), try model.predict(input), relative: 0, absolute: 1e-5)
    }

    @Test("global pooling models match onnxruntime", arguments: PoolingMode.allCases)
    func globalPoolingParity(_ mode: PoolingMode) throws {
        let model = try Self.globalPooling(mode)
        let input = Self.input([7, 9, 2], batch: 3)
        expectClose(try ONNXReferenceRuntime.run(model, on: input), try model.predict(input), relative: 0, absolute: 1e-5)
    }

    @Test("nodes, attributes and the transposed kernel initializer")
    func structure() throws {
        let model = try Self.convolutionChain()
        let proto = try Onnx_ModelProto(exported: ONNXExport.serialize(model))
        #expect(proto.opTypes == [
            "Pad",
            "Transpose", "Conv", "Transpose", "Relu",
            "Transpose", "MaxPool", "Transpose",
            "Transpose", "Conv", "Transpose",
            "Transpose", "AveragePool", "Transpose",
            "Flatten", "MatMul", "Add",
        ])
        let attributes = Dictionary(uniqueKeysWithValues: proto.graph.node.map {
            ($0.name, Dictionary(uniqueKeysWithValues: $0.attribute.map { ($0.name, $0) }))
        })
        // [19, 22] padded input, kernel 3, stride 2, same: outputs 10×11, totals 2 and 1.
        let conv = try #require(attributes["layers.1/Conv"])
        #expect(conv["kernel_shape"]?.ints == [3, 3])
        #expect(conv["strides"]?.ints == [2, 2])
        #expect(conv["dilations"]?.ints == [1, 1])
        #expect(conv["pads"]?.ints == [1, 0, 1, 1])
        #expect(attributes["layers.1/Transpose"]?["perm"]?.ints == [0, 3, 1, 2])
        #expect(attributes["layers.1/Transpose_1"]?["perm"]?.ints == [0, 2, 3, 1])
        // 10×11, pool 2 stride 2, same: outputs 5×6, totals 0 and 1.
        #expect(attributes["layers.2/MaxPool"]?["pads"]?.ints == [0, 0, 0, 1])
        let dilated = try #require(attributes["layers.3/Conv"])
        #expect(dilated["kernel_shape"]?.ints == [2, 3])
        #expect(dilated["dilations"]?.ints == [2, 2])
        #expect(dilated["pads"]?.ints == [0, 0, 0, 0])
        let average = try #require(attributes["layers.4/AveragePool"])
        #expect(average["count_include_pad"]?.i == 0)
        // 3×2, pool 2 stride 1, same: totals 1 and 1, both at the bottom/right.
        #expect(average["pads"]?.ints == [0, 0, 1, 1])
        #expect(proto.graph.node.first { $0.opType == "Pad" }?.input.count == 2)
        let convInputs = proto.graph.node.first { $0.name == "layers.1/Conv" }?.input ?? []
        #expect(convInputs == ["layers.1/Transpose_output", "layers.1.kernel", "layers.1.bias"])

        // The kernel initializer keeps its Axone name, in ONNX's [outC, inC, kh, kw] layout.
        let kernel = try #require(model.namedParameters().first { $0.name == "layers.3.kernel" }).variable.value
        let initializer = try #require(proto.initializer("layers.3.kernel"))
        #expect(initializer.dims == [5, 4, 2, 3])
        let stored = LittleEndianFloats.decode([UInt8](initializer.rawData))
        let expected = try kernel.permuted([3, 2, 0, 1]).scalars
        #expect(stored == expected)
        #expect(proto.initializer("layers.0.pads")?.int64Data == [0, 1, 1, 0, 0, 1, 1, 0])
    }
}
