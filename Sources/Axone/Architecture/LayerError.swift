/// Errors in how a model is put together or fed; each names the layer involved.
public enum LayerError: Error, Equatable, CustomStringConvertible {
    /// The input reaching a layer does not have the shape it needs.
    case shapeMismatch(layer: String, expected: String, got: [Int])
    /// A constructor argument is out of range.
    case invalidArgument(layer: String, message: String)
    /// A layer was used before its input shape was known.
    case notBuilt(layer: String)
    /// A name that does not denote an activation, initialiser, loss or layer type.
    case unknownName(kind: String, name: String, known: [String])
    /// A parameter was assigned a tensor of a shape the layer cannot use.
    case parameterShape(layer: String, parameter: String, expected: [Int], got: [Int])
    /// Creating the parameters would take more memory than the machine has.
    case tooLarge(layer: String, bytes: Int?, available: UInt64)

    public var description: String {
        switch self {
        case let .shapeMismatch(layer, expected, got):
            "\(layer) expects \(expected), got input of shape \(got)"
        case let .invalidArgument(layer, message):
            "\(layer): \(message)"
        case let .notBuilt(layer):
            "\(layer) has no weights yet: give the model an input shape (e.g. inputSize: 784) or call build(inputShape:)"
        case let .unknownName(kind, name, known):
            "unknown \(kind) '\(name)'; known: \(known.joined(separator: ", "))"
        case let .parameterShape(layer, parameter, expected, got):
            "\(layer).\(parameter) has shape \(got), the layer needs \(expected)"
        case let .tooLarge(layer, bytes, available):
            "\(layer) needs \(bytes.map(byteCount) ?? "more than 2⁶³ bytes") for its parameters; this machine has \(byteCount(available)) of memory"
        }
    }
}
