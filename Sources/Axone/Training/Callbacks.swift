import Foundation

/// Stops training when a monitored quantity stops improving (Keras `EarlyStopping`), optionally
/// restoring the weights of the best epoch.
///
/// As in Keras (`keras/src/callbacks/early_stopping.py`), every epoch that does not improve on the
/// best value by more than `minDelta` adds one to a counter that an improvement resets; training
/// stops at the end of the epoch where the counter reaches `patience` (`wait >= patience`), so
/// `patience` epochs without improvement run, and none more.
public final class EarlyStopping<Scalar: TensorScalar>: Callback<Scalar> {
    /// The log key watched (`val_loss`, `val_accuracy`, …); accuracies, precision, recall and F1
    /// improve upwards, everything else downwards.
    public let monitor: String
    /// The epochs without improvement after which training stops.
    public let patience: Int
    /// The smallest change of the monitored value that counts as an improvement.
    public let minDelta: Double
    /// Whether the weights of the best epoch are restored when training stops.
    public let restoreBestWeights: Bool
    /// The best value seen and its epoch.
    public private(set) var best: (value: Double, epoch: Int)?
    /// The epoch at which training was stopped, if it was.
    public private(set) var stoppedEpoch: Int?
    private var wait = 0
    private var bestWeights: [String: Tensor<Scalar>]?

    /// Creates the callback; it stops `fit` once `monitor` has not improved for `patience` epochs.
    ///
    /// - Parameters:
    ///   - monitor: a log key; lower is better unless it contains `accuracy`, `precision`,
    ///     `recall` or `f1`.
    ///   - patience: the number of epochs without improvement after which training stops (Keras's
    ///     `wait >= patience`: 0 stops at the first epoch that does not improve).
    ///   - minDelta: the smallest change of `monitor` that counts as an improvement.
    ///   - restoreBestWeights: put back the weights of the best epoch when training stops.
    public init(monitor: String = "val_loss", patience: Int = 0, minDelta: Double = 0, restoreBestWeights: Bool = false) {
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBestWeights = restoreBestWeights
    }

    public override func trainingWillBegin(model: Model<Scalar>) throws {
        best = nil; wait = 0; stoppedEpoch = nil; bestWeights = nil
    }

    public override func epochDidEnd(_ epoch: Int, logs: Logs, model: Model<Scalar>) throws {
        guard let value = logs[monitor] else {
            throw TrainingError.invalidArgument("EarlyStopping: '\(monitor)' is not logged; logged: \(logs.entries.map(\.key))")
        }
        let sign = higherIsBetter(monitor) ? -1.0 : 1.0
        if best == nil || sign * value < sign * best!.value - minDelta {
            best = (value, epoch)
            wait = 0
            if restoreBestWeights { bestWeights = model.state() }   // copy-on-write: no copy until training moves on
            return
        }
        wait += 1
        if wait >= patience {
            stoppedEpoch = epoch
            model.stopTraining = true
        }
    }

    public override func trainingDidEnd(model: Model<Scalar>) throws {
        if restoreBestWeights, let bestWeights { try model.loadState(bestWeights) }
    }
}

/// Whether a larger value of the logged quantity `key` is better.
func higherIsBetter(_ key: String) -> Bool {
    ["accuracy", "precision", "recall", "f1"].contains { key.contains($0) }
}

/// Sets the learning rate at the start of every epoch from a schedule (Keras `LearningRateScheduler`).
public final class LearningRateScheduler<Scalar: TensorScalar>: Callback<Scalar> {
    /// The learning rate for each 0-based epoch.
    public let schedule: (Int) -> Double

    /// - Parameter schedule: the learning rate for a 0-based epoch.
    public init(_ schedule: @escaping (Int) -> Double) { self.schedule = schedule }

    /// Follows a ``LearningRateSchedule`` with t = the epoch.
    public convenience init(_ schedule: LearningRateSchedule) { self.init { schedule($0) } }

    public override func epochWillBegin(_ epoch: Int, model: Model<Scalar>) throws {
        model.configuration?.optimizer.learningRate = schedule(epoch)
    }
}

