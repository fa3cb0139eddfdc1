/// What `fit` does with a ``GradientSynchronizer``: the checks and copies at the start, each
/// process's share of a batch, the sums of every step and the metric totals of every epoch.
final class DataParallelTraining<Scalar: TensorScalar> {
    let synchronizer: GradientSynchronizer
    /// Whether this process was asked to stop (``Model/requestInterruption()``); sent with the next
    /// exchange, so that all processes stop after the same step.
    var stopRequested = false
    /// Whether a process asked to stop, as the last exchange told.
    private(set) var stopAgreed = false
    /// What one exchange of the tape sends: the gradients, the values, the stop flag (reused every step).
    private var buffer: [Scalar] = []

    init(_ synchronizer: GradientSynchronizer) {
        self.synchronizer = synchronizer
    }

    /// This process's share of a global batch: a contiguous slice, the shares of processes 0, 1, …
    /// following each other (64 and 64 of 128 for two processes, as the compiled step's two shards).
    func share(of batch: ArraySlice<Int>) -> ArraySlice<Int> {
        let rank = synchronizer.rank, processes = synchronizer.processCount, start = batch.startIndex
        return batch[(start + batch.count * rank / processes)..<(start + batch.count * (rank + 1) / processes)]
    }

    /// Checks that every process runs the same training, then gives all of them process 0's
    /// parameters, buffers and optimiser state.
    /// - Throws: ``TrainingError/invalidArgument(_:)`` on every process when one disagrees with
    ///   process 0 (naming what differs), or when a batch would leave a process without examples.
    func start(_ model: Model<Scalar>, optimizer: Optimizer, examples: Int, batchSize: Int, epochs: Int,
               initialEpoch: Int, step: Int, seed: UInt64) throws {
        let processes = synchronizer.processCount
        let last = examples % batchSize == 0 ? batchSize : examples % batchSize
        guard Swift.min(batchSize, last) >= processes else {
            throw TrainingError.invalidArgument(
                "data-parallel fit: every batch needs at least one example per process; \(processes) processes, "
                + "batches of \(batchSize) and a last batch of \(last) (change the batch size)")
        }
        let parameters = model.namedParameters(), buffers = model.namedBuffers()
        let state = optimizer.stateTensors(Scalar.self)
        let architecture = (try? model.architectureJSON()) ?? model.typeName
        let facts: [(String, UInt64)] = [
            ("architecture (hash of its JSON)", Self.hash(architecture + parameters.map { "\($0.name)\($0.variable.value.shape)" }.joined())),
            ("parameter count", UInt64(parameters.reduce(0) { $0 + $1.variable.value.count })),
            ("buffer count", UInt64(buffers.reduce(0) { $0 + $1.buffer.value.count })),
            ("training examples", UInt64(examples)), ("batch size", UInt64(batchSize)), ("epochs", UInt64(epochs)),
            ("initial epoch", UInt64(initialEpoch)), ("initial step", UInt64(step)), ("seed", seed),
            ("optimizer steps", UInt64(optimizer.iterations)), ("optimizer state values", UInt64(state.reduce(0) { $0 + $1.tensor.count })),
            ("learning rate", optimizer.learningRate.bitPattern),
        ]
        // Each fact as two exact 32-bit halves; process 0's are sent to all, each compares its own.
        let mine = facts.flatMap { [Double($0.1 >> 32), Double($0.1 & 0xFFFF_FFFF)] }
        var processZero = mine
        processZero.withUnsafeMutableBufferPointer { synchronizer.broadcast($0) }
        let differences = facts.indices.filter { mine[2 * $0] != processZero[2 * $0] || mine[2 * $0 + 1] != processZero[2 * $0 + 1] }
        var disagreeing = [Double(differences.isEmpty ? 0 : 1)]
        disagreeing.withUnsafeMutableBufferPointer { synchronizer.sum($0) }
        if let first = differences.first {
            let theirs = (UInt64(processZero[2 * first]) << 32) | UInt64(processZero[2 * first + 1])
            throw TrainingError.invalidArgument(
                "data-parallel fit: process \(synchronizer.rank) disagrees with process 0 on the \(facts[first].0): "
                + "\(facts[first].1) here, \(theirs) there" + (differences.count > 1 ? " (and \(differences.count - 1) more)" : ""))
        }
        guard disagreeing[0] == 0 else {
            throw TrainingError.invalidArgument(
                "data-parallel fit: \(Int(disagreeing[0])) of \(processes) processes disagree with process 0 on the model, "
                + "the data or the options (their errors say on what)")
        }
        for (_, variable) in parameters { variable.value.withUnsafeMutableBufferPointer { synchronizer.broadcast($0) } }
        for (_, buffer) in buffers { buffer.value.withUnsafeMutableBufferPointer { synchronizer.broadcast($0) } }
        guard !state.isEmpty else { return }
        var restored: [String: Tensor<Scalar>] = [:]
        for (name, tensor) in state {
            var copy = tensor
            copy.withUnsafeMutableBufferPointer { synchronizer.broadcast($0) }
            restored[name] = copy
        }
        try optimizer.restoreState(restored, iterations: optimizer.iterations)
    }

