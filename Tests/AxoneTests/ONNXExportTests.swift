import Foundation
import Testing
@testable import Axone
@testable import AxoneONNX

/// The structure of exported files, decoded back with the generated ONNX types.
@Suite("ONNX export — structure")
struct ONNXExportTests {
    /// Every exportable layer in one model, input `[2, 3]`.
    private func everyLayer() throws -> Sequential<Float> {
        try Sequential<Float>(inputShape: [2, 3], seed: 1, name: "every_layer") {
            Flatten()
            Dense(8, activation: .relu)
            try BatchNormalization(epsilon: 1e-3)
            try Dropout(rate: 0.5)
            try GaussianNoise(standardDeviation: 0.1)
            PReLU()
            try RReLU(lower: 0.1, upper: 0.3)
            try Maxout(4, pieces: 3)
            Dense(3, activation: .softmax)
        }
    }

    @Test("model header: IR 8, opset 17 of the default domain, producer, input and output")
    func header() throws {
        let proto = try Onnx_ModelProto(exported: ONNXExport.serialize(everyLayer()))
        #expect(proto.irVersion == 8)
        #expect(proto.opsetImport.map(\.domain) == [""])
        #expect(proto.opsetImport.map(\.version) == [17])
        #expect(proto.producerName == "Axone")
        #expect(proto.docString.contains("every_layer"))
        #expect(proto.graph.name == "every_layer")
        #expect(proto.graph.input.map(\.name) == ["input"])
        #expect(proto.graph.output.map(\.name) == ["output"])
        #expect(Onnx_ModelProto.shape(of: proto.graph.input[0]) == ["batch", "2", "3"])
        #expect(Onnx_ModelProto.shape(of: proto.graph.output[0]) == ["batch", "3"])
        let float = Int32(Onnx_TensorProto.DataType.float.rawValue)
        #expect(proto.graph.input[0].type.tensorType.elemType == float)
        #expect(proto.graph.output[0].type.tensorType.elemType == float)
    }

