import Foundation

/// Splits the wall-clock time of `fit`'s training steps among their phases, so that one can see
/// where a step goes (for instance against the GEMM floor that `AxoneBench gemm` prints by phase).
///
/// Give one to a model (``Model/trainingProfiler``) and read it after `fit`, or from a callback
/// during it (callbacks run on `fit`'s thread; one `fit` at a time may use a profiler):
/// ```swift
/// let profiler = TrainingProfiler()
/// model.trainingProfiler = profiler
/// try model.fit(data, epochs: 1, batchSize: 128)
/// print(profiler)   // ms per step in each phase
/// ```
/// Recording reads the clock a few times per step; without a profiler (the default) `fit` reads
/// none. Validation and evaluation are not recorded. Each phase is timed on the thread that runs
/// `fit`: a parallel phase counts from its start to its last thread's end.
public final class TrainingProfiler: CustomStringConvertible {
    /// A part of a training step.
    public enum Phase: Int, CaseIterable, Sendable, CustomStringConvertible {
        /// Gathering the batch from the data set, and announcing the next one.
        case batch
        /// The compiled step's `x·W` for the layer whose weight gradient the update computes, in
        /// one block of `W`'s rows per shard before the shards run (zero when no layer is deferred:
        /// one shard, the tape, or no suitable layer; see ``Model/compilation``).
        case deferredProduct
        /// The forward pass, the losses and the backward pass: the compiled step's shards, or the tape.
        case forwardBackward
        /// The deferred layer's weight gradient, the sums of the gradients over the shards (and
        /// the processes, in data-parallel training) and the optimiser's update.
        case update
        /// The rest: the step's setup, the total loss and penalty, copying the outputs, the
        /// max-norm constraint, metrics, callbacks and the progress display.
        case bookkeeping

        public var description: String {
            switch self {
            case .batch: "batch"
            case .deferredProduct: "deferred product"
            case .forwardBackward: "forward/backward"
            case .update: "update"
            case .bookkeeping: "bookkeeping"
            }
        }
    }

    private var nanoseconds = [UInt64](repeating: 0, count: Phase.allCases.count)
    private var last: UInt64 = 0
    /// The steps recorded since the profiler was made or reset.
    public private(set) var steps = 0

    /// An empty profile.
    public init() {}

    /// The seconds spent in `phase` over the recorded steps.
    public func seconds(in phase: Phase) -> Double { Double(nanoseconds[phase.rawValue]) / 1e9 }

    /// The seconds of every recorded step, all phases together.
    public var totalSeconds: Double { Double(nanoseconds.reduce(0, +)) / 1e9 }

    /// Forgets the recorded steps (for instance at the start of an epoch, to profile one epoch).
    public func reset() {
        for index in nanoseconds.indices { nanoseconds[index] = 0 }
        steps = 0
    }

    /// Milliseconds per step in each phase, then in all of them.
    public var description: String {
        let perStep = 1e3 / Double(Swift.max(steps, 1))
        let phases = Phase.allCases.map { "\($0) \(String(format: "%.3f", seconds(in: $0) * perStep))" }
        return "ms per step over \(steps) steps: " + phases.joined(separator: ", ")
            + String(format: "; total %.3f", totalSeconds * perStep)
    }

    /// Starts a step's clock.
    func beginStep() { last = DispatchTime.now().uptimeNanoseconds }

    /// Adds the time since the last lap (or the step's start) to `phase`.
    func lap(_ phase: Phase) {
        let now = DispatchTime.now().uptimeNanoseconds
        nanoseconds[phase.rawValue] += now - last
        last = now
    }

    /// Ends a step: the time since the last lap goes to ``Phase/bookkeeping``.
    func endStep() {
        lap(.bookkeeping)
        steps += 1
    }
}
