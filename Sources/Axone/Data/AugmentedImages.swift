/// Training images augmented as they are served, like Keras's `ImageDataGenerator`: every batch
/// of `base` goes through an ``ImageAugmentation`` (shifts, flips, noise) drawn from a generator
/// seeded once, so a run is reproducible and each epoch sees new variants; the images of `base`
/// are never changed. Give it to `fit` as the training data, and the plain images as validation
/// data.
///
/// ```swift
/// let train = try FashionMNIST.load(directory: FashionMNIST.defaultDirectory, split: .train).channelsLast
/// let augmented = try AugmentedImages(train, augmentation: ImageAugmentation(rows: 28, columns: 28, maxShift: 2,
///                                                                             flipProbability: 0.5), seed: 1)
/// try model.fit(augmented, epochs: 20, batchSize: 128, validationData: test)
/// ```
///
/// The generator's state is not part of a training checkpoint: a resumed run draws other
/// variants than an uninterrupted one would.
public final class AugmentedImages<Base: BatchProvider>: BatchProvider {
    public typealias Scalar = Base.Scalar
    /// The images served.
    public let base: Base
    /// How each batch is changed.
    public let augmentation: ImageAugmentation
    private var generator: SeededGenerator

    /// Serves `base`'s images through `augmentation`, drawing from a generator seeded with `seed`.
    /// - Throws: ``DataError/invalidShape(operation:expected:got:)`` unless `base`'s examples are
    ///   the augmentation's grayscale images, `[rows · columns]` or `[rows, columns, 1]`.
    public init(_ base: Base, augmentation: ImageAugmentation, seed: UInt64) throws(DataError) {
        guard augmentation.accepts(exampleShape: base.featureShape) else {
            throw .invalidShape(operation: "AugmentedImages", expected: "examples of [\(augmentation.rows * augmentation.columns)] or "
                                + "[\(augmentation.rows), \(augmentation.columns), 1]", got: base.featureShape)
        }
        self.base = base
        self.augmentation = augmentation
        generator = SeededGenerator(seed: seed)
    }

    public var count: Int { base.count }
    public var featureShape: [Int] { base.featureShape }
    public var targetShape: [Int] { base.targetShape }

    public func batch(_ indices: ArraySlice<Int>) -> (features: Tensor<Scalar>, targets: Tensor<Scalar>) {
        var (features, targets) = base.batch(indices)
        augmentation.applyUnchecked(to: &features, using: &generator)
        return (features, targets)
    }

    public func batch(_ indices: ArraySlice<Int>, features: inout Tensor<Scalar>, targets: inout Tensor<Scalar>) {
        base.batch(indices, features: &features, targets: &targets)
        augmentation.applyUnchecked(to: &features, using: &generator)
    }

    /// The targets, which augmentation leaves alone.
    public func targets(at indices: ArraySlice<Int>) -> Tensor<Scalar> { base.targets(at: indices) }

    /// Passes the hint on to the base provider.
    public func prefetch(_ indices: ArraySlice<Int>) { base.prefetch(indices) }
}
