import Foundation

/// How much `fit` prints (Keras `verbose`).
public enum Verbosity: Int, Sendable {
    /// Nothing.
    case silent = 0
    /// A live progress bar on a terminal; one line per epoch otherwise.
    case progressBar = 1
    /// One line per epoch.
    case oneLinePerEpoch = 2
    /// A live progress bar on a terminal, erased when training ends; nothing otherwise. For fits
    /// inside a program that prints results of its own (the experiments, `axone plot boundary`).
    case progressBarOnly = 3
}

extension Model {
    /// Trains on tensors (Keras `fit(x, y, …)`); see ``fit(_:epochs:batchSize:validationSplit:validationData:shuffle:classWeight:callbacks:verbose:seed:initialEpoch:progress:)``.
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

    /// Trains a model with several inputs or outputs on one tensor per input and one per output
    /// (Keras `fit([x1, x2], [y1, y2], …)`); the logs name each output's loss and metrics
    /// (`classes_loss`, `val_groups_accuracy`). See
    /// ``fit(_:epochs:batchSize:validationSplit:validationData:shuffle:classWeight:callbacks:verbose:seed:initialEpoch:progress:)``.
    @discardableResult
    public func fit(_ x: [Tensor<Scalar>], _ y: [Tensor<Scalar>], epochs: Int = 1, batchSize: Int = 32,
                    validationSplit: Double = 0, validationData: (x: [Tensor<Scalar>], y: [Tensor<Scalar>])? = nil,
                    shuffle: Bool = true, callbacks: [Callback<Scalar>] = [], verbose: Verbosity = .progressBar,
                    seed: UInt64 = 0, initialEpoch: Int = 0, progress: EpochProgress? = nil) throws -> History {
        try fit(MultiTensorDataset(inputs: x, targets: y), epochs: epochs, batchSize: batchSize, validationSplit: validationSplit,
                validationData: try validationData.map { try MultiTensorDataset(inputs: $0.x, targets: $0.y) },
                shuffle: shuffle, callbacks: callbacks, verbose: verbose, seed: seed, initialEpoch: initialEpoch, progress: progress)
    }

