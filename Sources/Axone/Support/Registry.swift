import Synchronization

/// A thread-safe table of user extensions by name (layers, losses, metrics, optimisers): what a
/// file or a command line names is looked up here after the built-in names.
final class Registry<Entry: Sendable>: Sendable {
    private let entries = Mutex<[String: Entry]>([:])

    /// Registers `entry` under `name`, replacing an earlier one of that name.
    func register(_ entry: Entry, as name: String) { entries.withLock { $0[name] = entry } }

    /// The entry registered under `name`.
    func entry(named name: String) -> Entry? { entries.withLock { $0[name] } }

    /// The registered names, sorted.
    var names: [String] { entries.withLock { $0.keys.sorted() } }
}
