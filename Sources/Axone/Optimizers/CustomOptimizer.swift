/// The element-wise update of a user-defined optimiser (return it from ``Optimizer/rule(step:)``
/// as ``UpdateRule/custom(_:)-type.method``): it reads one parameter's gradient and updates the parameter and
/// its ``slotCount`` state buffers in place. The slots are saved in checkpoints like the built-in
/// optimisers', under the optimiser's ``Optimizer/slotNames``, which must name every slot (the first
/// update stops the program otherwise); to load such a checkpoint, register the optimiser with
/// ``Optimizer/register(type:factory:)`` and give its hyper-parameters through ``Optimizer/options``.
///
/// ```swift
/// struct SignDescent: UpdateFunction {          // w ← w − η·sign(g), no state
///     let learningRate: Double
///     var slotCount: Int { 0 }
///     func update<S: TensorScalar>(parameter: UnsafeMutableBufferPointer<S>, gradient: UnsafeBufferPointer<S>,
///                                  slots: [UnsafeMutableBufferPointer<S>]) {
///         for i in parameter.indices { parameter[i] -= S(learningRate) * (gradient[i] > 0 ? 1 : gradient[i] < 0 ? -1 : 0) }
///     }
/// }
/// final class SignSGD: Optimizer {
///     override func rule(step t: Int) -> UpdateRule { .custom(SignDescent(learningRate: learningRate)) }
/// }
/// Optimizer.register(type: "SignSGD") { learningRate, _ in SignSGD(learningRate: learningRate) }
/// ```
public protocol UpdateFunction: Sendable {
    /// The number of state buffers per parameter (each the parameter's size, zero at the start).
    var slotCount: Int { get }
    /// Updates `parameter` from `gradient`, reading and writing `slots`.
    func update<Scalar: TensorScalar>(parameter: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>,
                                      slots: [UnsafeMutableBufferPointer<Scalar>])
}

/// A user's ``UpdateFunction`` inside an ``UpdateRule`` (equal to another of the same type).
public struct CustomUpdate: Sendable, Hashable {
    /// The user's definition.
    public let function: any UpdateFunction

    /// Wraps `function`.
    public init(_ function: any UpdateFunction) { self.function = function }

    public static func == (a: CustomUpdate, b: CustomUpdate) -> Bool { type(of: a.function) == type(of: b.function) }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(type(of: function))) }
}

extension UpdateRule {
    /// A user-defined update.
    public static func custom(_ function: any UpdateFunction) -> UpdateRule { .custom(CustomUpdate(function)) }
}

extension Optimizer {
    /// Recreates a user-defined optimiser from a checkpoint: its learning rate and ``options``.
    public typealias Factory = @Sendable (_ learningRate: Double, _ options: [String: Double]) throws -> Optimizer

    private static let registry = Registry<Factory>()

    /// Makes checkpoints whose optimiser type is `type` (the class name) loadable with `factory`.
    public static func register(type: String, factory: @escaping Factory) { registry.register(factory, as: type) }

    /// The factory registered for `type`.
    static func factory(for type: String) -> Factory? { registry.entry(named: type) }
}
