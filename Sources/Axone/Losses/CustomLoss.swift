/// A loss defined outside Axone: give its per-example value with differentiable operations, and
/// wrap it in ``Loss/custom(_:)-type.method`` to train with it. Register it with ``Loss/register(_:)`` so that
/// ``Loss/init(name:)`` (and so `axone train --loss`) finds it by its ``name``.
///
/// ```swift
/// struct LogCosh: LossFunction {
///     let name = "log_cosh"
///     func perExample<S: TensorScalar>(_ predictions: Variable<S>, _ targets: Tensor<S>) -> Variable<S> {
///         let d = predictions - Variable(targets)
///         return (d.applying(.softplus) + (-d).applying(.softplus) - S(2).logarithm()).mean(alongAxes: [1])
///     }
/// }
/// Loss.register(LogCosh())
/// model.compile(optimizer: Adam(), loss: .custom(LogCosh()))
/// ```
public protocol LossFunction: Sendable {
    /// The name the loss is registered and printed under.
    var name: String { get }
    /// The loss of each example, `[batch]`, from predictions `[batch, …]` and targets (shaped like
    /// the predictions, or class indices `[batch]` when ``acceptsClassIndices``).
    func perExample<Scalar: TensorScalar>(_ predictions: Variable<Scalar>, _ targets: Tensor<Scalar>) -> Variable<Scalar>
    /// The output value from which a single output predicts class 1 (for accuracy); 0.5 by default.
    var decisionThreshold: Double { get }
    /// Whether targets may be class indices `[batch]`; `false` by default.
    var acceptsClassIndices: Bool { get }
}

extension LossFunction {
    public var decisionThreshold: Double { 0.5 }
    public var acceptsClassIndices: Bool { false }
}

/// A user's ``LossFunction`` inside a ``Loss``: equal to another when their names are.
public struct CustomLoss: Sendable, Hashable {
    /// The user's definition.
    public let function: any LossFunction

    /// Wraps `function`.
    public init(_ function: any LossFunction) { self.function = function }

    public static func == (a: CustomLoss, b: CustomLoss) -> Bool { a.function.name == b.function.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(function.name) }
}

extension Loss {
    private static let registry = Registry<any LossFunction>()

    /// A user-defined loss.
    public static func custom(_ function: any LossFunction) -> Loss { .custom(CustomLoss(function)) }

    /// Makes `function` known to ``init(name:)`` under its name, in any case (replacing an earlier one).
    public static func register(_ function: any LossFunction) { registry.register(function, as: function.name.lowercased()) }

    /// The registered loss named `name` (in any case).
    static func registered(_ name: String) -> (any LossFunction)? { registry.entry(named: name.lowercased()) }

    /// The names of the registered losses.
    static var registeredNames: [String] { registry.names }
}
