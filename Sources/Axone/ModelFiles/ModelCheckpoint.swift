import Foundation

/// Saves a full training checkpoint (weights, optimiser state, epoch, seed) at the end of epochs
/// (Keras `ModelCheckpoint`), atomically: a crash or a kill during a save leaves the previous file
/// whole. Resume with ``ModelFile/load(from:as:)`` and `fit(…, initialEpoch: checkpoint.epoch)`.
///
/// ```swift
/// try model.fit(x, y, epochs: 20, callbacks: [ModelCheckpoint(path: "model.safetensors")])
/// // only improvements of val_accuracy, one file per epoch:
/// ModelCheckpoint<Float>(path: "best-{epoch:02d}.safetensors", monitor: "val_accuracy", saveBestOnly: true)
/// ```
/// Works with ``Sequential`` models (the model file's format).
public final class ModelCheckpoint<Scalar: TensorScalar>: Callback<Scalar> {
    /// Where to write; `{epoch}` (or `{epoch:02d}`, zero-padded) is replaced by the 1-based epoch.
    public let path: String
    /// The log key compared when ``saveBestOnly`` is set; lower is better unless it contains
    /// `accuracy`, `precision`, `recall` or `f1` (Keras's `mode="auto"`).
    public let monitor: String
    /// Whether to save only epochs that improve ``monitor`` on the best so far.
    public let saveBestOnly: Bool
    /// Save after every `period`-th epoch (epochs `period`, `2·period`, … counted from 1).
    public let period: Int
    /// The best monitored value saved so far.
    public private(set) var best: Double?
    /// The paths written, in order.
    public private(set) var written: [String] = []

    /// - Throws: ``TrainingError/invalidArgument(_:)`` for an empty path or a period below 1.
    public init(path: String, monitor: String = "val_loss", saveBestOnly: Bool = false, period: Int = 1) throws {
        guard !path.isEmpty, period >= 1 else {
            throw TrainingError.invalidArgument("ModelCheckpoint: needs a path and a period ≥ 1, got '\(path)' and \(period)")
        }
        self.path = path
        self.monitor = monitor
        self.saveBestOnly = saveBestOnly
        self.period = period
    }

    public override func trainingWillBegin(model: Model<Scalar>) throws {
        _ = try model.architectureJSON()   // a model without an architecture cannot be saved: say so before training
        best = nil
        written = []
    }

    public override func epochDidEnd(_ epoch: Int, logs: Logs, model: Model<Scalar>) throws {
        guard (epoch + 1) % period == 0 else { return }
        if saveBestOnly {
            guard let value = logs[monitor] else {
                throw TrainingError.invalidArgument("ModelCheckpoint: '\(monitor)' is not logged; logged: \(logs.entries.map(\.key))")
            }
            let sign = higherIsBetter(monitor) ? -1.0 : 1.0
            guard value.isFinite, best.map({ sign * value < sign * $0 }) ?? true else { return }
            best = value
        }
        try save(model, epochsDone: epoch + 1)
    }

    /// Writes the checkpoint of `model` after `epochsDone` epochs.
    private func save(_ model: Model<Scalar>, epochsDone: Int) throws {
        guard let optimizer = model.configuration?.optimizer else { return }
        let target = Self.path(path, epoch: epochsDone)
        try ModelFile.save(model, to: target,
                           training: TrainingCheckpoint(optimizer: optimizer, epoch: epochsDone, seed: model.trainingSeed))
        written.append(target)
    }

    /// `template` with `{epoch}` and `{epoch:0Nd}` replaced by `epoch`.
    static func path(_ template: String, epoch: Int) -> String {
        var result = template.replacingOccurrences(of: "{epoch}", with: String(epoch))
        while let open = result.range(of: "{epoch:0"), let close = result[open.upperBound...].range(of: "d}"),
              let width = Int(result[open.upperBound..<close.lowerBound]) {
            let digits = String(epoch)
            result.replaceSubrange(open.lowerBound..<close.upperBound,
                                   with: String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits)
        }
        return result
    }
}
