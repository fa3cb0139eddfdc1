/// Random, seeded augmentation of a batch of grayscale images stored as `[batch, rows · columns]`.
///
/// Each image independently gets, in this order of random draws:
/// 1. a shift by whole pixels, uniform in `-maxShift...maxShift` on each axis, the uncovered
///    border filled with zeros (the background of pixels scaled to `[0, 1]`);
/// 2. a horizontal flip (left ↔ right) with probability `flipProbability`;
/// 3. additive Gaussian noise of standard deviation `noiseStandardDeviation` on every pixel
///    (Keras's `GaussianNoise`; values are not clipped).
///
/// Apply it to training batches only. The same generator state gives the same augmentation.
///
/// ```swift
/// let augmentation = try ImageAugmentation(rows: 28, columns: 28, maxShift: 2, flipProbability: 0.5)
/// var rng = SeededGenerator(seed: 7)
/// train.batch(indices: batch, into: &x)
/// try augmentation.apply(to: &x, using: &rng)
/// ```
public struct ImageAugmentation: Sendable, Equatable {
    /// The height of each image.
    public let rows: Int
    /// The width of each image.
    public let columns: Int
    /// The largest shift, in pixels, along each axis.
    public let maxShift: Int
    /// The probability of mirroring an image left to right.
    public let flipProbability: Double
    /// The standard deviation of the additive noise (0 for none).
    public let noiseStandardDeviation: Double

    /// Creates an augmentation; the defaults leave images unchanged.
    /// - Throws: ``DataError/invalidArgument(name:expected:received:)`` for a negative size, shift
    ///   or noise, or a probability outside `0...1`.
    public init(rows: Int, columns: Int, maxShift: Int = 0, flipProbability: Double = 0,
                noiseStandardDeviation: Double = 0) throws(DataError) {
        guard rows > 0, columns > 0 else {
            throw .invalidArgument(name: "rows, columns", expected: "positive", received: "\(rows), \(columns)")
        }
        guard maxShift >= 0 else {
            throw .invalidArgument(name: "maxShift", expected: "at least 0", received: "\(maxShift)")
        }
        guard (0...1).contains(flipProbability) else {
            throw .invalidArgument(name: "flipProbability", expected: "in 0...1", received: "\(flipProbability)")
        }
        guard noiseStandardDeviation >= 0, noiseStandardDeviation.isFinite else {
            throw .invalidArgument(name: "noiseStandardDeviation", expected: "finite and at least 0",
                                   received: "\(noiseStandardDeviation)")
        }
        self.rows = rows
        self.columns = columns
        self.maxShift = maxShift
        self.flipProbability = flipProbability
        self.noiseStandardDeviation = noiseStandardDeviation
    }

    /// Augments every image of `batch` in place, drawing from `generator`.
    /// - Throws: ``DataError/invalidShape(operation:expected:got:)`` unless `batch` is
    ///   `[n, rows · columns]` or, channels-last, `[n, rows, columns, 1]`.
    public func apply<Scalar: TensorScalar>(to batch: inout Tensor<Scalar>,
                                            using generator: inout SeededGenerator) throws(DataError) {
        guard accepts(exampleShape: Array(batch.shape.dropFirst())), batch.rank >= 2 else {
            throw .invalidShape(operation: "ImageAugmentation(\(rows)×\(columns)).apply",
                                expected: "[batch, \(rows * columns)] or [batch, \(rows), \(columns), 1]", got: batch.shape)
        }
        applyUnchecked(to: &batch, using: &generator)
    }

    /// Whether images of `exampleShape` are this augmentation's: `[rows · columns]` or `[rows, columns, 1]`.
    func accepts(exampleShape: [Int]) -> Bool { exampleShape == [rows * columns] || exampleShape == [rows, columns, 1] }

    /// ``apply(to:using:)`` on a batch whose shape was checked.
    func applyUnchecked<Scalar: TensorScalar>(to batch: inout Tensor<Scalar>, using generator: inout SeededGenerator) {
        let size = rows * columns
        // One image of scratch, on the stack when it fits: augmenting a batch allocates nothing.
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: size) { original in
            batch.withUnsafeMutableBufferPointer { images in
                for start in stride(from: 0, to: images.count, by: size) {
                    let image = UnsafeMutableBufferPointer(rebasing: images[start..<(start + size)])
                    let dy = maxShift > 0 ? generator.nextIndex(below: 2 * maxShift + 1) - maxShift : 0
                    let dx = maxShift > 0 ? generator.nextIndex(below: 2 * maxShift + 1) - maxShift : 0
                    let flip = flipProbability > 0 && generator.nextUnit() < flipProbability
                    if dy != 0 || dx != 0 || flip {
                        _ = original.update(fromContentsOf: image)
                        move(UnsafeBufferPointer(original), into: image, down: dy, right: dx, mirrored: flip)
                    }
                    if noiseStandardDeviation > 0 {
                        for i in 0..<size { image[i] += Scalar(noiseStandardDeviation * generator.nextNormal()) }
                    }
                }
            }
        }
    }

    /// `image(y, x) = original(y − dy, m(x − dx))` with `m` the mirror when `mirrored`, 0 outside.
    private func move<Scalar: TensorScalar>(_ original: UnsafeBufferPointer<Scalar>, into image: UnsafeMutableBufferPointer<Scalar>,
                                            down dy: Int, right dx: Int, mirrored: Bool) {
        for y in 0..<rows {
            let sourceRow = y - dy
            for x in 0..<columns {
                let shifted = x - dx
                let sourceColumn = mirrored ? columns - 1 - shifted : shifted
                image[y * columns + x] = (0..<rows).contains(sourceRow) && (0..<columns).contains(sourceColumn)
                    ? original[sourceRow * columns + sourceColumn] : 0
            }
        }
    }
}
