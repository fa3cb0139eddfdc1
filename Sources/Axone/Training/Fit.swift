import Foundation

/// How much `fit` prints (Keras `verbose`).
public enum Verbosity: Int, Sendable {
    /// Nothing.
    case silent = 0
    /// A live progress bar on a terminal; one line per epoch otherwise.
    case progressBar = 1
    /// One line per epoch.
    case oneLinePerEpoch = 2
}

extension Model {
    /// Trains on tensors (Keras `fit(x, y, …)`); see ``fit(_:epochs:batchSize:validationSplit:validationData:shuffle:classWeight:callbacks:verbose:seed:)``.
    @discardableResult
    public func fit(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>, epochs: Int = 1, batchSize: Int = 32,
                    validationSplit: Double = 0, validationData: (x: Tensor<Scalar>, y: Tensor<Scalar>)? = nil,
                    shuffle: Bool = true, classWeight: [Int: Double]? = nil, callbacks: [Callback<Scalar>] = [],
                    verbose: Verbosity = .progressBar, seed: UInt64 = 0, initialEpoch: Int = 0,
                    progress: EpochProgress? = nil) throws -> History {
        try fit(TensorDataset(features: x, targets: y), epochs: epochs, batchSize: batchSize,
                validationSplit: validationSplit,
                validationData: try validationData.map { try TensorDataset(features: $0.x, targets: $0.y) },
                shuffle: shuffle, classWeight: classWeight, callbacks: callbacks, verbose: verbose, seed: seed,
                initialEpoch: initialEpoch, progress: progress)
    }

