/// Errors of the training workflow: data that does not fit the model, or a model used before `compile`.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    case notCompiled
    case notBuilt
    case dataShape(expected: [Int], got: [Int], what: String)
    case labelOutOfRange(label: Double, classes: Int)
    case invalidArgument(String)
    case nonFiniteLoss(epoch: Int, batch: Int)
    /// `fit` and inference were asked to run on one model at once from different threads.
    case concurrentUse(String)
    /// `fit` stopped after a step because ``Model/requestInterruption()`` was called; the progress
    /// lets a later `fit` finish the epoch exactly.
    case interrupted(EpochProgress)

    public var description: String {
        switch self {
        case .notCompiled: "the model is not compiled: call compile(optimizer:loss:metrics:) before fit or evaluate"
        case .notBuilt: "the model has no input shape yet: pass inputShape: when creating it"
        case let .dataShape(expected, got, what):
            "\(what) of shape \(got) do not fit the model, which expects \(expected) per example"
        case let .labelOutOfRange(label, classes):
            "label \(label) is out of range for a model with \(classes) outputs (expected an integer in 0..<\(classes))"
        case .invalidArgument(let message): message
        case let .nonFiniteLoss(epoch, batch): "the loss became NaN or infinite at epoch \(epoch + 1), batch \(batch + 1); lower the learning rate"
        case .concurrentUse(let message): message
        case .interrupted(let progress): "training was interrupted after step \(progress.step) of epoch \(progress.epoch + 1)"
        }
    }
}

/// What `compile` sets: the objective, the optimiser and what to report.
public struct TrainingConfiguration {
    public var loss: Loss
    public var optimizer: Optimizer
    public var metrics: [Metric]
    public var regularization: Regularization?
    public var maxNorm: MaxNormConstraint?
}

/// A network that can be trained and evaluated the Keras way: `compile`, `fit`, `evaluate`, `predict`.
open class Model<Scalar: TensorScalar>: Layer<Scalar> {
    /// The loss, optimiser and metrics given to ``compile(optimizer:loss:metrics:regularization:maxNorm:)``.
    public private(set) var configuration: TrainingConfiguration?
    /// Set by a callback to end `fit` after the current epoch.
    public var stopTraining = false
    /// Keeps `fit` apart from concurrent `predict` and `evaluate` calls.
    let usage = ModelUsage()
    /// The seed of the running (or last) `fit`, which checkpoints record.
    var trainingSeed: UInt64 = 0

    /// Asks a running `fit` to stop after its current step and throw
    /// ``TrainingError/interrupted(_:)``. Safe to call from any thread or from a signal handler's
    /// dispatch source; a call while no `fit` runs applies to the next one.
    public func requestInterruption() { usage.requestInterruption() }

    /// Called by `fit`, at most once per call, when the training loss diverges (see
    /// ``DivergenceWarning``); prints `warning: …` to standard error unless replaced.
    public var divergenceHandler: (DivergenceWarning) -> Void = DivergenceWarning.printToStandardError

    /// The input shape of one example (no batch axis), once known.
    open var inputShape: [Int]? { nil }
    /// The output shape of one example, once known.
    open var outputShape: [Int]? { nil }

    /// Whether `fit`, `predict` and `evaluate` may use a planned, graph-free pass when the model
    /// allows one (a stack of Dense layers trained with softmax cross-entropy from logits). The maths
    /// is the same as the autodiff path; turn it off to compare the two.
    public var usesPlannedPasses = true

    /// The planned pass for this model, if its structure allows one.
    func densePlan() -> DenseNetworkPlan<Scalar>? { nil }

    /// The planned training step for `loss`, when allowed and possible.
    func plannedStep(for loss: Loss) -> DenseNetworkPlan<Scalar>? {
        guard usesPlannedPasses, case .categoricalCrossEntropy(fromLogits: true, _) = loss else { return nil }
        return densePlan()
    }

    /// Configures training (Keras `model.compile(optimizer=…, loss=…, metrics=[…])`).
    public func compile(optimizer: Optimizer, loss: Loss, metrics: [Metric] = [],
                        regularization: Regularization? = nil, maxNorm: MaxNormConstraint? = nil) {
        configuration = TrainingConfiguration(loss: loss, optimizer: optimizer, metrics: metrics,
                                              regularization: regularization, maxNorm: maxNorm)
    }

