import Foundation

/// What `fit` measured, epoch by epoch (Keras `History`): `loss`, each metric, their `val_`
/// counterparts when there is validation data, and the learning rate `lr`.
public struct History: Sendable, Equatable {
    /// The epochs run (0-based, as in Keras logs).
    public private(set) var epochs: [Int] = []
    /// Each logged quantity, one value per epoch.
    public private(set) var values: [String: [Double]] = [:]
    /// The quantities in column order: `loss`, metrics, `val_loss`, `val_` metrics, `lr`.
    public private(set) var keys: [String] = []

    /// An empty history.
    public init() {}

    /// Appends one epoch's logs; keys are ordered as the first epoch gave them.
    public mutating func append(epoch: Int, logs: [(key: String, value: Double)]) {
        if keys.isEmpty { keys = logs.map(\.key) }
        epochs.append(epoch)
        for (key, value) in logs { values[key, default: []].append(value) }
    }

    /// Drops the epochs numbered `epoch` or later (a resumed run logs them again).
    public mutating func removeEpochs(from epoch: Int) {
        let kept = epochs.prefix { $0 < epoch }.count
        guard kept < epochs.count else { return }
        epochs.removeSubrange(kept...)
        for key in values.keys { values[key]!.removeSubrange(Swift.min(kept, values[key]!.count)...) }
    }

    /// The values logged under `key` (empty if never logged).
    public subscript(key: String) -> [Double] { values[key] ?? [] }

    /// The Keras CSVLogger layout: a header `epoch,<keys…>` and one row per epoch.
    public var csv: String {
        var lines = [(["epoch"] + keys).joined(separator: ",")]
        for (row, epoch) in epochs.enumerated() {
            lines.append(([String(epoch)] + keys.map { key in
                let column = values[key] ?? []
                return row < column.count ? "\(column[row])" : ""
            }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
