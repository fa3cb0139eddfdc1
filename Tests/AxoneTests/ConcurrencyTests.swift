import Foundation
import Synchronization
import Testing
@testable import Axone

/// A server calls `predict` on one model from several threads: the calls must give exactly the
/// serial results, and `fit` at the same time must be refused rather than race.
@Suite(.serialized) struct ConcurrencyTests {
    /// Runs `body(thread)` on `threads` threads at once and waits for all of them (without holding
    /// a thread of the concurrency pool, which other suites' async tests need).
    func onThreads(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) async {
        let group = DispatchGroup()
        for thread in 0..<threads {
            group.enter()
            Thread { body(thread); group.leave() }.start()
        }
        await withCheckedContinuation { done in group.notify(queue: .global()) { done.resume() } }
    }

    func models() throws -> [Sequential<Float>] {
        let planned = try Sequential<Float>(inputShape: [20], seed: 3) {
            Dense(32, activation: .relu)
            Dense(16, activation: .tanh)
            Dense(4)
        }
        // Off the planned path: dropout and BatchNorm read the training flag predict must not flip.
        let autodiff = try Sequential<Float>(inputShape: [20], seed: 3) {
            Dense(32, activation: .relu)
            try BatchNormalization()
            try Dropout(rate: 0.5)
            Dense(4)
        }
        return [planned, autodiff]
    }

    @Test func predictFromEightThreadsGivesTheSerialResults() async throws {
        var rng = SeededGenerator(seed: 9)
        let inputs = (0..<4).map { Tensor<Float>.randomNormal([50 + 37 * $0, 20], using: &rng) }
        for model in try models() {
            model.train()   // predict must run in inference mode without changing the model's own mode
            let expected = try inputs.map { try model.predict($0, batchSize: 64) }
            let mismatches = Mutex(0), failures = Mutex<[String]>([])
            nonisolated(unsafe) let shared = model
            await onThreads(8) { thread in
                for call in 0..<400 {
                    let i = (thread + call) % inputs.count
                    do {
                        if try shared.predict(inputs[i], batchSize: 64) != expected[i] { mismatches.withLock { $0 += 1 } }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
            #expect(mismatches.withLock { $0 } == 0)
            #expect(failures.withLock { $0 }.isEmpty)
            #expect(model.isTraining)
        }
    }

    @Test func evaluateFromSeveralThreadsGivesTheSerialResult() async throws {
        var rng = SeededGenerator(seed: 10)
        let x = Tensor<Float>.randomNormal([300, 20], using: &rng)
        let y = Tensor<Float>(shape: [300], scalars: (0..<300).map { Float($0 % 4) })
        for model in try models() {
            model.compile(optimizer: Adam(), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
            let expected = try model.evaluate(x, y, batchSize: 64)
            let results = Mutex<[Logs]>([])
            nonisolated(unsafe) let shared = model
            await onThreads(4) { _ in
                for _ in 0..<50 { if let logs = try? shared.evaluate(x, y, batchSize: 64) { results.withLock { $0.append(logs) } } }
            }
            #expect(results.withLock { $0.count } == 200)
            #expect(results.withLock { $0.allSatisfy { $0 == expected } })
        }
    }

    /// Calls `predict` from another thread after each batch, and from the training thread itself.
    final class PredictDuringFit: Callback<Float> {
        let x: Tensor<Float>
        var otherThreadErrors: [TrainingError] = []
        var ownThreadPredictions = 0

        init(x: Tensor<Float>) { self.x = x }

        override func batchDidEnd(_ batch: Int, logs: Logs, model: Model<Float>) throws {
            nonisolated(unsafe) let model = model
            let x = x
            let caught = Mutex<TrainingError?>(nil), done = DispatchSemaphore(value: 0)
            Thread {
                do { _ = try model.predict(x) } catch let error as TrainingError { caught.withLock { $0 = error } } catch {}
                done.signal()
            }.start()
            done.wait()
            if let error = caught.withLock({ $0 }) { otherThreadErrors.append(error) }
            _ = try model.predict(x)
            ownThreadPredictions += 1
        }
    }

    @Test func fitAndPredictOnOtherThreadsAreKeptApartWithAClearError() async throws {
        var rng = SeededGenerator(seed: 11)
        let x = Tensor<Float>.randomNormal([64, 20], using: &rng)
        let y = Tensor<Float>(shape: [64], scalars: (0..<64).map { Float($0 % 4) })
        let model = try models()[0]
        model.compile(optimizer: Adam(), loss: .categoricalCrossEntropy())
        let callback = PredictDuringFit(x: x)
        try model.fit(x, y, epochs: 1, batchSize: 32, callbacks: [callback], verbose: .silent)
        #expect(callback.ownThreadPredictions == 2)
        #expect(callback.otherThreadErrors.count == 2)
        #expect(callback.otherThreadErrors.allSatisfy { $0.description.contains("while fit trains the model on another thread") })

        // An inference call running on another thread keeps fit from starting.
        nonisolated(unsafe) let shared = model
        await onThreads(1) { _ in try? shared.usage.beginInference("predict") }
        #expect(throws: TrainingError.self) { try model.fit(x, y, epochs: 1, verbose: .silent) }
        model.usage.endInference()
        try model.fit(x, y, epochs: 1, verbose: .silent)
    }
}
