/// Makes a user-defined layer type from its architecture entry, so that model files and
/// architecture JSON holding it load like built-in layers. Register it with
/// ``LayerSpecification/register(_:as:)`` under the layer's ``Layer/typeName``.
///
/// ```swift
/// final class Scale<Scalar: TensorScalar>: Layer<Scalar> {
///     var factor: Variable<Scalar>? …                                  // found by reflection, as usual
///     override var specification: LayerSpecification {
///         var s = super.specification; s.options = ["initial": "\(initial)"]; return s
///     }
/// }
/// struct ScaleFactory: LayerFactory {
///     func makeLayer<S: TensorScalar>(_ s: LayerSpecification, as _: S.Type) throws -> Layer<S> {
///         Scale<S>(initial: try s.option("initial", as: Double.self) ?? 1, name: s.name)
///     }
/// }
/// LayerSpecification.register(ScaleFactory(), as: "Scale")
/// ```
public protocol LayerFactory: Sendable {
    /// The (unbuilt) layer `specification` describes, computing in `Scalar`.
    func makeLayer<Scalar: TensorScalar>(_ specification: LayerSpecification, as _: Scalar.Type) throws -> Layer<Scalar>
}

extension LayerSpecification {
    private static let registry = Registry<any LayerFactory>()

    /// Makes ``makeLayer(_:seed:)`` build layers of type `type` with `factory` (replacing an earlier one).
    public static func register(_ factory: any LayerFactory, as type: String) { registry.register(factory, as: type) }

    /// The factory registered for `type`.
    static func factory(for type: String) -> (any LayerFactory)? { registry.entry(named: type) }

    /// The layer types registered by users.
    static var registeredTypes: [String] { registry.names }

    /// The option `key` of a user-defined layer, read as `T` (`nil` when absent).
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` when it is present but not a `T`.
    public func option<T: LosslessStringConvertible>(_ key: String, as _: T.Type = T.self) throws -> T? {
        guard let raw = options?[key] else { return nil }
        guard let value = T(raw) else {
            throw LayerError.invalidArgument(layer: name ?? type, message: "option '\(key)' must be a \(T.self), got '\(raw)'")
        }
        return value
    }
}
