/// How far an interrupted epoch got: the batches done and what the epoch had summed so far, so that
/// `fit(…, progress:)` finishes it exactly as an uninterrupted run would (same weights, same logs).
///
/// ``Model/requestInterruption()`` makes `fit` stop after its current step and throw
/// ``TrainingError/interrupted(_:)`` carrying one; a ``TrainingCheckpoint`` saves it.
public struct EpochProgress: Codable, Equatable, Sendable {
    /// The interrupted epoch (0-based).
    public let epoch: Int
    /// The batches of that epoch already trained on.
    public let step: Int
    /// The sum of the batches' losses weighted by their sizes, as an IEEE-754 bit pattern (exact,
    /// and NaN survives JSON).
    let lossSumBits: UInt64
    let metrics: MetricTotals

    init(epoch: Int, step: Int, lossSum: Double, metrics: MetricAccumulator) {
        self.epoch = epoch
        self.step = step
        lossSumBits = lossSum.bitPattern
        self.metrics = MetricTotals(metrics)
    }

    var lossSum: Double { Double(bitPattern: lossSumBits) }
}

/// The running totals of a ``MetricAccumulator``, stored exactly.
struct MetricTotals: Codable, Equatable, Sendable {
    let confusion: [[Int]]
    let topKHits: [Int: Int]
    let squaredErrorBits, absoluteErrorBits: UInt64
    let elements, examples: Int

    init(_ accumulator: MetricAccumulator) {
        confusion = accumulator.confusion
        topKHits = accumulator.topKHits
        squaredErrorBits = accumulator.squaredError.bitPattern
        absoluteErrorBits = accumulator.absoluteError.bitPattern
        elements = accumulator.elements
        examples = accumulator.examples
    }
}

extension MetricAccumulator {
    /// Continues from `totals` (what an interrupted epoch had added).
    mutating func restore(_ totals: MetricTotals) {
        confusion = totals.confusion
        topKHits = totals.topKHits
        squaredError = Double(bitPattern: totals.squaredErrorBits)
        absoluteError = Double(bitPattern: totals.absoluteErrorBits)
        elements = totals.elements
        examples = totals.examples
    }
}
