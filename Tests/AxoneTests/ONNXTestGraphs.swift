import Foundation
@testable import AxoneONNX

/// Small ONNX models built directly as protobuf messages, for the validation and fuzz tests (no
/// Python needed): `mlp` is `Gemm(transB) → Relu` on `[batch, 4]`, `cnn` is `Conv → Relu →
/// MaxPool → Flatten` on `[batch, 2, 5, 5]`.
enum ONNXTestGraphs {
    static func tensorInfo(_ name: String, _ dims: [Int64?], type: Onnx_TensorProto.DataType = .float) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = Int32(type.rawValue)
        info.type.tensorType.shape.dim = dims.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            if let size { dimension.dimValue = size } else { dimension.dimParam = "batch" }
            return dimension
        }
        return info
    }

    static func initializer(_ name: String, _ dims: [Int64]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.floatData = (0..<Int(dims.reduce(1, *))).map { Float($0 % 7) * 0.1 - 0.3 }
        return tensor
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String,
                     attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.input = inputs
        node.output = outputs
        node.name = name
        node.attribute = attributes
        return node
    }

    static func model(_ graph: Onnx_GraphProto, opset: Int64 = 17, ir: Int64 = 8) -> Onnx_ModelProto {
        var model = Onnx_ModelProto()
        model.irVersion = ir
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        model.opsetImport = [opsetID]
        model.graph = graph
        return model
    }

    static var mlp: Onnx_ModelProto {
        var graph = Onnx_GraphProto()
        graph.name = "mlp"
        graph.input = [tensorInfo("x", [nil, 4])]
        graph.output = [tensorInfo("y", [nil, 3])]
        graph.initializer = [initializer("fc.weight", [3, 4]), initializer("fc.bias", [3])]
        graph.node = [node("Gemm", ["x", "fc.weight", "fc.bias"], ["h"], name: "fc", attributes: [.int("transB", 1)]),
                      node("Relu", ["h"], ["y"], name: "relu")]
        return model(graph)
    }

    static var cnn: Onnx_ModelProto {
        var graph = Onnx_GraphProto()
        graph.name = "cnn"
        graph.input = [tensorInfo("x", [nil, 2, 5, 5])]
        graph.output = [tensorInfo("y", [nil, 12])]
        graph.initializer = [initializer("conv.weight", [3, 2, 3, 3]), initializer("conv.bias", [3])]
        graph.node = [node("Conv", ["x", "conv.weight", "conv.bias"], ["c"], name: "conv", attributes: [.ints("pads", [1, 1, 1, 1])]),
                      node("Relu", ["c"], ["r"], name: "relu"),
                      node("MaxPool", ["r"], ["p"], name: "pool", attributes: [.ints("kernel_shape", [2, 2]), .ints("strides", [2, 2])]),
                      node("Flatten", ["p"], ["y"], name: "flatten")]
        return model(graph)
    }

    static func bytes(_ model: Onnx_ModelProto) throws -> Data { try model.serializedBytes() }
}
