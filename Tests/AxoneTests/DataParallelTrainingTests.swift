import Testing
@testable import Axone

/// One process taking the place of process `rank` of `processCount`: its sums and broadcasts leave
/// the values as they are, and it counts the sums.
final class SingleProcessSynchronizer: GradientSynchronizer {
    let rank: Int
    let processCount: Int
    private(set) var sums = 0

    init(rank: Int = 0, processCount: Int = 1) {
        self.rank = rank
        self.processCount = processCount
    }

    func sum<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>) { sums += 1 }
    func broadcast<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>) {}
}

/// A list of events shared by a synchronizer and a probe layer, in the order they happen.
final class EventLog: @unchecked Sendable {
    var events: [String] = []
}

/// A single process that logs its sums: `start N` for ``startSum(_:)`` of N values, `finish` when
/// the step waits for them, `sum N` for the other sums.
final class RecordingSynchronizer: GradientSynchronizer {
    let rank = 0, processCount = 1
    let log = EventLog()

    func sum<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>) { log.events.append("sum \(values.count)") }
    func broadcast<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>) {}
    func startSum<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>) { log.events.append("start \(values.count)") }
    func finishSums() { log.events.append("finish") }
}

/// The identity, whose backward step logs `backward` (so a test sees where the backward pass is).
struct BackwardProbe<Scalar: TensorScalar>: Primitive {
    let log: EventLog
    var name: String { "backward_probe" }
    func outputShape(_ inputShapes: [[Int]]) throws -> [Int] { inputShapes[0] }
    func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { [true] }
    func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        _ = output.buffer.update(fromContentsOf: inputs[0].elements)
    }
    func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                  into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        log.events.append("backward")
        _ = gradients[0]?.buffer.update(fromContentsOf: upstream.elements)
    }
}

/// A traceable layer that applies ``BackwardProbe``.
final class BackwardProbeLayer<Scalar: TensorScalar>: Layer<Scalar> {
    let log: EventLog
    init(_ log: EventLog) { self.log = log }
    override var isTraceable: Bool { true }
    override func forward(_ x: Variable<Scalar>) -> Variable<Scalar> { Variable.applying(BackwardProbe(log: log), to: [x]) }
}

/// `fit`'s data-parallel side without MPI (the runs under `mpirun` are in DistributedTrainingTests).
@Suite struct DataParallelTrainingTests {
    @Test func theSharesOfABatchFollowEachOtherAndCoverIt() {
        let batch = Array(0..<200)[20..<123]
        let shares = (0..<3).map { DataParallelTraining<Float>(SingleProcessSynchronizer(rank: $0, processCount: 3)).share(of: batch) }
        #expect(shares.map(\.count) == [34, 34, 35])
        #expect(Array(shares.joined()) == Array(batch))
    }

    /// A single process with a synchronizer trains as without one, to the bit, on the compiled step
    /// and on the tape: one sum at the start, one per step, one per epoch.
    @Test(arguments: [true, false])
    func oneProcessWithASynchronizerTrainsAsWithout(compiled: Bool) throws {
        var rng = SeededGenerator(seed: 8)
        let x = Tensor<Float>.randomUniform([512, 8], in: -1...1, using: &rng)
        let y = Tensor<Float>(shape: [512], scalars: (0..<512).map { Float($0 % 3) })
        func train(_ synchronizer: GradientSynchronizer?) throws -> (weights: [[Float]], history: History) {
            let model = try Sequential<Float>(architecture: Architecture(preset: "mlp:8-16-3"), seed: 1)
            model.usesCompiledPasses = compiled
            model.compile(optimizer: Adam(learningRate: 1e-2), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
            model.gradientSynchronizer = synchronizer
            let history = try model.fit(x, y, epochs: 2, batchSize: 128, verbose: .silent, seed: 3)
            return (model.namedParameters().map(\.variable.value.scalars), history)
        }
        let synchronizer = SingleProcessSynchronizer()
        let alone = try train(nil), synchronized = try train(synchronizer)
        #expect(synchronized.weights == alone.weights)
        #expect(synchronized.history == alone.history)
        #expect(synchronizer.sums == 1 + 2 * 4 + 2)
    }

    /// A wide Dense on a model input (200 inputs, batches of 128 rows in 2 shards) has its weight
    /// gradient computed over the process's whole batch after the shards, before the sums: its
    /// bucket (80,400 values: the wide branch, between the head's 121,203 and the narrow branch's
    /// 3,600 with the loss) must wait for that product although the shards pass its call before
    /// the narrow branch's. The weights are those of a run without a synchronizer, to the bit.
    @Test func theDeferredWeightsBucketWaitsForItsProduct() throws {
        var rng = SeededGenerator(seed: 9)
        let wide = Tensor<Float>.randomUniform([256, 200], in: -1...1, using: &rng)
        let narrow = Tensor<Float>.randomUniform([256, 8], in: -1...1, using: &rng)
        let y = Tensor<Float>(shape: [256], scalars: (0..<256).map { Float($0 % 3) })
        func train(_ synchronizer: RecordingSynchronizer?) throws -> [[Float]] {
            let a = Input<Float>(shape: [200], seed: 1), b = Input<Float>(shape: [8])
            let sum = try Add()([Dense(400, activation: .relu)(a), Dense(400, activation: .relu)(b)])
            let model = try Model(inputs: [a, b], outputs: [Dense(3)(Dense(300, activation: .relu)(sum))])
            model.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy())
            #expect(model.executor(training: true)?.deferredWeightName(rows: 128) == "layers.0.weight")
            model.gradientSynchronizer = synchronizer
            try model.fit([wide, narrow], [y], epochs: 1, batchSize: 128, verbose: .silent, seed: 3)
            return model.namedParameters().map(\.variable.value.scalars)
        }
        let synchronizer = RecordingSynchronizer()
        #expect(try train(synchronizer) == train(nil))
        let starts = synchronizer.log.events.filter { $0.hasPrefix("start") }
        #expect(starts == Array(repeating: ["start 121203", "start 80400", "start 3602"], count: 2).flatMap { $0 })
    }