    /// Checks that a data source fits this model and its loss; the messages say what to change.
    func validate<Data: BatchProvider>(_ data: Data, what: String) throws where Data.Scalar == Scalar {
        guard let inputShape, let outputShape else { throw TrainingError.notBuilt }
        guard data.featureShape == inputShape else {
            throw TrainingError.dataShape(expected: inputShape, got: data.featureShape, what: "\(what) features")
        }
        guard data.count > 0 else { throw TrainingError.invalidArgument("\(what) has no examples") }
        guard let configuration else { return }
        let probe = data.targets(at: [0][...])
        try configuration.loss.validate(predictionShape: [probe.shape[0]] + outputShape, targetShape: probe.shape)
        if data.targetShape.isEmpty, let classes = outputShape.first {
            for start in stride(from: 0, to: data.count, by: 4096) {
                let labels = data.targets(at: Array(start..<Swift.min(start + 4096, data.count))[...]).scalars
                if let bad = Self.firstInvalidLabel(labels, classes: Swift.max(classes, 2)) {
                    throw TrainingError.labelOutOfRange(label: Double(bad), classes: Swift.max(classes, 2))
                }
            }
        }
    }

    /// The first label that is not a class index in `0..<classes`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func firstInvalidLabel(_ labels: [Scalar], classes: Int) -> Scalar? {
        labels.first { !($0 >= 0 && $0 < Scalar(classes) && $0 == $0.rounded()) }
    }

    /// The model's outputs for `x` in inference mode, computed `batchSize` examples at a time
    /// without recording gradients.
    ///
    /// A planned model (a Dense stack) takes the whole input at once, in row blocks of 64; any
    /// other model rounds `batchSize` up to a multiple of 64 rows, the row block of every product
    /// (see ``Parallelism``). Either way a prediction is the same bits whatever the batch size and
    /// the thread count. Several threads may call `predict` and `evaluate` on one model at once; `fit` on
    /// another thread meanwhile is refused with ``TrainingError/concurrentUse(_:)``.
    public func predict(_ x: Tensor<Scalar>, batchSize: Int = 256) throws -> Tensor<Scalar> {
        try inferring("predict", .inference) { try outputs(x, batchSize: batchSize) }
    }

    /// Monte-Carlo dropout prediction: the average of `samples` forward passes with dropout active
    /// (and every other layer, e.g. BatchNorm, in inference mode).
    public func predictMonteCarlo(_ x: Tensor<Scalar>, samples: Int, batchSize: Int = 256) throws -> Tensor<Scalar> {
        guard samples > 0 else { throw TrainingError.invalidArgument("predictMonteCarlo: samples must be > 0, got \(samples)") }
        return try inferring("predictMonteCarlo", .inferenceWithDropout) {
            var total = try outputs(x, batchSize: batchSize)
            for _ in 1..<samples { total += try outputs(x, batchSize: batchSize) }
            return total / Scalar(samples)
        }
    }

    /// Runs `body` as an inference call named `what`, with every layer in `mode` on this thread.
    private func inferring<R>(_ what: String, _ mode: ForwardModeOverride, _ body: () throws -> R) throws -> R {
        try usage.beginInference(what)
        defer { usage.endInference() }
        try validateParameters()
        return try ForwardMode.$override.withValue(mode, operation: body)
    }

    /// Runs `body` with the whole model in training or inference mode, then restores the mode.
    func withMode<R>(training: Bool, _ body: () throws -> R) rethrows -> R {
        let wasTraining = isTraining
        setTraining(training)
        defer { setTraining(wasTraining) }
        return try body()
    }

    /// `batchSize` rounded up to whole row blocks, so that inference batches split into the same
    /// blocks as one whole batch would.
    private static func inferenceBatchRows(_ batchSize: Int) -> Int {
        let block = Scalar.productRowBlock
        return Swift.max(1, (batchSize + block - 1) / block) * block
    }

    /// Forward passes over `x` in batches, without recording gradients.
    private func outputs(_ x: Tensor<Scalar>, batchSize: Int) throws -> Tensor<Scalar> {
        guard batchSize > 0 else { throw TrainingError.invalidArgument("predict: batchSize must be > 0, got \(batchSize)") }
        guard let inputShape else { throw TrainingError.notBuilt }
        guard x.rank >= 1, Array(x.shape.dropFirst()) == inputShape else {
            throw TrainingError.dataShape(expected: inputShape, got: x.shape, what: "inputs")
        }
        // The planned pass takes the whole input at once: it splits it into row blocks of its own,
        // with small buffers per block, and writes straight into the result.
        if usesPlannedPasses && densePlan() != nil { return inferenceOutputs(x) }
        let n = x.shape[0], size = Self.inferenceBatchRows(batchSize)
        let pieces = stride(from: 0, to: n, by: size).map { start in inferenceOutputs(x.rows(start..<Swift.min(start + size, n))) }
        return pieces.isEmpty ? Tensor.zeros([0] + (outputShape ?? [])) : Tensor.concatenate(pieces)
    }

    /// The outputs for one batch without recording a graph: through the planned pass when there is one.
    private func inferenceOutputs(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        if usesPlannedPasses, let plan = densePlan(), let width = outputShape?.first {
            return Tensor(shape: [x.shape[0], width]) { out in
                x.withUnsafeBufferPointer { plan.infer($0, rows: x.shape[0], into: out) }
            }
        }
        return withoutGradients { forward(Variable(x)).value }
    }

    /// This layer and every layer below it.
    public var allLayers: [Layer<Scalar>] {
        var result: [Layer<Scalar>] = []
        var stack: [Layer<Scalar>] = [self]
        while let layer = stack.popLast() {
            result.append(layer)
            stack.append(contentsOf: layer.namedChildren.map(\.layer).reversed())
        }
        return result
    }

    /// The loss and metrics on `x`, `y` in inference mode (Keras `evaluate`), keyed `loss`, `accuracy`, ….
    public func evaluate(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>, batchSize: Int = 256) throws -> Logs {
        try evaluate(TensorDataset(features: x, targets: y), batchSize: batchSize)
    }

    /// The loss and metrics over a data source in inference mode.
    ///
    /// Like ``predict(_:batchSize:)``, it rounds `batchSize` up to a multiple of 64 rows and may run
    /// on several threads at once.
    public func evaluate<Data: BatchProvider>(_ data: Data, batchSize: Int = 256) throws -> Logs where Data.Scalar == Scalar {
        guard let configuration else { throw TrainingError.notCompiled }
        guard batchSize > 0 else { throw TrainingError.invalidArgument("evaluate: batchSize must be > 0, got \(batchSize)") }
        try validate(data, what: "evaluation data")
        return try inferring("evaluate", .inference) {
            evaluate(data, indices: Array(0..<data.count), batchSize: batchSize, configuration: configuration)
        }
    }

    /// The loss and metrics over `indices` of `data` in inference mode.
    func evaluate<Data: BatchProvider>(_ data: Data, indices: [Int], batchSize: Int,
                                       configuration: TrainingConfiguration) -> Logs where Data.Scalar == Scalar {
        ForwardMode.$override.withValue(.inference) {
            evaluateInInferenceMode(data, indices: indices, batchSize: Self.inferenceBatchRows(batchSize), configuration: configuration)
        }
    }

    private func evaluateInInferenceMode<Data: BatchProvider>(_ data: Data, indices: [Int], batchSize: Int,
                                                              configuration: TrainingConfiguration) -> Logs where Data.Scalar == Scalar {
        var accumulator = MetricAccumulator(metrics: configuration.metrics, threshold: configuration.loss.decisionThreshold)
        var lossSum = 0.0
        for start in stride(from: 0, to: indices.count, by: batchSize) {
            let batch = indices[start..<Swift.min(start + batchSize, indices.count)]
            let (x, y) = data.batch(batch)
            let outputs = inferenceOutputs(x)
            lossSum += Double(withoutGradients { configuration.loss(Variable(outputs), y).value.scalar }) * Double(batch.count)
            accumulator.add(outputs: outputs, targets: y)
        }
        var logs = Logs([("loss", lossSum / Double(Swift.max(indices.count, 1)))])
        for metric in configuration.metrics { logs[metric.description] = accumulator.value(of: metric) }
        return logs
    }
}
