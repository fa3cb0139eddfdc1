import Axone
import Foundation
import SwiftProtobuf

/// Imports an ONNX model (`.onnx`, protobuf `ModelProto`) as an Axone graph model
/// (``Model/init(inputs:outputs:name:)``), ready to predict, summarise, freeze, fine-tune and save.
///
/// ```swift
/// let model = try ONNXImport.load(contentsOf: "mlp.onnx")
/// print(model.summary())
/// ```
///
/// - Each graph input becomes an `Input` whose leading axis is the batch axis (symbolic in the
///   file, or any size: the model takes batches of any size). As in every Axone model, examples
///   are independent — `predict` and `fit` feed them in batches of their own — so on a symbolic
///   batch axis an operator that mixes examples (a reduction or softmax over axis 0, a transpose
///   or reshape moving it) is refused. A leading axis of fixed size is computed as ONNX does,
///   mixed or not: an operator that mixes it requires that batch size
///   (``ONNXOperatorLayer/requiredBatchSize``), and `predict`, `evaluate` and `fit` feed the
///   model batches of exactly that size.
/// - `Gemm`, and `MatMul` followed by the `Add` of a bias, with a constant weight on a matrix
///   input become ``Dense`` layers named after the weight (`fc1.weight` → layer `fc1`, parameters
///   `fc1.weight`, `fc1.bias`); activations become ``ActivationLayer``s, `Dropout` ``Dropout``,
///   a 2-D `BatchNormalization` ``BatchNormalization``, `Flatten` on axis 1 ``Flatten``.
/// - `Conv` with a constant kernel, `MaxPool` and `AveragePool` become ``Conv2D`` (after
///   ``ZeroPadding2D`` for explicit pads), ``MaxPooling2D`` and ``AveragePooling2D`` (pads and
///   `ceil_mode` those layers cannot express go to an ``ONNXOperatorLayer``). Those layers are channels-last; the graph
///   keeps ONNX's NCHW layout, so a ``ONNXOperatorLayer`` `Transpose` moves the channels last
///   before them and back after. The importer tracks both layouts of a value and transposes only
///   when a consumer needs the other one: in a chain Conv → Relu → MaxPool → Conv the image stays
///   channels-last, and only the `Flatten` or `Add` that follows pays for one transpose back.
///   Converting at the boundaries instead would need every NCHW operator (axes of `Concat`,
///   `Reshape` targets, `Flatten` order) rewritten for NHWC, where a mistake is a silently wrong
///   answer; this way every operator computes exactly what ONNX specifies.
/// - Every other supported operator becomes one ``ONNXOperatorLayer``; the constant-shape
///   plumbing exporters emit (`Constant`, `Shape` → `Gather` → `Unsqueeze` → `Concat` →
///   `Reshape`) is folded at import.
///
/// Anything the importer cannot represent exactly — an operator, an attribute, a data type, a
/// malformed file — throws ``ONNXImportError``; sizes are checked before anything is allocated.
public enum ONNXImport {
    /// The ONNX IR versions read (those of `torch.onnx.export` and of the ONNX node tests, since
    /// IR 3, whose graphs list their initializers among their inputs).
    public static let irVersions: ClosedRange<Int64> = 3...13
    /// The versions of the default (`ai.onnx`) operator set read; an operator whose definition
    /// changed since its version in an older opset is refused there (``ONNXOperatorVersions``).
    public static let opsetVersions: ClosedRange<Int64> = 7...25
    /// The largest number of elements of one tensor (initializer, input or intermediate example).
    public static let maximumElements = 1 << 27

    /// The operators imported (the plumbing ones only on constants).
    public static let supportedOperators: Set<String> = Set(ONNXOperation.accepted.keys).union(
        ["Dropout", "Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Cast"])

    /// Reads and imports the ONNX file at `path`.
    /// - Throws: ``ONNXImportError`` as ``model(from:name:outputs:)``; an error of Foundation when
    ///   the file cannot be read.
    public static func load(contentsOf path: String, outputs: [String]? = nil) throws -> Model<Float> {
        try model(from: Data(contentsOf: URL(fileURLWithPath: path)),
                  name: ((path as NSString).lastPathComponent as NSString).deletingPathExtension, outputs: outputs)
    }

    /// Imports the ONNX model encoded in `data`.
    /// - Parameters:
    ///   - name: the model's name when the graph has none.
    ///   - outputs: the values the model outputs, by ONNX name; by default the graph's outputs.
    ///     Naming an inner value cuts the graph there (Keras's `include_top=False`), e.g. to put
    ///     a new head on a pretrained body.
    /// - Throws: ``ONNXImportError`` for a malformed file, an unsupported version, operator,
    ///   attribute or data type, or a graph that is not a DAG of uniquely named values.
    public static func model(from data: Data, name: String? = nil, outputs: [String]? = nil) throws -> Model<Float> {
        registerLayers()
        let proto: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            proto = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw ONNXImportError.malformed("\(error)")
        }
        let opset = try checkVersions(proto)
        let graph = proto.graph
        let order = try ONNXGraphValidation.topologicalOrder(of: graph)
        var importer = ONNXGraphImporter(graph: graph, opset: opset, outputs: outputs ?? graph.output.map(\.name))
        return try importer.makeModel(order: order, name: graph.name.isEmpty ? name : graph.name)
    }

    /// Registers ``ONNXOperatorLayer`` with the layer factories, so that saved models holding it
    /// load (``ModelFile/load(from:as:)``, ``GraphArchitecture``). Importing registers it too.
    public static func registerLayers() { _ = registration }

    private static let registration: Void = LayerSpecification.register(ONNXOperatorLayerFactory(), as: "ONNXOperator")

    /// Checks the IR version and the default domain's opset, and returns the opset.
    private static func checkVersions(_ proto: Onnx_ModelProto) throws -> Int64 {
        guard irVersions.contains(proto.irVersion) else {
            throw ONNXImportError.unsupportedVersion("IR version \(proto.irVersion); the importer reads IR \(irVersions.lowerBound)–\(irVersions.upperBound)")
        }
        let defaults = proto.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        guard defaults.count == 1, let version = defaults.first?.version else {
            throw ONNXImportError.unsupportedVersion("the model must import the default operator set (ai.onnx) once, found \(defaults.count)")
        }
        guard opsetVersions.contains(version) else {
            throw ONNXImportError.unsupportedVersion("opset \(version); the importer reads opsets \(opsetVersions.lowerBound)–\(opsetVersions.upperBound)")
        }
        guard proto.hasGraph else { throw ONNXImportError.invalidGraph("the model has no graph") }
        return version
    }

    /// The number of elements of `shape`.
    /// - Throws: ``ONNXImportError/unsupportedTensor(name:reason:)`` when a dimension is negative
    ///   or there are more than ``maximumElements`` (an empty tensor, with a zero dimension, is valid).
    @discardableResult
    static func checkSize(_ shape: [Int], name: String) throws -> Int {
        var count = 1
        for d in shape {
            guard d >= 0 else {
                throw ONNXImportError.unsupportedTensor(name: name, reason: "has dimension \(d) in shape \(shape)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= maximumElements else {
                throw ONNXImportError.unsupportedTensor(name: name, reason: "shape \(shape) has more than \(maximumElements) elements")
            }
            count = product
        }
        return count
    }
}
