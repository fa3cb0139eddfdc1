import Foundation

/// What creating or resetting a session answers: everything the page needs to redraw.
struct SessionDescription: Encodable, Sendable {
    let id: String
    let settings: PlaygroundSettings
    let data: PlaygroundData
    let status: SessionStatus
}

/// One browser tab's training session.
///
/// Two locks keep requests quick. `trainerLock` guards the network: the training worker holds it
/// for one slice, a Step or Reset request for one epoch or one rebuild. `stateLock` guards what
/// requests read — the flags and the latest status, encoded once — and is held only for moments,
/// so a status request never waits for training. Lock order: `trainerLock`, then `stateLock`;
/// statuses are published while `trainerLock` is held, so an older network's status can never
/// overwrite a newer one's. (`@unchecked Sendable`: every mutable field is guarded by one lock.)
final class PlaygroundSession: @unchecked Sendable {
    /// How often a playing session refreshes what the page sees.
    static let reportInterval = Duration.milliseconds(100)

    let id: String
    private let trainerLock = NSLock()
    private var trainer: SessionTrainer
    private var lastReport = ContinuousClock.now
    private let stateLock = NSLock()
    private var state: State

    private struct State {
        var playing = false
        var closed = false
        var lastSeen = ContinuousClock.now
        var status: SessionStatus
        var encoded: Data?
    }

    /// Builds the session's network. - Throws: ``PlaygroundError/badRequest(_:)`` for bad settings.
    init(id: String, settings: PlaygroundSettings) throws {
        self.id = id
        trainer = try SessionTrainer(id: id, settings: settings, generation: 0)
        state = State(status: try trainer.status())
    }

    /// Marks the session as used now (a request arrived for it).
    func touch() { stateLock.withLock { state.lastSeen = .now } }

    /// How long since the last request for this session.
    var idleTime: Duration { stateLock.withLock { ContinuousClock.now - state.lastSeen } }

    var isPlaying: Bool { stateLock.withLock { state.playing && !state.closed } }

    /// The latest status as JSON (encoded at most once per change).
    func statusJSON() throws -> Data {
        try stateLock.withLock {
            if let encoded = state.encoded { return encoded }
            let encoded = try JSONEncoder().encode(state.status)
            state.encoded = encoded
            return encoded
        }
    }

    /// The session's settings, data and status.
    func describe() -> SessionDescription {
        trainerLock.withLock {
            SessionDescription(id: id, settings: trainer.settings, data: trainer.data, status: stateLock.withLock { state.status })
        }
    }

    /// Starts or stops training. Returns whether the session has just started playing (and so must
    /// be handed to the training worker).
    @discardableResult
    func setPlaying(_ playing: Bool) -> Bool {
        stateLock.withLock {
            let started = playing && !state.playing && !state.closed
            state.playing = playing && !state.closed
            state.status.playing = state.playing
            if playing { state.status.error = nil }
            state.encoded = nil
            return started
        }
    }

    /// Pauses and trains exactly one epoch.
    func step() throws {
        setPlaying(false)
        try trainerLock.withLock {
            do {
                try trainer.trainEpoch()
                try publish(trainer.status(), error: nil)
            } catch {
                try publish(trainer.status(), error: "\(error)")
            }
        }
    }

    /// Pauses and replaces the network and data by new ones built from `settings`; on bad
    /// settings the session is left as it was.
    func reset(settings: PlaygroundSettings) throws {
        try trainerLock.withLock {
            let replacement = try SessionTrainer(id: id, settings: settings, generation: trainer.generation + 1)
            setPlaying(false)
            trainer = replacement
            try publish(trainer.status(), error: nil)
        }
    }

    /// Replaces the data by the reader's own points (`[x, y, class]`), keeping the network and
    /// whether it plays; on bad points the session is left as it was.
    /// - Throws: ``PlaygroundError/badRequest(_:)``.
    func replaceOwnPoints(_ points: [[Double]]) throws {
        try trainerLock.withLock {
            try trainer.replaceOwnPoints(points)
            publish(try trainer.status(), error: nil)
        }
    }

    /// The trained network as the file `download` names.
    func download(_ download: ModelDownload) throws -> Data {
        try trainerLock.withLock { try download.contents(of: trainer.model, settings: trainer.settings) }
    }

    /// Stops the session for good (it was abandoned or its tab closed).
    func close() { stateLock.withLock { (state.closed, state.playing) = (true, false) } }

    /// Trains whole epochs for about `slice` while playing, then refreshes the status if it is due.
    /// A diverging loss pauses the session with the reason in its status.
    /// - Returns: whether the session is still playing (and should get another slice).
    func trainSlice(_ slice: Duration) -> Bool {
        trainerLock.withLock {
            let clock = ContinuousClock(), start = clock.now
            var failure: String?
            do {
                while isPlaying && clock.now - start < slice { try trainer.trainEpoch() }
            } catch {
                failure = "\(error)"
                setPlaying(false)
            }
            let playing = isPlaying
            if !playing || clock.now - lastReport >= Self.reportInterval {
                do {
                    try publish(trainer.status(), error: failure)
                } catch {
                    setPlaying(false)
                }
                lastReport = clock.now
            }
            return playing
        }
    }

    /// Makes `status` what requests see (call with `trainerLock` held).
    private func publish(_ status: SessionStatus, error: String?) {
        stateLock.withLock {
            var status = status
            status.playing = state.playing && !state.closed
            status.error = error
            state.status = status
            state.encoded = nil
        }
    }
}
