import Foundation
import Synchronization

/// Keeps training and inference on one model apart: any number of threads may run `predict` and
/// `evaluate` at once, but `fit` changes the weights they read, so it refuses to start while they
/// run, and they refuse to start while it runs — except on the thread running `fit` (a callback
/// may predict).
final class ModelUsage: Sendable {
    private struct State {
        var inferenceCalls = 0
        var trainer: pthread_t?
    }

    private let state = Mutex(State())
    private let interruption = Atomic(false)

    /// Asks the running (or next) training loop to stop after its step.
    func requestInterruption() { interruption.store(true, ordering: .releasing) }

    /// Whether an interruption was requested; clears the request.
    func takeInterruption() -> Bool {
        interruption.load(ordering: .acquiring) && interruption.exchange(false, ordering: .acquiringAndReleasing)
    }

    /// Marks an inference call as running; balance with ``endInference()``.
    func beginInference(_ what: String) throws {
        try state.withLock { state in
            if let trainer = state.trainer, pthread_equal(trainer, pthread_self()) == 0 {
                throw TrainingError.concurrentUse("\(what) cannot run while fit trains the model on another thread")
            }
            state.inferenceCalls += 1
        }
    }

    func endInference() { state.withLock { $0.inferenceCalls -= 1 } }

    /// Marks training as running; balance with ``endTraining()``.
    func beginTraining() throws {
        try state.withLock { state in
            if state.trainer != nil {
                throw TrainingError.concurrentUse("fit is already training this model")
            }
            if state.inferenceCalls > 0 {
                throw TrainingError.concurrentUse(
                    "fit cannot start while \(state.inferenceCalls) predict or evaluate call(s) run on the model")
            }
            state.trainer = pthread_self()
        }
    }

    func endTraining() { state.withLock { $0.trainer = nil } }
}
