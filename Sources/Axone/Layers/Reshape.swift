/// Gives each example another shape with the same elements in the same (row-major) order (Keras's
/// `Reshape(target_shape)`): `[batch, 784]` becomes `[batch, 28, 28, 1]` with
/// `Reshape(targetShape: [28, 28, 1])`, so that a convolutional network reads flat images.
public final class Reshape<Scalar: TensorScalar>: Layer<Scalar> {
    /// The shape of one example after the layer (no batch axis).
    public let targetShape: [Int]

    /// Creates a reshaping layer; the target shape is checked against the input when the model is built.
    public init(targetShape: [Int], name: String? = nil) {
        self.targetShape = targetShape
        super.init(name: name)
    }

    /// Returns ``targetShape``.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` for a target with a size below 1,
    ///   ``LayerError/shapeMismatch(layer:expected:got:)`` when the input has another number of elements.
    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard !targetShape.isEmpty, targetShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError.invalidArgument(layer: displayName, message: "target_shape must list positive sizes, got \(targetShape)")
        }
        let count = targetShape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        guard inputShape.reduce(1, { $0.multipliedReportingOverflow(by: $1).partialValue }) == count else {
            throw LayerError.shapeMismatch(layer: displayName, expected: "\(count) elements per example (to reshape to \(targetShape))",
                                           got: inputShape)
        }
        return targetShape
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.targetShape = targetShape
        return s
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        // −1 for the batch, so that the same call serves any batch size (as Flatten).
        input.reshaped([-1] + targetShape)
    }
}
