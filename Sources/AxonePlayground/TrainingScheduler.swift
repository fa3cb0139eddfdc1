import Foundation

/// Trains the playing sessions on a few dedicated threads, one time slice per session in turn.
///
/// Training never runs on the threads that answer requests (Swift's cooperative pool and the
/// event loops), so a status request is answered at once however many sessions play, and every
/// playing session advances at a fair share of the training threads. (`@unchecked Sendable`: the
/// queue and the flag are only touched with `condition` locked.)
final class TrainingScheduler: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [PlaygroundSession] = []
    private var stopped = false
    private let threadCount: Int
    private let slice: Duration

    /// - Parameters:
    ///   - threads: how many threads train (each trains one session at a time).
    ///   - slice: how long a session trains before the next one's turn.
    init(threads: Int, slice: Duration = .milliseconds(20)) {
        threadCount = max(threads, 1)
        self.slice = slice
    }

    /// Starts the training threads.
    func start() {
        for index in 0..<threadCount {
            let thread = Thread { [self] in
                while let session = next() {
                    if session.trainSlice(slice) { enqueue(session) }
                }
            }
            thread.name = "axone-playground-training-\(index)"
            thread.start()
        }
    }

    /// Lets the threads end after their current slice.
    func stop() {
        condition.withLock {
            stopped = true
            queue.removeAll()
            condition.broadcast()
        }
    }

    /// Queues a playing session for training, unless it is already waiting for its turn.
    func enqueue(_ session: PlaygroundSession) {
        condition.withLock {
            guard !stopped, !queue.contains(where: { $0 === session }) else { return }
            queue.append(session)
            condition.signal()
        }
    }

    /// The next session to train, waiting for one; `nil` once stopped.
    private func next() -> PlaygroundSession? {
        condition.withLock {
            while queue.isEmpty && !stopped { condition.wait() }
            return stopped ? nil : queue.removeFirst()
        }
    }
}
