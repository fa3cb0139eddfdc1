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
    /// The metric totals of the (first) output.
    let metrics: MetricTotals
    /// For a model with several outputs: each output's loss sum and metric totals.
    let outputs: [OutputTotals]?

    /// One output's running sums.
    struct OutputTotals: Codable, Equatable, Sendable {
        let lossSumBits: UInt64
        let metrics: MetricTotals
    }

    init(epoch: Int, step: Int, totals: ObjectiveTotals) {
        self.epoch = epoch
        self.step = step
        lossSumBits = totals.lossSum.bitPattern
        metrics = MetricTotals(totals.accumulators[0])
        outputs = totals.objectives.count == 1 ? nil : zip(totals.outputLossSums, totals.accumulators).map {
            OutputTotals(lossSumBits: $0.bitPattern, metrics: MetricTotals($1))
        }
    }

    var lossSum: Double { Double(bitPattern: lossSumBits) }
}

/// The running totals of a ``MetricAccumulator``, stored exactly.
struct MetricTotals: Codable, Equatable, Sendable {
    let confusion: [[Int]]
    let topKHits: [Int: Int]
    let squaredErrorBits, absoluteErrorBits: UInt64
    let elements, examples: Int
    /// The sums of the custom metrics, as bit patterns (absent in files without custom metrics).
    let customSumBits: [String: UInt64]?

    init(_ accumulator: MetricAccumulator) {
        confusion = accumulator.confusion
        topKHits = accumulator.topKHits
        squaredErrorBits = accumulator.squaredError.bitPattern
        absoluteErrorBits = accumulator.absoluteError.bitPattern
        elements = accumulator.elements
        examples = accumulator.examples
        customSumBits = accumulator.customSums.isEmpty ? nil : accumulator.customSums.mapValues(\.bitPattern)
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
        customSums = (totals.customSumBits ?? [:]).mapValues(Double.init(bitPattern:))
    }
}
