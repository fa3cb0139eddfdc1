import Testing
@testable import Axone

/// A data set that records which batches `fit` gathers and which it announces ahead.
private final class RecordingDataset: BatchProvider {
    typealias Scalar = Float
    let base: TensorDataset<Float>
    var gathered: [[Int]] = [], announced: [[Int]] = []

    init(_ base: TensorDataset<Float>) { self.base = base }

    var count: Int { base.count }
    var featureShape: [Int] { base.featureShape }
    var targetShape: [Int] { base.targetShape }
    func batch(_ indices: ArraySlice<Int>) -> (features: Tensor<Float>, targets: Tensor<Float>) {
        gathered.append(Array(indices))
        return base.batch(indices)
    }
    func prefetch(_ indices: ArraySlice<Int>) { announced.append(Array(indices)) }
}

@Suite struct DataBatchingTests {
    @Test func fitAnnouncesEachBatchOneStepAheadAndTrainsAsWithoutTheHint() throws {
        // 50 examples, 10 for validation, batch 16: 3 steps per epoch (16, 16, 8), 2 epochs.
        let (x, y) = blobs(count: 50, seed: 3)
        let recording = RecordingDataset(try TensorDataset(features: x, targets: y))
        let model = try smallModel(seed: 2)
        let history = try model.fit(recording, epochs: 2, batchSize: 16, validationSplit: 0.2, verbose: .silent, seed: 9)
        // fit also reads one example and the whole set to check them, and 10 held-out examples per epoch.
        let training = recording.gathered.filter { $0.count == 16 || $0.count == 8 }
        #expect(training.map(\.count) == [16, 16, 8, 16, 16, 8])
        // Within an epoch, each announcement is the batch gathered next; the last batch is not announced.
        #expect(recording.announced == [training[1], training[2], training[4], training[5]])
        // A hint only: the same training on the plain data set gives the same history.
        let plain = try smallModel(seed: 2).fit(try TensorDataset(features: x, targets: y), epochs: 2, batchSize: 16,
                                                 validationSplit: 0.2, verbose: .silent, seed: 9)
        #expect(plain["loss"] == history["loss"] && plain["val_loss"] == history["val_loss"])
    }

    /// SPEC §3 (seed 002): 1000 samples with batch 20 → 50 iterations per epoch.
    @Test func anEpochOf1000ExamplesAtBatch20Is50Iterations() throws {
        var sampler = try BatchSampler(count: 1000, batchSize: 20, seed: 1)
        #expect(sampler.batchesPerEpoch == 50)
        let epoch = sampler.nextEpoch()
        #expect(epoch.count == 50)
        #expect(epoch.allSatisfy { $0.count == 20 })
        #expect(epoch.flatMap { $0 }.sorted() == Array(0..<1000))
    }

    @Test func theLastPartialBatchIsKept() throws {
        var sampler = try BatchSampler(count: 1001, batchSize: 20, shuffles: false)
        let epoch = sampler.nextEpoch()
        #expect(sampler.batchesPerEpoch == 51 && epoch.count == 51)
        #expect(epoch.last == [1000])
        #expect(epoch.first == ArraySlice(0..<20))
        #expect(Array(epoch.joined()) == Array(0..<1001))
    }

    @Test func shufflingIsDeterministicPerSeedAndDiffersBetweenEpochsAndSeeds() throws {
        func epochs(seed: UInt64) throws -> [[Int]] {
            var sampler = try BatchSampler(count: 100, batchSize: 32, seed: seed)
            return (0..<3).map { _ in sampler.nextEpoch().order }
        }
        let first = try epochs(seed: 7)
        #expect(try epochs(seed: 7) == first)
        #expect(try epochs(seed: 8) != first)
        #expect(first[0] != first[1] && first[1] != first[2])
        #expect(first.allSatisfy { $0.sorted() == Array(0..<100) })
        // Restoring a saved generator resumes the same sequence of epochs.
        var sampler = try BatchSampler(count: 100, batchSize: 32, seed: 7)
        _ = sampler.nextEpoch()
        let saved = sampler.generator.state
        var resumed = try BatchSampler(count: 100, batchSize: 32, seed: 0)
        resumed.generator.state = saved
        #expect(resumed.nextEpoch().order == first[1])
    }

    @Test func samplerArgumentsAreChecked() {
        #expect(throws: DataError.invalidArgument(name: "batchSize", expected: "at least 1", received: "0")) {
            try BatchSampler(count: 10, batchSize: 0)
        }
        #expect(throws: DataError.emptyData(source: "BatchSampler(count: 0)")) { try BatchSampler(count: 0, batchSize: 4) }
    }

    @Test func kerasValidationSplitHoldsOutTheLastFractionInOrder() throws {
        let split = try ValidationSplit.last(0.2, of: 1000)
        #expect(split.training == Array(0..<800) && split.validation == Array(800..<1000))
        // Keras: split_at = floor(10 · 0.75) = 7.
        #expect(try ValidationSplit.last(0.25, of: 10).validation == [7, 8, 9])
        #expect(throws: DataError.invalidArgument(name: "fraction", expected: "strictly between 0 and 1", received: "1.0")) {
            try ValidationSplit.last(1, of: 10)
        }
        #expect(throws: DataError.invalidArgument(name: "fraction", expected: "a value leaving examples in both parts of 1",
                                                  received: "0.5")) {
            try ValidationSplit.last(0.5, of: 1)
        }
    }

    @Test func randomSplitIsSeededAndPartitionsTheExamples() throws {
        let split = try ValidationSplit.random(0.3, of: 100, seed: 5)
        #expect(split.training.count == 70 && split.validation.count == 30)
        #expect((split.training + split.validation).sorted() == Array(0..<100))
        #expect(split.validation != Array(70..<100))
        #expect(try ValidationSplit.random(0.3, of: 100, seed: 5) == split)
        #expect(try ValidationSplit.random(0.3, of: 100, seed: 6) != split)
    }
}
