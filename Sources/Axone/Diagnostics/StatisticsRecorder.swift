/// Records ``NetworkStatistics`` of a ``Sequential`` model on a fixed probe batch every `every`
/// epochs during `fit`, to watch activations saturate or die and gradients vanish as training goes.
///
/// ```swift
/// let recorder = StatisticsRecorder(input: xProbe, targets: yProbe, every: 5)
/// try model.fit(x, y, epochs: 50, callbacks: [recorder])
/// recorder.snapshots.count                 // 10
/// print(recorder.snapshots.last!.statistics)
/// ```
public final class StatisticsRecorder<Scalar: TensorScalar>: Callback<Scalar> {
    /// The probe batch.
    public let input: Tensor<Scalar>
    /// Its targets; without them only activations are recorded.
    public let targets: Tensor<Scalar>?
    /// The period in epochs: statistics are taken after epochs `every`, `2·every`, … (1-based).
    public let every: Int
    /// Histogram bins.
    public let bins: Int
    /// The statistics taken so far, with the 0-based epoch after which each was taken.
    public private(set) var snapshots: [(epoch: Int, statistics: NetworkStatistics)] = []

    /// `every` and `bins` must be positive; `fit` refuses them otherwise (``TrainingError/invalidArgument(_:)``).
    public init(input: Tensor<Scalar>, targets: Tensor<Scalar>? = nil, every: Int = 1, bins: Int = 30) {
        self.input = input
        self.targets = targets
        self.every = every
        self.bins = bins
    }

    public override func trainingWillBegin(model: Model<Scalar>) throws {
        guard every > 0, bins > 0 else {
            throw TrainingError.invalidArgument("StatisticsRecorder: every and bins must be positive, got \(every) and \(bins)")
        }
        guard model is Sequential<Scalar> else {
            throw TrainingError.invalidArgument("StatisticsRecorder measures layer by layer and needs a Sequential model, got \(model.typeName)")
        }
        snapshots = []
    }

    public override func epochDidEnd(_ epoch: Int, logs: Logs, model: Model<Scalar>) throws {
        guard (epoch + 1) % every == 0, let sequential = model as? Sequential<Scalar> else { return }
        snapshots.append((epoch, try NetworkStatistics.measure(sequential, input: input, targets: targets, bins: bins)))
    }
}