    /// Trains for `epochs` passes over `data` in mini-batches of `batchSize` (the last, partial
    /// batch is kept: 1000 examples at batch 20 make 50 iterations per epoch).
    ///
    /// - Parameters:
    ///   - data: the training examples: a ``TensorDataset``, ``LabeledImages``, ``MultiTensorDataset``
    ///     or any other ``BatchProvider``.
    ///   - epochs: the number of passes over `data`.
    ///   - batchSize: the number of examples per gradient step.
    ///   - validationSplit: the fraction of examples held out for validation, taken from the end of
    ///     the data before any shuffling (as Keras does; see ``ValidationSplit/last(_:of:)``).
    ///   - validationData: a separate validation set, of any provider type (e.g. the plain images
    ///     when `data` serves them augmented); it takes precedence over `validationSplit`.
    ///   - shuffle: reshuffle the training examples every epoch (seeded by `seed`).
    ///   - classWeight: a weight per class index multiplying each example's loss (Keras `class_weight`).
    ///   - callbacks: called when training begins and ends, when each epoch begins and ends, and
    ///     after each batch
    ///     (``EarlyStopping``, ``ModelCheckpoint``, ``CSVLogger``, …).
    ///   - verbose: how much is printed (``Verbosity``).
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
        validationData: (any BatchProvider<Scalar>)? = nil, shuffle: Bool = true, classWeight: [Int: Double]? = nil,
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
        if let required = requiredBatchSize {
            let validationCount = validationData?.count ?? validationIndices.count
            guard gradientSynchronizer == nil else {
                throw TrainingError.invalidArgument("fit: \(displayName) computes batches of exactly \(required) examples (a layer "
                                                    + "needs that batch size); data-parallel training splits each batch over the processes")
            }
            guard batchSize == required, trainIndices.count % required == 0, validationCount % required == 0 else {
                throw TrainingError.invalidArgument(
                    "fit: \(displayName) computes batches of exactly \(required) examples (a layer needs that batch size); got batchSize "
                    + "\(batchSize), \(trainIndices.count) training and \(validationCount) validation examples")
            }
        }
        var sampler = try BatchSampler(count: trainIndices.count, batchSize: batchSize, shuffles: shuffle, seed: seed)
        let parallel = gradientSynchronizer.map(DataParallelTraining<Scalar>.init)
        try parallel?.start(self, optimizer: configuration.optimizer, examples: trainIndices.count, batchSize: batchSize,
                            epochs: epochs, initialEpoch: initialEpoch, step: progress?.step ?? 0, seed: seed)
        let parameters = trainableParameters
        let steps = sampler.batchesPerEpoch
        if let progress, (progress.outputs?.count ?? 1) != configuration.objectives.count {
            throw TrainingError.invalidArgument(
                "fit: the progress was saved for \(progress.outputs?.count ?? 1) outputs; \(displayName) has \(configuration.objectives.count)")
        }
        if let progress, progress.epoch != initialEpoch || !(0...steps).contains(progress.step) || initialEpoch == epochs {
            throw TrainingError.invalidArgument(
                "fit: the progress of epoch \(progress.epoch + 1) (step \(progress.step)) does not fit initialEpoch \(initialEpoch) of \(epochs) with \(steps) batches per epoch")
        }
        guard classWeight == nil || configuration.objectives.count == 1 else {
            throw TrainingError.invalidArgument("fit: classWeight applies to a model with one output; \(displayName) has \(configuration.objectives.count)")
        }
        var executor = executor(training: true)
        // Callbacks may assign a parameter's value: its shape is checked again after they run (the
        // executor's check is cheap; the model's walks the layers). A parameter variable replaced
        // by a callback is picked up by the executor at the next epoch.
        func checkParametersAfterCallbacks(epochBegins: Bool = false) throws {
            guard !callbacks.isEmpty else { return }
            if epochBegins { executor = self.executor(training: true) }
            // The model's check names the layer and the parameter.
            if executor?.parametersKeepTheirShapes() != true { try validateParameters() }
        }
        // Reused every step, so that a step allocates nothing for them.
        var inputs: [Tensor<Scalar>] = [], targets: [Tensor<Scalar>] = []
        var outputs: [Tensor<Scalar>] = [], outputLosses: [Double] = []
        var batch: [Int] = [], nextBatch: [Int] = []
        /// Writes into `indices` the examples of the batch at `positions` (in data-parallel
        /// training, this process's share of it).
        func select(_ positions: ArraySlice<Int>, into indices: inout [Int]) {
            let share = parallel.map { $0.share(of: positions) } ?? positions
            // A plain loop over the buffers: a lazy map through this generic function calls a
            // closure per element (2.5 µs a step of two 128-example batches).
            indices.removeAll(keepingCapacity: true)
            indices.append(contentsOf: repeatElement(0, count: share.count))
            trainIndices.withUnsafeBufferPointer { all in
                share.withUnsafeBufferPointer { share in
                    indices.withUnsafeMutableBufferPointer { indices in
                        for i in share.indices { indices[i] = all[share[i]] }
                    }
                }
            }
        }
        var batchLogs = Logs([("loss", 0)])
        var history = History()
        var divergence = DivergenceMonitor(checksGrowth: initialEpoch == 0 && progress == nil)
        let display = ProgressDisplay(verbosity: parallel?.synchronizer.writesFiles == false ? .silent : verbose,
                                      epochs: epochs, steps: steps)
        defer { display.trainingDidEnd() }
        stopTraining = false

