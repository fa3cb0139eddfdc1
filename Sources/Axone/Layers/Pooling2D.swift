/// Max or average pooling over `poolSize` windows of channels-last images `[batch, h, w, c]`,
/// with Keras's semantics (see ``Variable/pooled2D(_:poolSize:strides:padding:)``): the strides
/// default to the pool size, and a `same`-padded window pools only the image elements it covers.
/// Use ``MaxPooling2D`` or ``AveragePooling2D``.
public class Pooling2D<Scalar: TensorScalar>: Layer<Scalar> {
    /// How a window is summarised.
    public let mode: PoolingMode
    /// The window's height and width.
    public let poolSize: Size2D
    /// The window's step.
    public let strides: Size2D
    /// ``Padding2D/valid`` or ``Padding2D/same``.
    public let padding: Padding2D

    init(mode: PoolingMode, poolSize: Size2D, strides: Size2D?, padding: Padding2D, name: String?) {
        self.mode = mode
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        super.init(name: name)
    }

    /// Checks that the input is an image the window fits and returns `[outputHeight, outputWidth, channels]`.
    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        let window = try imageWindow(inputShape: inputShape, kernel: poolSize, strides: strides, padding: padding)
        return [window.outputHeight, window.outputWidth, inputShape[2]]
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.poolSize = poolSize.pair
        s.strides = strides.pair
        s.padding = .mode(padding.rawValue)
        return s
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        do {
            return try input.pooled2D(mode, poolSize: poolSize.tuple, strides: strides.tuple, padding: padding)
        } catch {
            preconditionFailure("\(displayName): \(error)")
        }
    }
}

/// Max pooling (Keras's `MaxPooling2D`): each window's largest element. On ties the gradient goes
/// to the first maximum in row-major window order.
public final class MaxPooling2D<Scalar: TensorScalar>: Pooling2D<Scalar> {
    /// Creates a max pooling layer; `strides` default to `poolSize`.
    public init(poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding2D = .valid, name: String? = nil) {
        super.init(mode: .max, poolSize: poolSize, strides: strides, padding: padding, name: name)
    }
}

/// Average pooling (Keras's `AveragePooling2D`): each window's mean over the image elements it
/// covers (padding is not counted).
public final class AveragePooling2D<Scalar: TensorScalar>: Pooling2D<Scalar> {
    /// Creates an average pooling layer; `strides` default to `poolSize`.
    public init(poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding2D = .valid, name: String? = nil) {
        super.init(mode: .average, poolSize: poolSize, strides: strides, padding: padding, name: name)
    }
}