    /// The tape's exchange: the gradients of the parameters that have one (the same on every
    /// process, which all run the same graph) and the step's values, replaced by their sums.
    func exchange(_ parameters: [(name: String, variable: Variable<Scalar>)], _ values: inout [Scalar]) {
        let parameters = parameters.filter { $0.variable.gradient != nil }
        buffer.removeAll(keepingCapacity: true)
        for (_, variable) in parameters { variable.gradient!.withUnsafeBufferPointer { buffer.append(contentsOf: $0) } }
        sumBuffer(with: &values)
        var offset = 0
        for (_, variable) in parameters {
            let count = variable.value.count
            variable.gradient = Tensor(shape: variable.value.shape, scalars: Array(buffer[offset..<(offset + count)]))
            offset += count
        }
    }

    /// Appends `values` and the stop flag to the gradients in ``buffer``, sums it all over the
    /// processes, and reads the values and the flag back.
    private func sumBuffer(with values: inout [Scalar]) {
        let start = buffer.count
        buffer.append(contentsOf: values)
        buffer.append(takeStopFlag())
        buffer.withUnsafeMutableBufferPointer { synchronizer.sum($0) }
        for index in values.indices { values[index] = buffer[start + index] }
        receiveStopFlag(buffer[buffer.count - 1])
    }

    /// What a step's sums carry for the stop request: 1 when this process asked to stop since the
    /// last step, else 0 (the request is then sent, and cleared).
    func takeStopFlag() -> Scalar {
        defer { stopRequested = false }
        return stopRequested ? 1 : 0
    }

    /// Reads the stop flags' sum over the processes: whether any of them asked to stop.
    func receiveStopFlag(_ sum: Scalar) { stopAgreed = sum > 0 }

    /// Whether this process computes the validation batch `number` (every N-th, from its rank).
    func computes(batch number: Int) -> Bool { number % synchronizer.processCount == synchronizer.rank }

    /// Replaces `values` by their sum over the processes.
    func sum(_ values: inout [Double]) {
        values.withUnsafeMutableBufferPointer { synchronizer.sum($0) }
    }

    /// Sums each output's metric totals over the processes (the loss sums, exchanged every step,
    /// are already global).
    func sumMetrics(_ totals: inout ObjectiveTotals) {
        var values: [Double] = []
        for accumulator in totals.accumulators { accumulator.appendTotals(to: &values) }
        sum(&values)
        var offset = 0
        for index in totals.accumulators.indices { totals.accumulators[index].readTotals(values, from: &offset) }
    }

    /// Keeps restored metric totals on process 0 alone: they are the sums over all processes, which
    /// ``sumMetrics(_:)`` would otherwise count once per process.
    func keepRestoredMetricsOnProcessZero(_ totals: inout ObjectiveTotals) {
        guard synchronizer.rank != 0 else { return }
        totals.accumulators = totals.accumulators.map { MetricAccumulator(metrics: $0.metrics, threshold: $0.threshold) }
    }

    /// Gives every process process 0's buffers (BatchNorm statistics, which each process updates
    /// from its own examples).
    func shareBuffers(of model: Model<Scalar>) {
        for (_, buffer) in model.namedBuffers() { buffer.value.withUnsafeMutableBufferPointer { synchronizer.broadcast($0) } }
    }

    /// FNV-1a over the UTF-8 bytes: the same on every process (Swift's `Hasher` is seeded per process).
    private static func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}

extension MetricAccumulator {
    /// Appends the totals, in a fixed order, as exact doubles (counts below 2⁵³).
    func appendTotals(to values: inout [Double]) {
        values.append(contentsOf: confusion.joined().map(Double.init))
        values.append(contentsOf: topKHits.keys.sorted().map { Double(topKHits[$0]!) })
        values.append(contentsOf: [squaredError, absoluteError, Double(elements), Double(examples)])
        values.append(contentsOf: customSums.keys.sorted().map { customSums[$0]! })
    }

    /// Reads back what ``appendTotals(to:)`` wrote, from `offset` on.
    mutating func readTotals(_ values: [Double], from offset: inout Int) {
        func next() -> Double { defer { offset += 1 }; return values[offset] }
        confusion = confusion.map { $0.map { _ in Int(next()) } }
        for key in topKHits.keys.sorted() { topKHits[key] = Int(next()) }
        (squaredError, absoluteError, elements, examples) = (next(), next(), Int(next()), Int(next()))
        for key in customSums.keys.sorted() { customSums[key] = next() }
    }
}