        let wasTraining = isTraining
        setTraining(true)
        defer { setTraining(wasTraining) }
        for callback in callbacks { try callback.trainingWillBegin(model: self) }
        for epoch in initialEpoch..<epochs where !stopTraining {
            for callback in callbacks { try callback.epochWillBegin(epoch, model: self) }
            try checkParametersAfterCallbacks(epochBegins: true)
            try configuration.optimizer.validate()
            sampler.generator = SeededGenerator(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
            let batches = sampler.nextEpoch()
            let start = DispatchTime.now()
            var totals = ObjectiveTotals(configuration.objectives)
            let resumed = progress.flatMap { $0.epoch == epoch ? $0 : nil }
            if let resumed {
                totals.restore(resumed, examples: resumed.step * batchSize)
                parallel?.keepRestoredMetricsOnProcessZero(&totals)
            }
            for (step, positions) in batches.enumerated().dropFirst(resumed?.step ?? 0) {
                let profiler = trainingProfiler
                profiler?.beginStep()
                select(positions, into: &batch)
                data.batch(batch[...], inputs: &inputs, targets: &targets)
                // The next batch is announced while this one trains (its examples may be read meanwhile).
                if step + 1 < batches.endIndex {
                    select(batches[step + 1], into: &nextBatch)
                    data.prefetch(nextBatch[...])
                }
                profiler?.lap(.batch)
                let weights = classWeight.map { Model.sampleWeights(for: targets[0], classWeight: $0) }
                if let parallel { parallel.stopRequested = usage.takeInterruption() }
                let loss = try trainStep(inputs, targets, sampleWeights: weights, executor: executor, configuration: configuration,
                                         parameters: parameters, parallel: parallel.map { (rows: positions.count, training: $0) },
                                         profiler: profiler, outputs: &outputs, outputLosses: &outputLosses)
                configuration.maxNorm?.apply(to: parameters)
                let value = Double(loss)
                if let warning = divergence.check(loss: value, epoch: epoch, step: step,
                                                  nonFiniteLayer: { firstNonFiniteLayer(inputs) }) {
                    divergenceHandler(warning)
                }
                totals.add(loss: value, outputLosses: outputLosses, outputs: outputs, targets: targets, count: positions.count)
                // Let go of the outputs, which may share the compiled step's buffers: kept until the
                // next step, they would make it copy them.
                outputs.removeAll(keepingCapacity: true)
                if !callbacks.isEmpty {
                    batchLogs["loss"] = value
                    for callback in callbacks { try callback.batchDidEnd(step, logs: batchLogs, model: self) }
                    try checkParametersAfterCallbacks()
                }
                display.batchDidEnd(epoch: epoch, step: step, loss: totals.meanLoss)
                profiler?.endStep()
                if parallel?.stopAgreed ?? usage.takeInterruption() {
                    parallel?.sumMetrics(&totals)
                    throw TrainingError.interrupted(EpochProgress(epoch: epoch, step: step + 1, totals: totals))
                }
            }
            if let parallel {
                parallel.sumMetrics(&totals)
                parallel.shareBuffers(of: self)
            }
            var logs = totals.logs
            divergence.epochDidEnd(loss: totals.meanLoss)
            if validationData != nil || !validationIndices.isEmpty {
                try validateParameters()
                let validation = validationData.map {
                    evaluate($0, indices: Array(0..<$0.count), batchSize: Swift.max(batchSize, 256), configuration: configuration,
                             parallel: parallel)
                } ?? evaluate(data, indices: validationIndices, batchSize: Swift.max(batchSize, 256), configuration: configuration,
                              parallel: parallel)
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

    /// One optimisation step on a batch: the compiled step when the model and its losses have
    /// one, otherwise forward, backward through the recorded graph, and the optimiser. Appends the
    /// outputs to `outputs` (left empty by the caller) and writes, for several outputs, each
    /// output's loss; returns the total loss.
    ///
    /// In data-parallel training the batch is this process's share of a global batch of
    /// `parallel.rows`: each loss is weighted by the share's fraction of it, and the gradients and
    /// losses summed over the processes, before the update.
    private func trainStep(_ inputs: [Tensor<Scalar>], _ targets: [Tensor<Scalar>], sampleWeights: Tensor<Scalar>?,
                           executor: CompiledModel<Scalar>?, configuration: TrainingConfiguration,
                           parameters: [(name: String, variable: Variable<Scalar>)],
                           parallel: (rows: Int, training: DataParallelTraining<Scalar>)?, profiler: TrainingProfiler?,
                           outputs: inout [Tensor<Scalar>], outputLosses: inout [Double]) throws -> Scalar {
        if let executor, let (loss, results) = executor.trainStep(inputs, targets, sampleWeights: sampleWeights,
                                                                  configuration: configuration, parallel: parallel,
                                                                  profiler: profiler, outputLosses: &outputLosses) {
            outputs.append(contentsOf: results)
            return loss
        }
        let results = forward(inputs.map { Variable($0) })
        let objectives = configuration.objectives
        let share = parallel.map { Scalar(inputs[0].shape[0]) / Scalar($0.rows) }
        let losses = objectives.indices.map { index in
            let loss = objectives[index].loss(results[index], targets[index], sampleWeights: sampleWeights)
            return share.map { loss * $0 } ?? loss
        }
        var loss = objectives.count == 1 ? losses[0]
            : zip(objectives, losses).map { Scalar($0.weight) * $1 }.dropFirst().reduce(Scalar(objectives[0].weight) * losses[0], +)
        if let penalty = configuration.regularization?.penalty(parameters) { loss = loss + (share.map { penalty * $0 } ?? penalty) }
        zeroGradients()
        try loss.backward()
        profiler?.lap(.forwardBackward)
        var values = [loss.value.scalar] + (objectives.count == 1 ? [] : losses.map { $0.value.scalar })
        parallel?.training.exchange(parameters, &values)
        configuration.optimizer.step(parameters)
        profiler?.lap(.update)
        outputs.append(contentsOf: results.lazy.map(\.value))
        outputLosses = values.dropFirst().map { Double($0) }
        return values[0]
    }

    /// Per-example weights from class weights (classes without a weight count 1).
    static func sampleWeights(for targets: Tensor<Scalar>, classWeight: [Int: Double]) -> Tensor<Scalar> {
        let labels = targets.rank == 2 && targets.shape[1] > 1 ? targets.argmaxRows() : targets.scalars.map { Int($0) }
        return Tensor(shape: [labels.count], scalars: labels.map { Scalar(classWeight[$0] ?? 1) })
    }
}
