import Axone
import Foundation
import SwiftProtobuf

/// Exports a trained model — a ``Sequential`` or a graph model made with
/// `Model(inputs:outputs:)` — to ONNX (IR version 8, opset 17) for inference in onnxruntime,
/// PyTorch, TensorRT, browsers, ….
///
/// ```swift
/// let model = try Sequential<Float>(inputShape: [784], seed: 0) {
///     Dense(128, activation: .relu)
///     try Dropout(rate: 0.2)
///     Dense(10, activation: .softmax)
/// }
/// // … fit …
/// try ONNXExport.write(model, to: "mnist.onnx")
/// ```
/// ```python
/// import onnxruntime as ort
/// session = ort.InferenceSession("mnist.onnx")
/// probabilities = session.run(["output"], {"input": x.astype("float32")})[0]
/// ```
/// A ``Sequential`` has one input `input` of shape `[batch, features…]` (`batch` is a symbolic
/// dimension, so any batch size works) and one output `output` of shape `[batch, outputs…]`. A
/// graph model has one input per model input, named after its `Input` (`input_layer`,
/// `input_layer_1`, or the name given), and one output per model output, named as
/// `model.outputNames` (the layers giving them); ``ONNXSignature`` lists them. All are `float32`.
/// Parameters and BatchNorm statistics are initializers named as in Axone's checkpoints
/// (`layers.0.weight`, `layers.1.runningMean`, `layers.2.layers.0.bias` in a nested model); a
/// layer called several times (shared weights) has its initializers once. The graph computes the
/// model's *inference* output — what `model.predict` returns — whatever mode the model is in:
/// dropout and Gaussian noise vanish, BatchNormalization uses its running statistics, RReLU its
/// mean slope.
///
/// | Axone                        | ONNX (opset 17) |
/// |------------------------------|------------------------------------------------------------------|
/// | `Dense`                      | `MatMul` (weight `[in, out]` as is), `Add` (bias), activation |
/// | `Activation`                 | the activation's operator (below) |
/// | `BatchNormalization`         | `BatchNormalization` (running mean/variance, epsilon); on images between `Transpose [0,3,1,2]` and `Transpose [0,2,3,1]` |
/// | `Dropout`, `SpatialDropout2D`, `GaussianNoise` | nothing (identity); vanilla-style dropout: `Mul` by 1 − rate |
/// | `Flatten`                    | `Flatten(axis: 1)` |
/// | `Reshape`                    | `Reshape [-1, target…]` |
/// | `PReLU`                      | `PRelu` (slope shaped as the features, or `[1]` when shared) |
/// | `RReLU`                      | `LeakyRelu` with the inference slope (lower + upper)/2 |
/// | `Maxout`                     | `MatMul`, `Add`, `Reshape [-1, units, pieces]`, `ReduceMax(axes: [2])` |
/// | `Conv2D`                     | `Transpose [0,3,1,2]`, `Conv` (kernel stored `[outC, inC, kh, kw]`, bias, strides, dilations, pads), `Transpose [0,2,3,1]`, activation |
/// | `MaxPooling2D`, `AveragePooling2D` | `Transpose`, `MaxPool` / `AveragePool` (`count_include_pad: 0`) with pads, `Transpose` back |
/// | `GlobalMaxPooling2D`, `GlobalAveragePooling2D` | `Transpose [0,3,1,2]`, `GlobalMaxPool` / `GlobalAveragePool`, `Flatten(axis: 1)` |
/// | `ZeroPadding2D`              | `Pad` (constant 0) of the height and width axes, channels-last |
/// | `Concatenate(axis: a)`       | `Concat` on axis a + 1 (the batch axis comes first), a when a < 0 |
/// | `Add` (n inputs)             | n − 1 `Add` nodes, left to right |
/// | `Sequential` (nested)        | its layers, named `<path>.layers.<index>` |
/// | graph `Model` (nested)       | its layer calls, named `<path>.layers.<index>` |
///
/// Images stay channels-last (`[batch, height, width, channels]`, as in Axone) between layers:
/// only the inside of a convolution or pooling layer is channels-first, so a `Flatten` after a
/// convolution block flattens in Axone's order. `same` padding becomes explicit `pads`
/// (TensorFlow's split, the extra one at the bottom/right) computed from the static input shape.
/// The `Conv2D` kernel initializer keeps its Axone name (`layers.1.kernel`) in ONNX's layout.
///
/// Activations: linear → nothing, step → `GreaterOrEqual(x, 0)` + `Cast(to: FLOAT)` (Axone's
/// Heaviside is 1 where x ≥ 0), sigmoid, tanh, relu, softplus → their operators, leaky ReLU and
/// ELU → `LeakyRelu`/`Elu` with α, SELU → `Selu` with Axone's α and λ (as γ), softmax and
/// log-softmax → `Softmax`/`LogSoftmax` over axis −1.
///
/// Any other layer throws ``ONNXExportError/unsupportedLayer(path:type:)``.
public enum ONNXExport {
    /// The ONNX IR version written (IR 8 with opset 17 loads in onnxruntime 1.12 and later).
    public static let irVersion: Int64 = 8
    /// The version of the default (`ai.onnx`) operator set the graph uses.
    public static let opsetVersion: Int64 = 17
    /// The names of a ``Sequential``'s graph input and output.
    public static let inputName = "input", outputName = "output"

