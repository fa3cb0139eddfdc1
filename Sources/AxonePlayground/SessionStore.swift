import Foundation

/// The live sessions by id. A session that receives no request for `timeout` is closed and
/// forgotten by ``removeIdle()``, which the server calls periodically. (`@unchecked Sendable`: the
/// dictionary is only touched with `lock` held.)
final class SessionStore: @unchecked Sendable {
    /// How long a session may go without a request before it is removed.
    let timeout: Duration
    /// The most sessions open at once; creating one more is refused.
    let capacity: Int
    private let lock = NSLock()
    private var sessions: [String: PlaygroundSession] = [:]

    init(timeout: Duration, capacity: Int) {
        self.timeout = timeout
        self.capacity = capacity
    }

    /// The number of open sessions, and of those that are training.
    var counts: (open: Int, playing: Int) {
        let all = lock.withLock { Array(sessions.values) }
        return (all.count, all.filter(\.isPlaying).count)
    }

    /// Opens a session with a new random id.
    /// - Throws: ``PlaygroundError/badRequest(_:)`` for bad settings,
    ///   ``PlaygroundError/tooManySessions(limit:)`` when full.
    func create(settings: PlaygroundSettings) throws -> PlaygroundSession {
        guard lock.withLock({ sessions.count }) < capacity else { throw PlaygroundError.tooManySessions(limit: capacity) }
        let session = try PlaygroundSession(id: UUID().uuidString.lowercased(), settings: settings)
        try lock.withLock {
            guard sessions.count < capacity else { throw PlaygroundError.tooManySessions(limit: capacity) }
            sessions[session.id] = session
        }
        return session
    }

    /// The session `id`, marked as used now.
    /// - Throws: ``PlaygroundError/notFound(_:)`` when there is none (it may have timed out).
    func session(_ id: String) throws -> PlaygroundSession {
        guard let session = lock.withLock({ sessions[id] }) else {
            throw PlaygroundError.notFound("no session '\(id)': it was closed or timed out; reload the page")
        }
        session.touch()
        return session
    }

    /// Closes and forgets session `id`, if it exists.
    func remove(_ id: String) {
        lock.withLock { sessions.removeValue(forKey: id) }?.close()
    }

    /// Closes and forgets every session idle for longer than ``timeout``.
    func removeIdle() {
        let idle = lock.withLock {
            let idle = sessions.values.filter { $0.idleTime > timeout }
            for session in idle { sessions[session.id] = nil }
            return idle
        }
        for session in idle { session.close() }
    }
}
