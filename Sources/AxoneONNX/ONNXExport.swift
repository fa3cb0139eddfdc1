import Axone
import Foundation
import SwiftProtobuf

/// Exports a trained ``Sequential`` model to ONNX (IR version 8, opset 17) for inference in
/// onnxruntime, PyTorch, TensorRT, browsers, ….
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
/// The graph has one input `input` of shape `[batch, features…]` (`batch` is a symbolic dimension,
/// so any batch size works) and one output `output` of shape `[batch, outputs…]`, both `float32`.
/// Parameters and BatchNorm statistics are initializers named as in Axone's checkpoints
/// (`layers.0.weight`, `layers.1.runningMean`, …). The graph computes the model's *inference*
/// output — what `model.predict` returns — whatever mode the model is in: dropout and Gaussian
/// noise vanish, BatchNormalization uses its running statistics, RReLU its mean slope.
///
/// | Axone                        | ONNX (opset 17) |
/// |------------------------------|------------------------------------------------------------------|
/// | `Dense`                      | `MatMul` (weight `[in, out]` as is), `Add` (bias), activation |
/// | `Activation`                 | the activation's operator (below) |
/// | `BatchNormalization`         | `BatchNormalization` (running mean/variance, epsilon) |
/// | `Dropout`, `GaussianNoise`   | nothing (identity); vanilla-style dropout: `Mul` by 1 − rate |
/// | `Flatten`                    | `Flatten(axis: 1)` |
/// | `PReLU`                      | `PRelu` (slope shaped as the features, or `[1]` when shared) |
/// | `RReLU`                      | `LeakyRelu` with the inference slope (lower + upper)/2 |
/// | `Maxout`                     | `MatMul`, `Add`, `Reshape [-1, units, pieces]`, `ReduceMax(axes: [2])` |
/// | `Sequential` (nested)        | its layers, named `<path>.layers.<index>` |
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
    /// The names of the graph's input and output.
    public static let inputName = "input", outputName = "output"

    /// The model encoded as an ONNX `ModelProto` (protobuf binary, the content of a `.onnx` file).
    /// - Parameter docString: the model's documentation; by default a line naming the model and
    ///   stating the inference-mode conventions.
    /// - Throws: ``ONNXExportError`` when the model is not built or holds a layer with no ONNX form.
    public static func serialize(_ model: Sequential<Float>, docString: String? = nil) throws -> [UInt8] {
        try makeModel(model, docString: docString).serializedBytes()
    }

    /// Writes the model as an ONNX file at `path`, atomically (readers see the old file or the
    /// whole new one, never a partial write).
    /// - Throws: ``ONNXExportError`` as ``serialize(_:docString:)``, `IOError` when the file
    ///   cannot be written.
    public static func write(_ model: Sequential<Float>, to path: String, docString: String? = nil) throws {
        try AtomicFile.write(Data(serialize(model, docString: docString)), to: path)
    }

    /// Builds the `ModelProto`: graph, opset import and metadata.
    static func makeModel(_ model: Sequential<Float>, docString: String?) throws -> Onnx_ModelProto {
        guard let inputShape = model.inputShape, let outputShape = model.outputShape else {
            throw ONNXExportError.notBuilt(path: "model")
        }
        var builder = GraphBuilder(input: inputName)
        try builder.lowerLayers(of: model, prefix: "")
        builder.finish(output: outputName)

        var graph = Onnx_GraphProto()
        graph.name = model.name ?? "Sequential"
        graph.node = builder.nodes
        graph.initializer = builder.initializers
        graph.input = [valueInfo(inputName, features: inputShape)]
        graph.output = [valueInfo(outputName, features: outputShape)]

        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = opsetVersion

        var proto = Onnx_ModelProto()
        proto.irVersion = irVersion
        proto.opsetImport = [opset]
        proto.producerName = "Axone"
        proto.docString = docString ?? """
            Axone Sequential '\(graph.name)' (\(model.layers.count) layers), exported for inference: \
            dropout and noise are identity, BatchNormalization uses its running statistics.
            """
        proto.graph = graph
        return proto
    }

    /// A `float32` tensor value `[batch, features…]` with `batch` symbolic.
    private static func valueInfo(_ name: String, features: [Int]) -> Onnx_ValueInfoProto {
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "batch"
        var shape = Onnx_TensorShapeProto()
        shape.dim = [batch] + features.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            dimension.dimValue = Int64(size)
            return dimension
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.shape = shape
        var info = Onnx_ValueInfoProto()
        info.name = name
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

    public var description: String {
        switch self {
        case let .notBuilt(path):
            "cannot export \(path) to ONNX: it is not built yet; give the model an input shape "
                + "(Sequential(inputShape:) or Dense(inputSize:)) or call build(inputShape:) first"
        case let .unsupportedLayer(path, type):
            "cannot export \(path) (\(type)) to ONNX: this layer type has no ONNX export; supported: "
                + "Dense, Activation, BatchNormalization, Dropout, GaussianNoise, Flatten, PReLU, RReLU, Maxout, Sequential"
        }
    }
}
