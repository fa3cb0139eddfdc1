/// Pools each channel of a channels-last image over its whole height and width:
/// `[batch, h, w, c]` becomes `[batch, c]`. Use ``GlobalMaxPooling2D`` or ``GlobalAveragePooling2D``.
public class GlobalPooling2D<Scalar: TensorScalar>: Layer<Scalar> {
    /// How the image is summarised.
    public let mode: PoolingMode

    init(mode: PoolingMode, name: String?) {
        self.mode = mode
        super.init(name: name)
    }

    /// Checks that the input is an image `[height, width, channels]` and returns `[channels]`.
    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError.shapeMismatch(layer: displayName, expected: "an image [height, width, channels]", got: inputShape)
        }
        return [inputShape[2]]
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        let shape = input.shape
        precondition(shape.count == 4, "\(displayName) expects images [batch, height, width, channels], got \(shape)")
        return mustSucceed { try input.pooled2D(mode, poolSize: (shape[1], shape[2])) }.reshaped([-1, shape[3]])
    }
}

/// The largest element of each channel (Keras's `GlobalMaxPooling2D`); on ties the gradient goes
/// to the first maximum in row-major order.
public final class GlobalMaxPooling2D<Scalar: TensorScalar>: GlobalPooling2D<Scalar> {
    /// Creates a global max pooling layer.
    public init(name: String? = nil) { super.init(mode: .max, name: name) }
}

/// The mean of each channel (Keras's `GlobalAveragePooling2D`).
public final class GlobalAveragePooling2D<Scalar: TensorScalar>: GlobalPooling2D<Scalar> {
    /// Creates a global average pooling layer.
    public init(name: String? = nil) { super.init(mode: .average, name: name) }
}
