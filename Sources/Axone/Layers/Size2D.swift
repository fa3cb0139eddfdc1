/// A height and a width: a kernel, pool, stride or dilation size of an image layer. An integer
/// literal means the same size on both axes, as a single number does in Keras (`kernelSize: 3`).
public struct Size2D: Equatable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The size along the rows.
    public var height: Int
    /// The size along the columns.
    public var width: Int

    /// A size of `height` rows and `width` columns.
    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// The same size along both axes.
    public init(integerLiteral value: Int) { self.init(value, value) }

    /// The pair as an architecture file writes it (Keras's `[height, width]`).
    var pair: [Int] { [height, width] }

    /// A pair read from an architecture file: `[height, width]`, or `[n]` for both.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` for any other count.
    init(pair: [Int], field: String, layer: String) throws {
        switch pair.count {
        case 1: self.init(pair[0], pair[0])
        case 2: self.init(pair[0], pair[1])
        default: throw LayerError.invalidArgument(layer: layer, message: "'\(field)' must be [height, width], got \(pair)")
        }
    }

    /// The pair as the tensor operations take it.
    var tuple: (Int, Int) { (height, width) }

    public var description: String { "\(height)×\(width)" }
}

extension Layer {
    /// The windows of `kernel` (moved by `strides`, taps `dilation` apart) over inputs of
    /// `inputShape`, which must be an image `[height, width, channels]`.
    /// - Throws: ``LayerError/shapeMismatch(layer:expected:got:)`` for another shape,
    ///   ``LayerError/invalidArgument(layer:message:)`` when a size is not positive or the window
    ///   does not fit the image.
    func imageWindow(inputShape: [Int], kernel: Size2D, strides: Size2D, dilation: Size2D = 1,
                     padding: Padding2D) throws -> Window2D {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError.shapeMismatch(layer: displayName, expected: "an image [height, width, channels]", got: inputShape)
        }
        do {
            return try Window2D(input: (inputShape[0], inputShape[1]), kernel: kernel.tuple, strides: strides.tuple,
                                dilation: dilation.tuple, padding: padding, operation: displayName)
        } catch let error as TensorError {
            throw LayerError.invalidArgument(layer: displayName, message: error.description)
        }
    }
}
