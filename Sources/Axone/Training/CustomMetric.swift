/// A metric defined outside Axone, as a mean over examples: give each batch's sum, and the value
/// reported for an epoch is the sum over its batches divided by the number of examples. Wrap it in
/// ``Metric/custom(_:)-type.method``; register it with ``Metric/register(_:)`` so that ``Metric/init(name:)``
/// finds it by its ``name``.
///
/// ```swift
/// struct MeanOutput: MetricFunction {
///     let name = "mean_output"
///     func batchSum<S: TensorScalar>(outputs: Tensor<S>, targets: Tensor<S>) -> Double {
///         Double(outputs.sum().scalar) / Double(outputs.count / outputs.shape[0])
///     }
/// }
/// ```
public protocol MetricFunction: Sendable {
    /// The key in logs and history.
    var name: String { get }
    /// The metric summed over the examples of one batch (outputs `[batch, …]`, targets as given to `fit`).
    func batchSum<Scalar: TensorScalar>(outputs: Tensor<Scalar>, targets: Tensor<Scalar>) -> Double
}

/// A user's ``MetricFunction`` inside a ``Metric``: equal to another when their names are.
public struct CustomMetric: Sendable, Hashable {
    /// The user's definition.
    public let function: any MetricFunction

    /// Wraps `function`.
    public init(_ function: any MetricFunction) { self.function = function }

    public static func == (a: CustomMetric, b: CustomMetric) -> Bool { a.function.name == b.function.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(function.name) }
}

extension Metric {
    private static let registry = Registry<any MetricFunction>()

    /// A user-defined metric.
    public static func custom(_ function: any MetricFunction) -> Metric { .custom(CustomMetric(function)) }

    /// Makes `function` known to ``init(name:)`` under its name (replacing an earlier one).
    public static func register(_ function: any MetricFunction) { registry.register(function, as: function.name) }

    /// The registered metric named `name`.
    static func registered(_ name: String) -> (any MetricFunction)? { registry.entry(named: name) }

    /// The names of the registered metrics.
    static var registeredNames: [String] { registry.names }
}
