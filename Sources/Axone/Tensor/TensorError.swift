/// Errors a user of Axone can cause with data, shapes or files; each message says what was expected.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Two operands whose shapes do not fit the operation.
    case incompatibleShapes(operation: String, lhs: [Int], rhs: [Int])
    /// An operand with the wrong rank or size for the operation.
    case invalidShape(operation: String, expected: String, got: [Int])
    /// A value out of the accepted range.
    case invalidArgument(String)
    /// A gradient was requested from a non-scalar without a seed gradient.
    case nonScalarBackward(shape: [Int])

    public var description: String {
        switch self {
        case let .incompatibleShapes(operation, lhs, rhs):
            "\(operation): shapes \(lhs) and \(rhs) are not compatible"
        case let .invalidShape(operation, expected, got):
            "\(operation) expects \(expected), got shape \(got)"
        case let .invalidArgument(message):
            message
        case let .nonScalarBackward(shape):
            "backward() on a tensor of shape \(shape) needs a seed gradient of the same shape; only a one-element result can be differentiated without one"
        }
    }
}

extension TensorError: CustomDebugStringConvertible {
    public var debugDescription: String { description }
}

/// Runs a throwing tensor operation whose arguments are valid by construction (a pullback applying
/// the shapes of its forward pass); a throw there is a bug in Axone, so it stops the program.
func mustSucceed<T>(_ operation: () throws -> T) -> T {
    do { return try operation() } catch { preconditionFailure("internal error: \(error)") }
}
