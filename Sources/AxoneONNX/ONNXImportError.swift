/// Why an ONNX file cannot be imported. Every case names what was refused — the node (by its
/// name, or `#index` when it has none), its operator and the attribute or input — so that a model
/// the importer cannot represent exactly is refused, never imported with a wrong answer.
public enum ONNXImportError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not a valid protobuf `ModelProto` (truncated or corrupt).
    case malformed(String)
    /// The file's IR version or its default-domain opset is outside what the importer reads.
    case unsupportedVersion(String)
    /// The graph is not a well-formed DAG: a cycle, a name read but never produced, a name
    /// produced twice, an empty graph.
    case invalidGraph(String)
    /// A tensor the importer refuses: external data, a data type other than float (for values) or
    /// integers (for shapes and axes), a size that does not match its dimensions, a dimension too large.
    case unsupportedTensor(name: String, reason: String)
    /// An operator with no import.
    case unsupportedOperator(node: String, op: String, domain: String)
    /// An attribute (or constant input) value of a supported operator that the importer refuses.
    case unsupportedAttribute(node: String, op: String, attribute: String, reason: String)
    /// A supported operator whose inputs the importer cannot handle (a dynamic shape, a missing
    /// input, shapes that do not fit).
    case unsupportedInput(node: String, op: String, reason: String)

    public var description: String {
        switch self {
        case let .malformed(reason): "not a valid ONNX model: \(reason)"
        case let .unsupportedVersion(reason): "unsupported ONNX version: \(reason)"
        case let .invalidGraph(reason): "invalid ONNX graph: \(reason)"
        case let .unsupportedTensor(name, reason): "ONNX tensor '\(name)': \(reason)"
        case let .unsupportedOperator(node, op, domain):
            "node '\(node)': operator \(domain.isEmpty ? "" : domain + ".")\(op) has no ONNX import in Axone; supported: "
                + ONNXImport.supportedOperators.sorted().joined(separator: ", ")
        case let .unsupportedAttribute(node, op, attribute, reason):
            "node '\(node)' (\(op)): attribute '\(attribute)' \(reason)"
        case let .unsupportedInput(node, op, reason): "node '\(node)' (\(op)): \(reason)"
        }
    }
}
