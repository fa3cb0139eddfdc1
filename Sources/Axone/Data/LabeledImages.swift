import CAxoneKernels

/// Grayscale images with class labels, kept compact as one byte per pixel.
///
/// Fashion-MNIST's 60,000 training images take 47 MB as bytes instead of 188 MB as `Float`.
/// Batches are converted and scaled to `[0, 1]` (÷ 255, as in the notes' Keras example) while they
/// are gathered, into a buffer the training loop reuses from step to step.
///
/// ```swift
/// let train = try FashionMNIST.load(split: .train)
/// var x = Tensor<Float>.zeros([0, train.pixelsPerImage])
/// train.batch(indices: [0, 5, 7], into: &x)   // x.shape == [3, 784], values in [0, 1]
/// let y = train.labels(at: [0, 5, 7])
/// ```
public struct LabeledImages: Sendable, Equatable {
    /// The number of images.
    public let count: Int
    /// The height of each image in pixels.
    public let rows: Int
    /// The width of each image in pixels.
    public let columns: Int
    /// All pixels, image after image, each image row-major; `count · rows · columns` bytes.
    public let pixels: [UInt8]
    /// The class of each image, in `0..<classCount`.
    public let labels: [Int]
    /// The number of classes.
    public let classCount: Int

    /// The number of pixels in one image, `rows · columns`.
    public var pixelsPerImage: Int { rows * columns }

    /// Creates a data set after checking that the sizes agree and every label is in `0..<classCount`.
    public init(rows: Int, columns: Int, pixels: [UInt8], labels: [Int], classCount: Int) throws(DataError) {
        guard rows > 0, columns > 0 else {
            throw .invalidArgument(name: "rows, columns", expected: "positive", received: "\(rows), \(columns)")
        }
        guard pixels.count == labels.count * rows * columns else {
            throw .invalidShape(operation: "LabeledImages with \(labels.count) labels of \(rows)×\(columns) images",
                                expected: "\(labels.count * rows * columns) pixels", got: [pixels.count])
        }
        try validateLabels(labels, classCount: classCount)
        self.init(unchecked: rows, columns, pixels, labels, classCount)
    }

    /// Reads an IDX image file and its IDX label file (each optionally `.gz`).
    public init(imagesPath: String, labelsPath: String, classCount: Int) throws(DataError) {
        let images = try IDXFile.loadImages(atPath: imagesPath)
        let labels = try IDXFile.loadLabels(atPath: labelsPath)
        guard images.count == labels.count else {
            throw .countMismatch(images: images.count, labels: labels.count,
                                 imagesPath: imagesPath, labelsPath: labelsPath)
        }
        try self.init(rows: images.rows, columns: images.columns, pixels: images.pixels,
                      labels: labels.map(Int.init), classCount: classCount)
    }

    /// Gathers the images at `indices` into `images` as `[indices.count, rows · columns]`, pixels ÷ 255.
    ///
    /// `images` is reused when it already holds `indices.count · rows · columns` elements (every
    /// full batch of an epoch); otherwise it is replaced by a tensor of the right shape.
    /// - Precondition: every index is in `0..<count`.
    public func batch(indices: ArraySlice<Int>, into images: inout Tensor<Float>) {
        gather(indices, into: &images, channelsLast: false)
    }

    /// Gathers the images at `indices` into `images` as `[indices.count, rows · columns]` or, when
    /// `channelsLast`, `[indices.count, rows, columns, 1]`, pixels ÷ 255. `images` is reused when it
    /// already has that shape (every full batch of an epoch: no allocation); otherwise it is
    /// replaced, or reshaped when it holds as many elements. The rows go in `parts` contiguous runs,
    /// side by side on the worker pool (by default one per thread, of 64 rows or more).
    func gather(_ indices: ArraySlice<Int>, into images: inout Tensor<Float>, channelsLast: Bool, parts: Int? = nil) {
        let size = pixelsPerImage, shape = images.shape
        let fits = channelsLast
            ? shape.count == 4 && shape[0] == indices.count && shape[1] == rows && shape[2] == columns && shape[3] == 1
            : shape.count == 2 && shape[0] == indices.count && shape[1] == size
        if !fits {
            let wanted = channelsLast ? [indices.count, rows, columns, 1] : [indices.count, size]
            images = images.count == indices.count * size ? images.reshaped(wanted) : Tensor(shape: wanted, repeating: 0)
        }
        for index in indices { precondition(index >= 0 && index < count, "LabeledImages.batch: index \(index) out of 0..<\(count)") }
        guard !indices.isEmpty else { return }
        // Rows in contiguous parts of at least 64, one per thread: a training batch's 128 random
        // rows mostly wait on memory (about 75 µs on one thread when they are not cached, 50 µs with
        // the kernel's prefetching), which two threads share.
        images.withUnsafeMutableBufferPointer { out in
            RowGather.run(out: out.baseAddress!, pixels: pixels, rowSize: size, rows: indices, parts: parts)
        }
    }

    /// The images at `indices` as a new `[indices.count, rows · columns]` tensor, pixels ÷ 255.
    public func images(at indices: ArraySlice<Int>) -> Tensor<Float> {
        var images = Tensor<Float>.zeros([indices.count, pixelsPerImage])
        batch(indices: indices, into: &images)
        return images
    }

    /// Every image as a `[count, rows · columns]` tensor, pixels ÷ 255 (Keras's `reshape(-1, 784) / 255`).
    public func allImages() -> Tensor<Float> {
        images(at: Array(0..<count)[...])
    }

    /// The labels of the examples at `indices`, in that order.
    public func labels(at indices: ArraySlice<Int>) -> [Int] {
        indices.map { labels[$0] }
    }

