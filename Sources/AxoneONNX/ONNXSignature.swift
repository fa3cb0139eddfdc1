import Axone

/// The graph inputs and outputs of a model's ONNX export, in order: what to feed
/// `session.run` and what it returns.
///
/// ```swift
/// let signature = try ONNXSignature(of: model)
/// print(signature.inputs.map(\.name), signature.outputs.map(\.name))   // ["left", "right"] ["classes", "score"]
/// ```
public struct ONNXSignature: Equatable, Sendable {
    /// A graph input or output: its name and the shape of one example; the ONNX value is
    /// `float32` of shape `[batch, shape…]`, `batch` symbolic.
    public struct Value: Equatable, Sendable {
        public let name: String
        public let shape: [Int]
    }

    public let inputs: [Value]
    public let outputs: [Value]

    /// The signature of `model`'s export: for a ``Sequential``, ``ONNXExport/inputName`` and
    /// ``ONNXExport/outputName``; for a graph model, its inputs by the names of their `Input`
    /// layers and its outputs by `model.outputNames`.
    /// - Throws: ``ONNXExportError/notBuilt(path:)`` for a Sequential without an input shape,
    ///   ``ONNXExportError/unsupportedLayer(path:type:)`` for a model that is neither a
    ///   Sequential nor a graph model.
    public init(of model: Model<Float>) throws {
        if model is Sequential<Float> {
            guard let inputShape = model.inputShape, let outputShape = model.outputShape else {
                throw ONNXExportError.notBuilt(path: "model")
            }
            inputs = [Value(name: ONNXExport.inputName, shape: inputShape)]
            outputs = [Value(name: ONNXExport.outputName, shape: outputShape)]
        } else if let graph = model.graphDescription {
            inputs = graph.inputs.map { Value(name: graph.nodes[$0.node].name, shape: graph.shape(of: $0)) }
            outputs = zip(model.outputNames, graph.outputs).map { Value(name: $0, shape: graph.shape(of: $1)) }
        } else {
            throw ONNXExportError.unsupportedLayer(path: "model", type: model.typeName)
        }
    }
}
