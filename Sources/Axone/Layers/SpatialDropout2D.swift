/// Dropout of whole channels (Keras's `SpatialDropout2D`; Tompson et al. 2015): in training each
/// channel of each example of a channels-last batch `[batch, h, w, channels]` is zeroed with
/// probability `rate` — all its h·w elements together — and the kept channels are scaled by
/// 1/(1 − rate) (inverted dropout), so the expected activation is unchanged; in inference the
/// layer does nothing.
///
/// Neighbouring pixels of a feature map are strongly correlated, so dropping single pixels
/// (``Dropout``) hardly regularises a convolutional layer; dropping the whole map does. The mask has
/// Keras's `noise_shape` `(batch, 1, 1, channels)` and is broadcast over the height and width.
public final class SpatialDropout2D<Scalar: TensorScalar>: Dropout<Scalar> {
    /// Creates a spatial dropout layer.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` unless `0 ≤ rate < 1`.
    public init(rate: Double, name: String? = nil) throws {
        try super.init(rate: rate, style: .inverted, name: name)
    }

    /// Checks that the input is an image `[height, width, channels]`; the shape passes through.
    /// - Throws: ``LayerError/shapeMismatch(layer:expected:got:)`` for any other shape.
    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError.shapeMismatch(layer: displayName, expected: "an image [height, width, channels]", got: inputShape)
        }
        return try super.build(inputShape: inputShape, generator: &generator)
    }

    /// One draw per example and channel: `[batch, 1, 1, channels]`.
    override func maskShape(for shape: [Int]) -> [Int] {
        [shape[0]] + Array(repeating: 1, count: shape.count - 2) + [shape[shape.count - 1]]
    }
}