    @Test("nodes in layer order, chained from input to output")
    func nodes() throws {
        let graph = try Onnx_ModelProto(exported: ONNXExport.serialize(everyLayer())).graph
        #expect(graph.node.map(\.opType) == [
            "Flatten", "MatMul", "Add", "Relu", "BatchNormalization", "PRelu", "LeakyRelu",
            "MatMul", "Add", "Reshape", "ReduceMax", "MatMul", "Add", "Softmax",
        ])
        #expect(graph.node.first?.input.first == "input")
        #expect(graph.node.last?.output == ["output"])
        for (previous, node) in zip(graph.node, graph.node.dropFirst()) {
            #expect(node.input.first == previous.output.first, "\(node.name) does not read \(previous.name)")
        }
        let attributes = Dictionary(uniqueKeysWithValues: graph.node.map { ($0.name, $0.attribute) })
        #expect(attributes["layers.2/BatchNormalization"]?.map(\.f) == [1e-3])
        #expect(attributes["layers.6/LeakyRelu"]?.map(\.f) == [0.2])
        #expect(attributes["layers.7/ReduceMax"]?.map(\.name) == ["axes", "keepdims"])
        #expect(attributes["layers.7/ReduceMax"]?.first?.ints == [2])
        #expect(attributes["layers.0/Flatten"]?.first?.i == 1)
    }

    @Test("initializers are the model's parameters and buffers, by name, shape and value")
    func initializers() throws {
        let model = try everyLayer()
        let proto = try Onnx_ModelProto(exported: ONNXExport.serialize(model))
        let tensors = model.namedParameters().map { ($0.name, $0.variable.value) }
            + model.namedBuffers().map { ($0.name, $0.buffer.value) }
        #expect(tensors.map(\.0) == [
            "layers.1.weight", "layers.1.bias", "layers.2.gamma", "layers.2.beta", "layers.5.alpha",
            "layers.7.weight", "layers.7.bias", "layers.8.weight", "layers.8.bias",
            "layers.2.runningMean", "layers.2.runningVariance",
        ])
        for (name, tensor) in tensors {
            let initializer = try #require(proto.initializer(name), "no initializer \(name)")
            #expect(initializer.dims == tensor.shape.map(Int64.init), "\(name)")
            #expect(initializer.floats == tensor.scalars, "\(name)")
        }
        let shape = try #require(proto.initializer("layers.7.pieces_shape"))
        #expect(shape.int64Data == [-1, 4, 3])
        #expect(proto.graph.initializer.count == tensors.count + 1)
    }

    @Test("activations become their operators with Axone's constants", arguments: [
        (Activation.linear, [String]()), (.step, ["GreaterOrEqual", "Cast"]), (.sigmoid, ["Sigmoid"]),
        (.tanh, ["Tanh"]), (.relu, ["Relu"]), (.leakyRelu(alpha: 0.3), ["LeakyRelu"]), (.elu(alpha: 0.5), ["Elu"]),
        (.selu, ["Selu"]), (.softplus, ["Softplus"]), (.softmax, ["Softmax"]), (.logSoftmax, ["LogSoftmax"]),
    ])
    func activation(_ activation: Activation, opTypes: [String]) throws {
        let model = try Sequential<Float>(inputShape: [3]) { Dense(2, activation: activation) }
        let nodes = try Onnx_ModelProto(exported: ONNXExport.serialize(model)).graph.node
        #expect(nodes.map(\.opType) == ["MatMul", "Add"] + opTypes)
        let attributes = Dictionary(uniqueKeysWithValues: (nodes.last?.attribute ?? []).map { ($0.name, $0) })
        switch activation {
        case .leakyRelu: #expect(attributes["alpha"]?.f == 0.3)
        case .elu: #expect(attributes["alpha"]?.f == 0.5)
        case .selu:
            #expect(attributes["alpha"]?.f == ElementwiseFunction<Float>.seluAlpha)
            #expect(attributes["gamma"]?.f == ElementwiseFunction<Float>.seluLambda)
        case .softmax, .logSoftmax: #expect(attributes["axis"]?.i == -1)
        case .step: #expect(attributes["to"]?.i == Int64(Onnx_TensorProto.DataType.float.rawValue))
        default: #expect(attributes.isEmpty)
        }
    }

    @Test("nested Sequential layers keep their dotted names; a Dense without bias has no Add")
    func nestedAndBiasless() throws {
        let inner = try Sequential<Float>([Dense(4, useBias: false), PReLU(perUnit: false)])
        let model = try Sequential<Float>(inputShape: [3]) { Dense(5); inner }
        let proto = try Onnx_ModelProto(exported: ONNXExport.serialize(model))
        #expect(proto.opTypes == ["MatMul", "Add", "MatMul", "PRelu"])
        #expect(proto.graph.initializer.map(\.name) == model.namedParameters().map(\.name))
        #expect(proto.graph.initializer.map(\.name).last == "layers.1.layers.1.alpha")
        #expect(proto.initializer("layers.1.layers.1.alpha")?.dims == [1])
    }

    @Test("a model whose layers all vanish at inference is one Identity node")
    func identityGraph() throws {
        let model = try Sequential<Float>(inputShape: [4]) { try Dropout(rate: 0.5); try GaussianNoise(standardDeviation: 1) }
        let graph = try Onnx_ModelProto(exported: ONNXExport.serialize(model)).graph
        #expect(graph.node.map(\.opType) == ["Identity"])
        #expect(graph.node[0].input == ["input"] && graph.node[0].output == ["output"])
    }

    @Test("write(to:) stores exactly the serialized bytes")
    func writeMatchesSerialize() throws {
        let model = try everyLayer()
        let path = NSTemporaryDirectory() + "axone-onnx-\(UUID().uuidString).onnx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ONNXExport.write(model, to: path, docString: "custom")
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == (try ONNXExport.serialize(model, docString: "custom")))
        #expect(try Onnx_ModelProto(exported: written).docString == "custom")
    }

    @Test("an unsupported layer is named in a typed error")
    func unsupportedLayer() throws {
        let model = try Sequential<Float>(inputShape: [2]) { Dense(2); Doubler() }
        #expect(throws: ONNXExportError.unsupportedLayer(path: "layers.1", type: "Doubler")) {
            try ONNXExport.serialize(model)
        }
        #expect(ONNXExportError.unsupportedLayer(path: "layers.1", type: "Doubler").description.contains("layers.1 (Doubler)"))
    }

    @Test("a model without an input shape cannot be exported")
    func notBuilt() throws {
        let model = try Sequential<Float> { Dense(2) }
        #expect(throws: ONNXExportError.notBuilt(path: "model")) { try ONNXExport.serialize(model) }
    }
}

/// A layer the exporter does not know.
final class Doubler: Layer<Float> {
    override func forward(_ input: Variable<Float>) -> Variable<Float> { input * 2 }
}
