import Foundation
import Testing
@testable import Axone

/// ``TrainingProfiler``: `fit` splits each training step's wall-clock time among the phases that
/// the step has, counts the steps, and records nothing once the profiler is detached.
@Suite struct TrainingProfilerTests {
    /// 640 examples of 200 features in 3 classes: 5 batches of 128.
    let data: (x: Tensor<Float>, y: Tensor<Float>) = {
        var rng = SeededGenerator(seed: 11)
        return (Tensor<Float>.randomNormal([640, 200], using: &rng), Tensor(shape: [640], scalars: (0..<640).map { Float($0 % 3) }))
    }()

    func model(compiled: Bool) throws -> Sequential<Float> {
        let model = try Sequential<Float>(inputShape: [200], seed: 3) {
            Dense(64, activation: .relu)
            Dense(3)
        }
        model.compile(optimizer: Adam(), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        model.usesCompiledPasses = compiled
        return model
    }

    @Test func theCompiledStepRecordsEveryPhaseWithinTheWallClock() throws {
        let model = try model(compiled: true)
        // Two shards of 64 rows at batch 128: the first weight's product runs before them, in blocks.
        #expect(model.executor(training: true)?.deferredWeightName(rows: 128) == "layers.0.weight")
        let profiler = TrainingProfiler()
        model.trainingProfiler = profiler
        let start = DispatchTime.now().uptimeNanoseconds
        try model.fit(data.x, data.y, epochs: 2, batchSize: 128, verbose: .silent, seed: 1)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        #expect(profiler.steps == 10)
        for phase in TrainingProfiler.Phase.allCases { #expect(profiler.seconds(in: phase) > 0, "\(phase)") }
        let sum = TrainingProfiler.Phase.allCases.map { profiler.seconds(in: $0) }.reduce(0, +)
        #expect(abs(sum - profiler.totalSeconds) <= 1e-9 * Double(profiler.steps))
        #expect(profiler.totalSeconds <= wall)
        #expect(profiler.description.hasPrefix("ms per step over 10 steps: batch "))

        profiler.reset()
        #expect(profiler.steps == 0 && profiler.totalSeconds == 0)
        // Detached, it records nothing.
        model.trainingProfiler = nil
        try model.fit(data.x, data.y, epochs: 1, batchSize: 128, verbose: .silent, seed: 1)
        #expect(profiler.steps == 0 && profiler.totalSeconds == 0)
    }

    @Test(arguments: [(compiled: false, batch: 128), (compiled: true, batch: 32)])
    func aStepWithoutADeferredProductRecordsNoneOfIt(compiled: Bool, batch: Int) throws {
        // The tape, or a compiled step of one shard (a batch under 128 rows), defers no product.
        let model = try model(compiled: compiled)
        #expect(model.executor(training: true)?.deferredWeightName(rows: batch) == nil)
        let profiler = TrainingProfiler()
        model.trainingProfiler = profiler
        try model.fit(data.x, data.y, epochs: 1, batchSize: batch, verbose: .silent, seed: 1)
        #expect(profiler.steps == 640 / batch)
        #expect(profiler.seconds(in: .deferredProduct) == 0)
        for phase in [TrainingProfiler.Phase.batch, .forwardBackward, .update, .bookkeeping] {
            #expect(profiler.seconds(in: phase) > 0, "\(phase)")
        }
    }
}
