/// Hooks into `fit` (Keras callbacks). Subclass and override what you need; every hook may throw
/// to abort training, and may set ``Model/stopTraining`` to end it after the current epoch.
///
/// ```swift
/// final class PrintLR: Callback<Float> {
///     override func epochDidEnd(_ epoch: Int, logs: Logs, model: Model<Float>) throws {
///         print(epoch, logs["lr"] ?? 0)
///     }
/// }
/// ```
open class Callback<Scalar: TensorScalar> {
    /// Creates a callback that does nothing until a subclass overrides its methods.
    public init() {}
    /// Before the first epoch.
    open func trainingWillBegin(model: Model<Scalar>) throws {}
    /// Before each epoch (0-based).
    open func epochWillBegin(_ epoch: Int, model: Model<Scalar>) throws {}
    /// After each batch, with the batch's `loss`.
    open func batchDidEnd(_ batch: Int, logs: Logs, model: Model<Scalar>) throws {}
    /// After each epoch, with the epoch's logs (`loss`, metrics, `val_…`, `lr`).
    open func epochDidEnd(_ epoch: Int, logs: Logs, model: Model<Scalar>) throws {}
    /// After the last epoch (also when stopped early).
    open func trainingDidEnd(model: Model<Scalar>) throws {}
}

/// One epoch's (or batch's) logged values, in order.
public struct Logs: Sendable, Equatable {
    /// The entries in column order.
    public var entries: [(key: String, value: Double)]

    /// Logs holding `entries`, in that order.
    public init(_ entries: [(key: String, value: Double)] = []) { self.entries = entries }

    /// The value logged under `key`.
    public subscript(key: String) -> Double? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public static func == (a: Logs, b: Logs) -> Bool {
        a.entries.map(\.key) == b.entries.map(\.key) && a.entries.map(\.value) == b.entries.map(\.value)
    }
}

extension Logs: CustomStringConvertible {
    /// `loss: 0.3236 - accuracy: 0.8899`, as the progress lines print them.
    public var description: String {
        entries.map { "\($0.key): \(ProgressDisplay.format($0.value, key: $0.key))" }.joined(separator: " - ")
    }
}
