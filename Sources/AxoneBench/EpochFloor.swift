import Foundation

/// The GEMM floor of an MLP training epoch, timed inside the benchmark run it is set beside: before
/// each epoch, one epoch's worth of the step's products (``GemmBenchmark/executorPhases(batch:shards:)``,
/// the last, smaller batch included) run back to back as Axone's compiled step runs them, and are
/// timed as a whole, as the epoch is.
///
/// Set beside the epoch that follows it, a floor shares that epoch's state of the machine: on a
/// shared host, the speed of both drifts by 20 % and more within minutes, so a floor timed in
/// another process minutes away (`AxoneBench gemm`) says less about one epoch.
final class EpochFloor {
    private let steps: [(step: ShardedStep, count: Int)]
    /// The floor timed before each epoch so far, in seconds.
    private(set) var measurements: [Double] = []

    /// The floor of epochs over `examples` examples in batches of `batch` rows.
    init(examples: Int, batch: Int) {
        let remainder = examples % batch
        func step(_ rows: Int) -> ShardedStep {
            ShardedStep(GemmBenchmark.executorPhases(batch: rows, shards: GemmBenchmark.shards(batch: rows)))
        }
        steps = [(step(batch), examples / batch)] + (remainder > 0 ? [(step(remainder), 1)] : [])
    }

    /// Times one epoch's products and records the seconds.
    func measure() {
        let start = DispatchTime.now().uptimeNanoseconds
        for (step, count) in steps {
            for _ in 0..<count { step.run() }
        }
        measurements.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// The median of epoch-over-floor ratios, each epoch with the floor timed right before it, over
    /// epochs 2…N (the first compiles and warms up), or the only epoch.
    func medianRatio(epochSeconds: [Double]) -> Double {
        medianEpoch(zip(epochSeconds, measurements).map { $0 / $1 })
    }
}