    /// Trains for `epochs` passes over `data` in mini-batches of `batchSize` (the last, partial
    /// batch is kept: 1000 examples at batch 20 make 50 iterations per epoch).
    ///
    /// - Parameters:
    ///   - validationSplit: the fraction of examples held out for validation, taken from the end of
    ///     the data before any shuffling (as Keras does; see ``ValidationSplit/last(_:of:)``).
    ///   - validationData: a separate validation set (takes precedence over `validationSplit`).
    ///   - shuffle: reshuffle the training examples every epoch (seeded by `seed`).
    ///   - classWeight: a weight per class index multiplying each example's loss (Keras `class_weight`).
    ///   - seed: drives the shuffling: epoch e visits the examples in an order drawn from (seed, e)
    ///     alone, so two runs give bit-identical histories, whatever the thread count.
    ///   - initialEpoch: the epoch to start from (Keras `initial_epoch`): epochs `initialEpoch..<epochs`
    ///     run, so training resumed from a checkpoint shuffles exactly as an uninterrupted run.
    ///   - progress: where an interrupted epoch `initialEpoch` stopped (from
    ///     ``TrainingError/interrupted(_:)`` or a checkpoint): its first `progress.step` batches are
    ///     skipped and its logs continue from the saved sums, so the run ends exactly as an
    ///     uninterrupted one.
    ///
    /// The first batch loss that is NaN or infinite, or (in a run from epoch 0) more than 10× the first epoch's loss, is
    /// reported once through ``Model/divergenceHandler`` (a warning on standard error by default).
    /// - Returns: the loss, metrics and learning rate of every epoch.
    /// - Throws: ``TrainingError/interrupted(_:)`` after the step during which
    ///   ``requestInterruption()`` was called; ``TrainingError/concurrentUse(_:)`` while
    ///   `predict` or `evaluate` runs on another thread.
    @discardableResult
    public func fit<Data: BatchProvider>(
        _ data: Data, epochs: Int = 1, batchSize: Int = 32, validationSplit: Double = 0,
        validationData: Data? = nil, shuffle: Bool = true, classWeight: [Int: Double]? = nil,
        callbacks: [Callback<Scalar>] = [], verbose: Verbosity = .progressBar, seed: UInt64 = 0, initialEpoch: Int = 0,
        progress: EpochProgress? = nil
    ) throws -> History where Data.Scalar == Scalar {
        guard let configuration else { throw TrainingError.notCompiled }
        guard epochs >= 0, batchSize > 0, (0...Swift.max(epochs, 0)).contains(initialEpoch) else {
            throw TrainingError.invalidArgument(
                "fit: needs epochs ≥ 0, batchSize > 0 and 0 ≤ initialEpoch ≤ epochs, got \(epochs), \(batchSize), \(initialEpoch)")
        }
        guard (0..<1).contains(validationSplit) else {
            throw TrainingError.invalidArgument("fit: validationSplit must be in [0, 1), got \(validationSplit)")
        }
        try validate(data, what: "training data")
        if let validationData { try validate(validationData, what: "validation data") }
        try validateParameters()
        try usage.beginTraining()
        defer { usage.endTraining() }
        trainingSeed = seed

        let split = validationData == nil && validationSplit > 0
            ? try ValidationSplit.last(validationSplit, of: data.count)
            : ValidationSplit(training: Array(0..<data.count), validation: [])
        let trainIndices = split.training, validationIndices = split.validation
        var sampler = try BatchSampler(count: trainIndices.count, batchSize: batchSize, shuffles: shuffle, seed: seed)
        let parameters = trainableParameters
        let steps = sampler.batchesPerEpoch
        if let progress, progress.epoch != initialEpoch || !(0...steps).contains(progress.step) || initialEpoch == epochs {
            throw TrainingError.invalidArgument(
                "fit: the progress of epoch \(progress.epoch + 1) (step \(progress.step)) does not fit initialEpoch \(initialEpoch) of \(epochs) with \(steps) batches per epoch")
        }
        let plan = plannedStep(for: configuration.loss)
        // Callbacks may reassign a parameter: its shape is checked again after they run (the
        // plan's check is cheap; the model's walks the layers).
        func checkParametersAfterCallbacks() throws {
            guard !callbacks.isEmpty else { return }
            if let plan { try plan.validateParameters() } else { try validateParameters() }
        }
        var x = Tensor<Scalar>.zeros([0]), y = Tensor<Scalar>.zeros([0])
        var batch: [Int] = []
        var history = History()
        var divergence = DivergenceMonitor(checksGrowth: initialEpoch == 0 && progress == nil)
        let display = ProgressDisplay(verbosity: verbose, epochs: epochs, steps: steps)
        stopTraining = false

        let wasTraining = isTraining
        setTraining(true)
        defer { setTraining(wasTraining) }
        for callback in callbacks { try callback.trainingWillBegin(model: self) }
        for epoch in initialEpoch..<epochs where !stopTraining {
            for callback in callbacks { try callback.epochWillBegin(epoch, model: self) }
            try checkParametersAfterCallbacks()
            try configuration.optimizer.validate()
            sampler.generator = SeededGenerator(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
            let batches = sampler.nextEpoch()
            let start = DispatchTime.now()
            var accumulator = MetricAccumulator(metrics: configuration.metrics, threshold: configuration.loss.decisionThreshold)
            var lossSum = 0.0
            let resumed = progress.flatMap { $0.epoch == epoch ? $0 : nil }
            if let resumed {
                lossSum = resumed.lossSum
                accumulator.restore(resumed.metrics)
            }
            for (step, positions) in batches.enumerated().dropFirst(resumed?.step ?? 0) {
                batch.removeAll(keepingCapacity: true)
                for position in positions { batch.append(trainIndices[position]) }
                data.batch(batch[...], features: &x, targets: &y)
                let weights = classWeight.map { Model.sampleWeights(for: y, classWeight: $0) }
                let (loss, outputs) = try trainStep(x, y, sampleWeights: weights, plan: plan,
                                                    configuration: configuration, parameters: parameters)
                configuration.maxNorm?.apply(to: parameters)
                let value = Double(loss)
                if let warning = divergence.check(loss: value, epoch: epoch, step: step, nonFiniteLayer: { firstNonFiniteLayer(x) }) {
                    divergenceHandler(warning)
                }
                lossSum += value * Double(batch.count)
                accumulator.add(outputs: outputs, targets: y)
                if !callbacks.isEmpty {
                    let batchLogs = Logs([("loss", value)])
                    for callback in callbacks { try callback.batchDidEnd(step, logs: batchLogs, model: self) }
                    try checkParametersAfterCallbacks()
                }
                display.batchDidEnd(epoch: epoch, step: step, loss: lossSum / Double((step * batchSize) + batch.count))
                if usage.takeInterruption() {
                    throw TrainingError.interrupted(EpochProgress(epoch: epoch, step: step + 1, lossSum: lossSum, metrics: accumulator))
                }
            }
            var logs = Logs([("loss", lossSum / Double(trainIndices.count))])
            divergence.epochDidEnd(loss: logs["loss"]!)
            for metric in configuration.metrics { logs[metric.description] = accumulator.value(of: metric) }
            if validationData != nil || !validationIndices.isEmpty {
                try validateParameters()
                let validation = validationData.map {
                    evaluate($0, indices: Array(0..<$0.count), batchSize: Swift.max(batchSize, 256), configuration: configuration)
                } ?? evaluate(data, indices: validationIndices, batchSize: Swift.max(batchSize, 256), configuration: configuration)
                for (key, value) in validation.entries { logs["val_\(key)"] = value }
            }
            logs["lr"] = configuration.optimizer.learningRate
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            for callback in callbacks { try callback.epochDidEnd(epoch, logs: logs, model: self) }
            history.append(epoch: epoch, logs: logs.entries)
            display.epochDidEnd(epoch: epoch, seconds: seconds, logs: logs)
        }
        for callback in callbacks { try callback.trainingDidEnd(model: self) }
        return history
    }

    /// One optimisation step on a batch: the planned graph-free step when the model has one,
    /// otherwise forward, backward through the recorded graph, and the optimiser.
    private func trainStep(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>, sampleWeights: Tensor<Scalar>?,
                           plan: DenseNetworkPlan<Scalar>?, configuration: TrainingConfiguration,
                           parameters: [(name: String, variable: Variable<Scalar>)]) throws -> (loss: Scalar, outputs: Tensor<Scalar>) {
        if let plan, case let .categoricalCrossEntropy(_, smoothing) = configuration.loss {
            return x.withUnsafeBufferPointer {
                plan.trainStep($0, rows: x.shape[0], targets: y, smoothing: Scalar(smoothing), sampleWeights: sampleWeights,
                               optimizer: configuration.optimizer, regularization: configuration.regularization)
            }
        }
        let outputs = forward(Variable(x))
        var loss = configuration.loss(outputs, y, sampleWeights: sampleWeights)
        if let penalty = configuration.regularization?.penalty(parameters) { loss = loss + penalty }
        zeroGradients()
        try loss.backward()
        configuration.optimizer.step(parameters)
        return (loss.value.scalar, outputs.value)
    }

    /// Per-example weights from class weights (classes without a weight count 1).
    static func sampleWeights(for targets: Tensor<Scalar>, classWeight: [Int: Double]) -> Tensor<Scalar> {
        let labels = targets.rank == 2 && targets.shape[1] > 1 ? targets.argmaxRows() : targets.scalars.map { Int($0) }
        return Tensor(shape: [labels.count], scalars: labels.map { Scalar(classWeight[$0] ?? 1) })
    }
}
