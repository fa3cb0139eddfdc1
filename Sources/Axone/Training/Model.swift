/// Errors of the training workflow: data that does not fit the model, or a model used before `compile`.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    case notCompiled
    case notBuilt
    case dataShape(expected: [Int], got: [Int], what: String)
    case labelOutOfRange(label: Double, classes: Int)
    case invalidArgument(String)
    case nonFiniteLoss(epoch: Int, batch: Int)

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
    public func predict(_ x: Tensor<Scalar>, batchSize: Int = 256) throws -> Tensor<Scalar> {
        try validateParameters()
        return try withMode(training: false) { try outputs(x, batchSize: batchSize) }
    }

    /// Monte-Carlo dropout prediction: the average of `samples` forward passes with dropout active
    /// (and every other layer, e.g. BatchNorm, in inference mode).
    public func predictMonteCarlo(_ x: Tensor<Scalar>, samples: Int, batchSize: Int = 256) throws -> Tensor<Scalar> {
        guard samples > 0 else { throw TrainingError.invalidArgument("predictMonteCarlo: samples must be > 0, got \(samples)") }
        try validateParameters()
        return try withMode(training: false) {
            for dropout in allLayers.compactMap({ $0 as? Dropout<Scalar> }) { dropout.setTraining(true) }
            var total = try outputs(x, batchSize: batchSize)
            for _ in 1..<samples { total += try outputs(x, batchSize: batchSize) }
            return total / Scalar(samples)
        }
    }

    /// Runs `body` with the whole model in training or inference mode, then restores the mode.
    func withMode<R>(training: Bool, _ body: () throws -> R) rethrows -> R {
        let wasTraining = isTraining
        setTraining(training)
        defer { setTraining(wasTraining) }
        return try body()
    }

    /// Forward passes over `x` in batches, without recording gradients, in the current mode.
    private func outputs(_ x: Tensor<Scalar>, batchSize: Int) throws -> Tensor<Scalar> {
        guard let inputShape else { throw TrainingError.notBuilt }
        guard x.rank >= 1, Array(x.shape.dropFirst()) == inputShape else {
            throw TrainingError.dataShape(expected: inputShape, got: x.shape, what: "inputs")
        }
        let n = x.shape[0], size = Swift.max(batchSize, 1)
        if usesPlannedPasses, let plan = densePlan(), let width = outputShape?.first {
            // Batches are read in place and written straight into the result.
            let features = x.count / Swift.max(n, 1)
            return Tensor(shape: [n, width]) { out in
                x.withUnsafeBufferPointer { input in
                    for start in stride(from: 0, to: n, by: size) {
                        let end = Swift.min(start + size, n)
                        let y = plan.forward(UnsafeBufferPointer(rebasing: input[(start * features)..<(end * features)]), rows: end - start)
                        copyElements(from: y.baseAddress!, to: out.baseAddress! + start * width, count: y.count)
                    }
                }
            }
        }
        let pieces = stride(from: 0, to: n, by: size).map { start in inferenceOutputs(x.rows(start..<Swift.min(start + size, n))) }
        return pieces.isEmpty ? Tensor.zeros([0] + (outputShape ?? [])) : Tensor.concatenate(pieces)
    }

    /// The outputs for one batch without recording a graph: through the planned pass when there is one.
    private func inferenceOutputs(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        if usesPlannedPasses, let plan = densePlan() {
            return x.withUnsafeBufferPointer { input in
                let out = plan.forward(input, rows: x.shape[0])
                return Tensor(shape: [x.shape[0], out.count / Swift.max(x.shape[0], 1)]) {
                    copyElements(from: out.baseAddress!, to: $0.baseAddress!, count: out.count)
                }
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
    public func evaluate<Data: BatchProvider>(_ data: Data, batchSize: Int = 256) throws -> Logs where Data.Scalar == Scalar {
        guard let configuration else { throw TrainingError.notCompiled }
        guard batchSize > 0 else { throw TrainingError.invalidArgument("evaluate: batchSize must be > 0, got \(batchSize)") }
        try validate(data, what: "evaluation data")
        try validateParameters()
        return evaluate(data, indices: Array(0..<data.count), batchSize: batchSize, configuration: configuration)
    }

    func evaluate<Data: BatchProvider>(_ data: Data, indices: [Int], batchSize: Int,
                                       configuration: TrainingConfiguration) -> Logs where Data.Scalar == Scalar {
        withMode(training: false) { evaluateInCurrentMode(data, indices: indices, batchSize: batchSize, configuration: configuration) }
    }

    private func evaluateInCurrentMode<Data: BatchProvider>(_ data: Data, indices: [Int], batchSize: Int,
                                                            configuration: TrainingConfiguration) -> Logs where Data.Scalar == Scalar {
        var accumulator = MetricAccumulator(metrics: configuration.metrics)
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
