/// Surrounds channels-last images with rows and columns of zeros (Keras's `ZeroPadding2D`):
/// `[batch, h, w, c]` becomes `[batch, top + h + bottom, left + w + right, c]`.
public final class ZeroPadding2D<Scalar: TensorScalar>: Layer<Scalar> {
    /// Rows added above and below.
    public let top: Int, bottom: Int
    /// Columns added on the left and on the right.
    public let left: Int, right: Int

    /// Pads `padding.height` rows above and below and `padding.width` columns on each side.
    public convenience init(padding: Size2D = 1, name: String? = nil) {
        self.init(top: padding.height, bottom: padding.height, left: padding.width, right: padding.width, name: name)
    }

    /// Pads each side by its own amount (Keras's `((top, bottom), (left, right))`).
    public init(top: Int, bottom: Int, left: Int, right: Int, name: String? = nil) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
        super.init(name: name)
    }

    /// Checks the amounts and that the input is an image `[height, width, channels]`; returns the padded shape.
    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard [top, bottom, left, right].allSatisfy({ $0 >= 0 }) else {
            throw LayerError.invalidArgument(layer: displayName, message: "padding must not be negative, got \([[top, bottom], [left, right]])")
        }
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError.shapeMismatch(layer: displayName, expected: "an image [height, width, channels]", got: inputShape)
        }
        return [inputShape[0] + top + bottom, inputShape[1] + left + right, inputShape[2]]
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.padding = .amounts([[top, bottom], [left, right]])
        return s
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        do {
            return try input.padded([(0, 0), (top, bottom), (left, right), (0, 0)])
        } catch {
            preconditionFailure("\(displayName): \(error)")
        }
    }
}
