/// Labelled grayscale images served as channels-last image batches `[n, rows, columns, 1]`, the
/// input a convolutional network takes (``LabeledImages`` serves flat `[n, rows·columns]` rows).
///
/// ```swift
/// let train = try FashionMNIST.load(split: .train).channelsLast   // featureShape [28, 28, 1]
/// try model.fit(train, epochs: 3, batchSize: 128)
/// ```
public struct ChannelsLastImages: BatchProvider, Sendable {
    public typealias Scalar = Float

    /// The images and labels.
    public let images: LabeledImages

    /// Serves `images` as `[n, rows, columns, 1]` batches.
    public init(_ images: LabeledImages) { self.images = images }

    public var count: Int { images.count }
    public var featureShape: [Int] { [images.rows, images.columns, 1] }
    public var targetShape: [Int] { [] }

    /// Pixels scaled to [0, 1] as `[n, rows, columns, 1]` and class indices as `[n]`.
    public func batch(_ indices: ArraySlice<Int>) -> (features: Tensor<Float>, targets: Tensor<Float>) {
        var features = Tensor<Float>.zeros([0]), targets = Tensor<Float>.zeros([0])
        batch(indices, features: &features, targets: &targets)
        return (features, targets)
    }

    public func targets(at indices: ArraySlice<Int>) -> Tensor<Float> { images.targets(at: indices) }

    /// Gathers into `features` and `targets`, reusing their storage when the batch size is unchanged.
    public func batch(_ indices: ArraySlice<Int>, features: inout Tensor<Float>, targets: inout Tensor<Float>) {
        images.gatherBatch(indices, features: &features, targets: &targets, channelsLast: true)
    }

    /// Requests the images at `indices` from memory (see ``LabeledImages/prefetch(_:)``).
    public func prefetch(_ indices: ArraySlice<Int>) { images.prefetch(indices) }

    /// Every image as a `[count, rows, columns, 1]` tensor, pixels ÷ 255.
    public func allImages() -> Tensor<Float> { images.allImages().reshaped([count] + featureShape) }
}

extension LabeledImages {
    /// These images as channels-last batches `[n, rows, columns, 1]` for a convolutional network.
    public var channelsLast: ChannelsLastImages { ChannelsLastImages(self) }
}