    /// The compiled step sums its gradients in buckets of about 256 KiB, started in the order the
    /// backward pass completes them: for 8-300-300-3 in Float, the last two layers (900 + 3 +
    /// 90,000 + 300 values, 364 KB) start before the backward pass reaches the probe between the
    /// first two layers, then the first layer (2,400 + 300) with the loss and the stop flag. (Batches
    /// of 64 rows are one shard, run by the step's thread, so the order of events is fixed.) The
    /// weights are those of a run without a synchronizer, to the bit (one process: its sums leave
    /// the values as they are).
    @Test func theCompiledStepStartsTheLastLayersSumsDuringTheBackwardPass() throws {
        var rng = SeededGenerator(seed: 8)
        let x = Tensor<Float>.randomUniform([256, 8], in: -1...1, using: &rng)
        let y = Tensor<Float>(shape: [256], scalars: (0..<256).map { Float($0 % 3) })
        func train(_ synchronizer: RecordingSynchronizer?) throws -> [[Float]] {
            let model = try Sequential<Float>(inputShape: [8], seed: 1) {
                Dense(300, activation: .relu)
                BackwardProbeLayer(synchronizer?.log ?? EventLog())
                Dense(300, activation: .relu)
                Dense(3)
            }
            model.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy())
            model.gradientSynchronizer = synchronizer
            try model.fit(x, y, epochs: 1, batchSize: 64, verbose: .silent, seed: 3)
            #expect(model.compilation.hasPrefix("compiled executor"))
            return model.namedParameters().map(\.variable.value.scalars)
        }
        let synchronizer = RecordingSynchronizer()
        #expect(try train(synchronizer) == train(nil))
        let steps = synchronizer.log.events.split(separator: "finish").filter { $0.contains { $0.hasPrefix("start") } }
        #expect(steps.count == 4)
        for step in steps {
            #expect(Array(step.filter { $0 != "sum 1" }) == ["start 91203", "backward", "start 2702"])
        }
    }

    /// Validation in data-parallel `fit`: process 1 of 2 computes the odd evaluation batches alone
    /// (its sum, standing for the exchange, leaves the others at zero), so its totals are those of
    /// batch 1 — here the last 256 of 512 examples, evaluated on their own; with fewer batches than
    /// processes, every process computes all of them.
    @Test func validationBatchesAreSharedAmongTheProcesses() throws {
        var rng = SeededGenerator(seed: 8)
        let data = try TensorDataset(features: Tensor<Float>.randomUniform([512, 8], in: -1...1, using: &rng),
                                     targets: Tensor<Float>(shape: [512], scalars: (0..<512).map { Float($0 % 3) }))
        let model = try Sequential<Float>(architecture: Architecture(preset: "mlp:8-16-3"), seed: 1)
        model.compile(optimizer: Adam(), loss: .categoricalCrossEntropy(), metrics: [.accuracy, .topKAccuracy(2)])
        let configuration = try #require(model.configuration)
        func evaluate(_ indices: Range<Int>, rank: Int? = nil) -> Logs {
            model.evaluate(data, indices: Array(indices), batchSize: 256, configuration: configuration,
                           parallel: rank.map { DataParallelTraining(SingleProcessSynchronizer(rank: $0, processCount: 2)) })
        }
        #expect(evaluate(0..<512, rank: 1) == evaluate(256..<512))
        #expect(evaluate(0..<512, rank: 0) == evaluate(0..<256))
        #expect(evaluate(0..<200, rank: 1) == evaluate(0..<200))
        #expect(evaluate(0..<512) != evaluate(256..<512))
    }

    /// Metric totals survive the trip through the sums' doubles.
    @Test func metricTotalsReadBackAsWritten() {
        var accumulator = MetricAccumulator(metrics: [.accuracy, .topKAccuracy(2)], threshold: 0)
        accumulator.add(outputs: Tensor<Float>(shape: [2, 3], scalars: [1, 0, 0, 0, 0, 1]), targets: Tensor<Float>(shape: [2], scalars: [0, 1]))
        var values: [Double] = []
        accumulator.appendTotals(to: &values)
        var copy = MetricAccumulator(metrics: [.accuracy, .topKAccuracy(2)], threshold: 0)
        copy.confusion = accumulator.confusion
        copy.topKHits = accumulator.topKHits.mapValues { _ in 0 }
        var offset = 0
        copy.readTotals(values, from: &offset)
        #expect(offset == values.count)
        #expect(MetricTotals(copy) == MetricTotals(accumulator))
    }
}