/// Multiplies the learning rate by `factor` when `monitor` has not improved for `patience` epochs
/// (seed 000: "divide by 2 when the validation loss stops improving").
public final class ReduceLROnPlateau<Scalar: TensorScalar>: Callback<Scalar> {
    /// The log key watched (`val_loss` by default).
    public let monitor: String
    /// The plateau detector.
    public private(set) var scheduler: PlateauScheduler

    /// Creates the callback; the parameters are those of ``PlateauScheduler`` (`minimumLearningRate`
    /// is its `minimum`).
    public init(monitor: String = "val_loss", factor: Double = 0.5, patience: Int = 10, minDelta: Double = 1e-4,
                cooldown: Int = 0, minimumLearningRate: Double = 0) {
        self.monitor = monitor
        scheduler = PlateauScheduler(factor: factor, patience: patience, minDelta: minDelta, cooldown: cooldown,
                                     minimum: minimumLearningRate)
    }

    public override func trainingWillBegin(model: Model<Scalar>) throws { try scheduler.validate() }

    public override func epochDidEnd(_ epoch: Int, logs: Logs, model: Model<Scalar>) throws {
        guard let value = logs[monitor], let optimizer = model.configuration?.optimizer else {
            throw TrainingError.invalidArgument("ReduceLROnPlateau: '\(monitor)' is not logged; logged: \(logs.entries.map(\.key))")
        }
        let sign = higherIsBetter(monitor) ? -1.0 : 1.0
        optimizer.learningRate = scheduler.update(monitored: sign * value, learningRate: optimizer.learningRate)
    }
}

/// Stops training as soon as a batch loss is NaN or infinite (Keras `TerminateOnNaN`).
public final class TerminateOnNaN<Scalar: TensorScalar>: Callback<Scalar> {
    /// The epoch and batch where the loss stopped being finite, if it did.
    public private(set) var terminatedAt: (epoch: Int, batch: Int)?
    private var epoch = 0

    public override init() {}

    public override func epochWillBegin(_ epoch: Int, model: Model<Scalar>) throws { self.epoch = epoch }

    public override func batchDidEnd(_ batch: Int, logs: Logs, model: Model<Scalar>) throws {
        guard let loss = logs["loss"], !loss.isFinite else { return }
        terminatedAt = (epoch, batch)
        model.stopTraining = true
        throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batch)
    }
}

/// Writes each epoch's logs to a CSV file in the Keras CSVLogger layout, rewriting the file
/// atomically after every epoch so a crash never leaves it half-written.
public final class CSVLogger<Scalar: TensorScalar>: Callback<Scalar> {
    /// The CSV file written.
    public let path: String
    /// Whether to keep the rows already in the file (Keras `append=True`), for resumed training:
    /// rows of the epochs being run again are replaced.
    public let append: Bool
    private var history = History()

    /// Logs to `path`, keeping the rows already there when `append` is true.
    public init(path: String, append: Bool = false) {
        self.path = path
        self.append = append
    }

    public override func trainingWillBegin(model: Model<Scalar>) throws {
        history = History()
        if append, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            history = try History(csvString: text)
        }
    }

    public override func epochDidEnd(_ epoch: Int, logs: Logs, model: Model<Scalar>) throws {
        history.removeEpochs(from: epoch)
        history.append(epoch: epoch, logs: logs.entries)
        try AtomicFile.write(Data(history.csv.utf8), to: path)
    }
}

/// A callback made of closures, for quick hooks.
public final class LambdaCallback<Scalar: TensorScalar>: Callback<Scalar> {
    private let onEpochStart: (Int, Model<Scalar>) throws -> Void
    private let onEpochEnd: (Int, Logs, Model<Scalar>) throws -> Void

    /// Calls `onEpochStart` with the 0-based epoch before each epoch and `onEpochEnd` with its logs after it.
    public init(onEpochStart: @escaping (Int, Model<Scalar>) throws -> Void = { _, _ in },
                onEpochEnd: @escaping (Int, Logs, Model<Scalar>) throws -> Void) {
        self.onEpochStart = onEpochStart
        self.onEpochEnd = onEpochEnd
    }

    public override func epochWillBegin(_ epoch: Int, model: Model<Scalar>) throws { try onEpochStart(epoch, model) }

    public override func epochDidEnd(_ epoch: Int, logs: Logs, model: Model<Scalar>) throws {
        try onEpochEnd(epoch, logs, model)
    }
}
