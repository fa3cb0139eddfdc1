/// Cuts a data set's example indices into mini-batches, reshuffled every epoch from a seed.
///
/// An epoch visits every example once in batches of `batchSize`; the last batch keeps the
/// remainder, so 1000 examples at batch size 20 make 50 iterations and 1001 make 51. With the
/// same seed the sequence of epochs is identical on every run and platform; the generator's
/// state can be saved and restored to resume mid-training.
///
/// ```swift
/// var sampler = try BatchSampler(count: 1000, batchSize: 20, seed: 42)
/// for batch in sampler.nextEpoch() {          // 50 batches
///     train.batch(indices: batch, into: &x)   // batch is an ArraySlice<Int> of 20 indices
/// }
/// ```
public struct BatchSampler: Sendable, Equatable {
    /// The number of examples.
    public let count: Int
    /// The number of examples per batch (the last batch of an epoch may hold fewer).
    public let batchSize: Int
    /// Whether each epoch visits the examples in a new random order (otherwise `0, 1, 2, …`).
    public let shuffles: Bool
    /// The generator that draws each epoch's order; save it to resume training exactly.
    public var generator: SeededGenerator

    /// The number of batches (iterations) in one epoch: `⌈count / batchSize⌉`.
    public var batchesPerEpoch: Int { (count + batchSize - 1) / batchSize }

    /// Creates a sampler over `count` examples.
    /// - Throws: ``DataError`` when `count` or `batchSize` is below 1.
    public init(count: Int, batchSize: Int, shuffles: Bool = true, seed: UInt64 = 0) throws(DataError) {
        guard count > 0 else { throw .emptyData(source: "BatchSampler(count: \(count))") }
        guard batchSize > 0 else {
            throw .invalidArgument(name: "batchSize", expected: "at least 1", received: "\(batchSize)")
        }
        self.count = count
        self.batchSize = batchSize
        self.shuffles = shuffles
        generator = SeededGenerator(seed: seed)
    }

    /// The batches of the next epoch, drawing a new order from ``generator`` when shuffling.
    public mutating func nextEpoch() -> EpochBatches {
        let order = shuffles ? permutation(count, using: &generator) : Array(0..<count)
        return EpochBatches(order: order, batchSize: batchSize)
    }
}

/// The batches of one epoch: consecutive slices of ``order``, each `batchSize` long but the last.
public struct EpochBatches: RandomAccessCollection, Sendable {
    /// The order in which this epoch visits the examples.
    public let order: [Int]
    /// The length of every batch but possibly the last.
    public let batchSize: Int

    /// Creates the batches of `order` cut every `batchSize` indices.
    /// - Precondition: `batchSize` is at least 1.
    public init(order: [Int], batchSize: Int) {
        precondition(batchSize > 0, "EpochBatches: batchSize must be at least 1, got \(batchSize)")
        self.order = order
        self.batchSize = batchSize
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { (order.count + batchSize - 1) / batchSize }

    /// The indices of batch `position`.
    public subscript(position: Int) -> ArraySlice<Int> {
        order[(position * batchSize)..<Swift.min((position + 1) * batchSize, order.count)]
    }
}

/// A uniformly random permutation of `0..<count` (Fisher–Yates with our own draws, so the result
/// does not depend on the standard library's shuffling algorithm).
func permutation(_ count: Int, using generator: inout SeededGenerator) -> [Int] {
    var order = Array(0..<count)
    for i in stride(from: count - 1, to: 0, by: -1) {
        order.swapAt(i, generator.nextIndex(below: i + 1))
    }
    return order
}