    /// The model encoded as an ONNX `ModelProto` (protobuf binary, the content of a `.onnx` file).
    /// - Parameter docString: the model's documentation; by default a line naming the model and
    ///   stating the inference-mode conventions.
    /// - Throws: ``ONNXExportError`` when the model is not built or holds a layer with no ONNX form.
    public static func serialize(_ model: Model<Float>, docString: String? = nil) throws -> [UInt8] {
        try makeModel(model, docString: docString).serializedBytes()
    }

    /// Writes the model as an ONNX file at `path`, atomically (readers see the old file or the
    /// whole new one, never a partial write).
    /// - Throws: ``ONNXExportError`` as ``serialize(_:docString:)``, `IOError` when the file
    ///   cannot be written.
    public static func write(_ model: Model<Float>, to path: String, docString: String? = nil) throws {
        try AtomicFile.write(Data(serialize(model, docString: docString)), to: path)
    }

    /// Builds the `ModelProto`: graph, opset import and metadata.
    static func makeModel(_ model: Model<Float>, docString: String?) throws -> Onnx_ModelProto {
        let signature = try ONNXSignature(of: model)
        let inputNames = signature.inputs.map(\.name), outputNames = signature.outputs.map(\.name)
        var builder = GraphBuilder(inputs: inputNames, outputs: outputNames)
        let values = try builder.lower(model, prefix: "", inputs: inputNames)
        builder.finish(outputs: zip(values, outputNames).map { (value: $0, name: $1) })

        var graph = Onnx_GraphProto()
        graph.name = model.name ?? model.typeName
        graph.node = builder.nodes
        graph.initializer = builder.initializers
        graph.input = signature.inputs.map(valueInfo)
        graph.output = signature.outputs.map(valueInfo)

        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = opsetVersion

        var proto = Onnx_ModelProto()
        proto.irVersion = irVersion
        proto.opsetImport = [opset]
        proto.producerName = "Axone"
        proto.docString = docString ?? """
            Axone \(model.typeName) '\(graph.name)' (\(model.namedChildren.count) layers), exported for inference: \
            dropout and noise are identity, BatchNormalization uses its running statistics.
            """
        proto.graph = graph
        return proto
    }

    /// A `float32` tensor value `[batch, features…]` with `batch` symbolic.
    private static func valueInfo(_ value: ONNXSignature.Value) -> Onnx_ValueInfoProto {
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "batch"
        var shape = Onnx_TensorShapeProto()
        shape.dim = [batch] + value.shape.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            dimension.dimValue = Int64(size)
            return dimension
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.shape = shape
        var info = Onnx_ValueInfoProto()
        info.name = value.name
        info.type.tensorType = tensor
        return info
    }
}

/// Why a model cannot be exported to ONNX.
public enum ONNXExportError: Error, Equatable, CustomStringConvertible {
    /// The model (or the layer at `path`) has no weights or input shape yet.
    case notBuilt(path: String)
    /// The layer at `path` (e.g. `layers.3`) has no ONNX equivalent in this exporter.
    case unsupportedLayer(path: String, type: String)
    /// The traceable layer at `path` uses a primitive with no single-node ONNX form, or cannot be traced.
    case unsupportedPrimitive(path: String, type: String, primitive: String)
    /// The traceable layer at `path` mixes the examples of a batch, so its trace holds for one batch size only.
    case batchDependentLayer(path: String, type: String)

    public var description: String {
        switch self {
        case let .notBuilt(path):
            "cannot export \(path) to ONNX: it is not built yet; give the model an input shape "
                + "(Sequential(inputShape:) or Dense(inputSize:)) or call build(inputShape:) first"
        case let .unsupportedLayer(path, type):
            "cannot export \(path) (\(type)) to ONNX: this layer type has no ONNX export; supported: "
                + "Dense, Activation, BatchNormalization, Dropout, SpatialDropout2D, GaussianNoise, Flatten, Reshape, PReLU, RReLU, Maxout, "
                + "Conv2D, MaxPooling2D, AveragePooling2D, GlobalMaxPooling2D, GlobalAveragePooling2D, ZeroPadding2D, "
                + "Concatenate, Add, ONNXOperator (imported operators), Sequential and graph models (Model(inputs:outputs:)), "
                + "and layers whose forward pass is traceable (Layer.isTraceable) and made of primitives with an ONNX form"
        case let .unsupportedPrimitive(path, type, primitive):
            "cannot export \(path) (\(type)) to ONNX: its forward pass uses \(primitive), which has no ONNX form"
        case let .batchDependentLayer(path, type):
            "cannot export \(path) (\(type)) to ONNX: its forward pass mixes the examples of a batch, so its trace fits one batch size only"
        }
    }
}