    /// The examples at `indices`, in that order, as a new data set (for a split or a class selection).
    /// - Precondition: every index is in `0..<count`.
    public func subset(_ indices: some Collection<Int>) -> LabeledImages {
        let size = pixelsPerImage
        var selected = [UInt8]()
        selected.reserveCapacity(indices.count * size)
        for index in indices { selected += pixels[(index * size)..<((index + 1) * size)] }
        return LabeledImages(unchecked: rows, columns, selected, indices.map { labels[$0] }, classCount)
    }

    /// The examples whose label is in `classes`, relabelled `0..<classes.count` in the order given
    /// (for instance Géron's sandal-vs-shirt task: `relabelled(keeping: [5, 6])`).
    public func relabelled(keeping classes: [Int]) throws(DataError) -> LabeledImages {
        guard !classes.isEmpty, Set(classes).count == classes.count,
              classes.allSatisfy({ (0..<classCount).contains($0) }) else {
            throw .invalidArgument(name: "classes", expected: "distinct labels in 0..<\(classCount)",
                                   received: "\(classes)")
        }
        let newLabel = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let kept = subset(labels.indices.filter { newLabel[labels[$0]] != nil })
        return LabeledImages(unchecked: rows, columns, kept.pixels, kept.labels.map { newLabel[$0]! },
                             classes.count)
    }

    private init(unchecked rows: Int, _ columns: Int, _ pixels: [UInt8], _ labels: [Int], _ classCount: Int) {
        self.count = labels.count
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
        self.labels = labels
        self.classCount = classCount
    }
}

extension LabeledImages: BatchProvider {
    public typealias Scalar = Float

    public var featureShape: [Int] { [pixelsPerImage] }
    public var targetShape: [Int] { [] }

    /// Pixels scaled to [0, 1] as `[n, rows·columns]` and class indices as `[n]`.
    public func batch(_ indices: ArraySlice<Int>) -> (features: Tensor<Float>, targets: Tensor<Float>) {
        var images = Tensor<Float>.zeros([0]), targets = Tensor<Float>.zeros([0])
        batch(indices, features: &images, targets: &targets)
        return (images, targets)
    }

    /// The labels at `indices` as `Float` class indices, without touching the images.
    public func targets(at indices: ArraySlice<Int>) -> Tensor<Float> {
        Tensor(shape: [indices.count], scalars: indices.map { Float(labels[$0]) })
    }

    /// Gathers into `features` and `targets`, reusing their storage when the batch size is unchanged.
    public func batch(_ indices: ArraySlice<Int>, features: inout Tensor<Float>, targets: inout Tensor<Float>) {
        gatherBatch(indices, features: &features, targets: &targets, channelsLast: false)
    }

    /// Requests the pixels of the images at `indices` from memory, without waiting for them: the
    /// rows of a shuffled batch lie far apart in the training set, and a batch announced a step
    /// ahead is then gathered from the cache. A batch with an index outside `0..<count` is ignored
    /// here (gathering it reports the index).
    public func prefetch(_ indices: ArraySlice<Int>) {
        guard !indices.isEmpty, indices.allSatisfy({ $0 >= 0 && $0 < count }) else { return }
        // Each request waits while the memory system has too many in flight: the threads share them.
        RowGather.run(out: nil, pixels: pixels, rowSize: pixelsPerImage, rows: indices, parts: nil)
    }

    /// Gathers the images at `indices` into `features` (see ``gather(_:into:channelsLast:)``) and
    /// their labels into `targets`, reusing their storage when the batch size is unchanged.
    func gatherBatch(_ indices: ArraySlice<Int>, features: inout Tensor<Float>, targets: inout Tensor<Float>, channelsLast: Bool) {
        gather(indices, into: &features, channelsLast: channelsLast)
        if targets.count != indices.count { targets = Tensor(shape: [indices.count], repeating: 0) }
        targets.withUnsafeMutableBufferPointer { t in
            for (row, index) in indices.enumerated() { t[row] = Float(labels[index]) }
        }
    }
}

/// One gather of image rows, or one request for them, split into `parts` contiguous runs of rows
/// side by side on the worker pool (see ``LabeledImages``'s `gather` and `prefetch`).
private struct RowGather {
    /// Where the rows go, converted to floats; `nil` to request them from memory only.
    let out: UnsafeMutablePointer<Float>?
    let source: UnsafePointer<UInt8>
    let rowSize: Int
    let rows: UnsafePointer<Int>
    let count: Int
    let parts: Int

    /// Gathers (or requests) rows `rows` of `pixels` in `parts` runs of 64 rows or more (by default
    /// one per thread).
    static func run(out: UnsafeMutablePointer<Float>?, pixels: [UInt8], rowSize: Int, rows: ArraySlice<Int>, parts: Int?) {
        pixels.withUnsafeBufferPointer { source in
            rows.withUnsafeBufferPointer { rows in
                var job = RowGather(out: out, source: source.baseAddress!, rowSize: rowSize, rows: rows.baseAddress!, count: rows.count,
                                    parts: Swift.max(1, Swift.min(parts ?? Parallelism.threadCount, rows.count / 64)))
                withUnsafeMutablePointer(to: &job) { job in
                    Parallelism.parallelFor(job.pointee.parts, context: job) { context, part in
                        let job = context.assumingMemoryBound(to: RowGather.self).pointee
                        let first = job.count * part / job.parts, end = job.count * (part + 1) / job.parts
                        if let out = job.out {
                            axone_gather_scaled_bytes(out + first * job.rowSize, job.source, job.rowSize, job.rows + first, end - first, 255)
                        } else {
                            axone_prefetch_rows(job.source, job.rowSize, job.rows + first, end - first)
                        }
                    }
                }
            }
        }
    }
}
