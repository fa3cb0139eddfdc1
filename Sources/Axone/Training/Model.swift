import Foundation

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

/// What `compile` sets: the objective of each output, the optimiser and the constraints.
public struct TrainingConfiguration {
    /// One per model output, in the order of the outputs.
    public var objectives: [OutputObjective]
    /// The optimiser that updates the trainable parameters.
    public var optimizer: Optimizer
    /// The L1/L2 penalties added to the loss, if any.
    public var regularization: Regularization?
    /// The bound on each unit's incoming weight norm applied after each update, if any.
    public var maxNorm: MaxNormConstraint?

    /// The loss of the first output (the only one of most models).
    public var loss: Loss { objectives[0].loss }
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

    /// Makes `fit` train data-parallel with the other processes it connects (see ``GradientSynchronizer``).
    public var gradientSynchronizer: GradientSynchronizer?

    /// Set to a ``TrainingProfiler`` to have `fit` record where its training steps' time goes;
    /// `nil` (the default) records nothing.
    public var trainingProfiler: TrainingProfiler?

    /// The graph of layer calls of a model made with ``init(inputs:outputs:name:)``.
    let graph: LayerGraph<Scalar>?

    /// Creates a model without a graph, for subclasses that define ``forward(_:)->Variable<Scalar>`` themselves.
    public override init(name: String? = nil) {
        graph = nil
        super.init(name: name)
    }

    /// Creates a model from the graph of layer calls between symbolic inputs and outputs (Keras
    /// `Model(inputs=…, outputs=…)`): several inputs and outputs, layers called more than once
    /// (sharing their weights) and models called as layers.
    ///
    /// ```swift
    /// let inputs = Input<Float>(shape: [784])
    /// let trunk = try Dense(128, activation: .relu)(inputs)
    /// let classes = try Dense(10, name: "classes")(trunk)
    /// let groups = try Dense(4, name: "groups")(trunk)
    /// let model = try Model(inputs: [inputs], outputs: [classes, groups])
    /// ```
    /// Its parameters are named `layers.<index>.<property>`, layers numbered in the order of their
    /// first call, as in a ``Sequential``.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` when an output depends on an input
    ///   not listed, or two layers have the same name.
    public init(inputs: [SymbolicTensor<Scalar>], outputs: [SymbolicTensor<Scalar>], name: String? = nil) throws {
        graph = try LayerGraph(inputs: inputs, outputs: outputs, modelName: name ?? "functional")
        super.init(name: name)
    }

    /// Creates a model with one input and one output (see ``init(inputs:outputs:name:)``).
    public convenience init(inputs: SymbolicTensor<Scalar>, outputs: SymbolicTensor<Scalar>, name: String? = nil) throws {
        try self.init(inputs: [inputs], outputs: [outputs], name: name)
    }

    /// A Keras-style table of the layers: `Layer (type) | Output Shape | Param #` (and, for a
    /// graph model, `Connected to`: the tensors each call read, as `layer[call][output]`), then the
    /// total, trainable and non-trainable parameter counts (BatchNorm running statistics and
    /// frozen layers count as non-trainable). ``Architecture/summary(name:)`` prints a
    /// ``Sequential``'s table without creating the weights. A last line says whether training
    /// runs on the compiled executor or on the eager tape, and why (``Model/compilation``).
    open func summary() -> String { graphSummary + compilationLine }

    /// The line after the summary table: how the model trains (``compilation``).
    var compilationLine: String { "\n Training runs on: \(compilation)" }

    /// The architecture as stored in model files (`axone.architecture`): a ``GraphArchitecture``
    /// for a graph model, an ``Architecture`` for a ``Sequential``.
    /// - Throws: ``TrainingError/notBuilt`` when the model's shapes are unknown,
    ///   ``LayerError/invalidArgument(layer:message:)`` for a model that has no architecture.
    open func architectureJSON() throws -> String { try graphArchitecture().encodedJSON() }

    /// A graph model is written in architecture files as its graph.
    open override var specification: LayerSpecification {
        var specification = super.specification
        if graph != nil { specification.graph = try? graphArchitecture() }
        return specification
    }

    /// `Functional` for a graph model (as Keras names it), else the class name.
    open override var typeName: String { graph == nil ? super.typeName : "Functional" }

    /// The symbolic inputs (Keras `model.inputs`): a graph model's, or a built ``Sequential``'s
    /// one input; empty for other models. New layers called on ``outputs`` extend the model's
    /// graph, and `Model(inputs: model.inputs, outputs: …)` makes the extended model.
    open var inputs: [SymbolicTensor<Scalar>] { graph?.inputs ?? [] }
    /// The symbolic outputs (Keras `model.outputs`); see ``inputs``.
    open var outputs: [SymbolicTensor<Scalar>] { graph?.outputs ?? [] }

    /// The names of the layers, as ``summary()`` prints them: a graph's unique names in the order
    /// of first call, a ``Sequential``'s Keras-style names (`dense`, `dense_1`, …).
    public var layerNames: [String] {
        if let graph { return graph.layers.map(graph.name(of:)) }
        if let chain = chainLayers { return autoNames(chain.map { ($0.name, $0.typeName) }) }
        return namedChildren.map(\.name)
    }

    /// The layer named `name` (Keras `get_layer`), e.g. to freeze it: `try model.layer(named: "dense").isTrainable = false`.
    /// - Throws: ``LayerError/unknownName(kind:name:known:)`` listing the model's layer names.
    public func layer(named name: String) throws -> Layer<Scalar> {
        let names = layerNames, layers = graph?.layers ?? chainLayers ?? namedChildren.map(\.layer)
        guard let index = names.firstIndex(of: name) else { throw LayerError.unknownName(kind: "layer", name: name, known: names) }
        return layers[index]
    }

    /// The one symbolic input (Keras `model.input`).
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` unless the model has exactly one input.
    public func input() throws -> SymbolicTensor<Scalar> { try only(inputs, "input") }
    /// The one symbolic output (Keras `model.output`).
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` unless the model has exactly one output.
    public func output() throws -> SymbolicTensor<Scalar> { try only(outputs, "output") }

    private func only(_ tensors: [SymbolicTensor<Scalar>], _ what: String) throws -> SymbolicTensor<Scalar> {
        guard tensors.count == 1 else {
            throw LayerError.invalidArgument(layer: displayName, message: tensors.isEmpty
                ? "has no symbolic \(what) (a Sequential needs an input shape, a model a graph)"
                : "has \(tensors.count) \(what)s; use \(what)s")
        }
        return tensors[0]
    }

    /// The input shape of one example (no batch axis), once known; `nil` for a graph with several inputs.
    open var inputShape: [Int]? { graph.flatMap { $0.inputs.count == 1 ? $0.inputs[0].shape : nil } }
    /// The output shape of one example, once known; `nil` for a graph with several outputs.
    open var outputShape: [Int]? { graph.flatMap { $0.outputs.count == 1 ? $0.outputs[0].shape : nil } }

    /// A graph model's layers are `layers.0`, `layers.1`, … in the order of their first call.
    open override var namedChildren: [(name: String, layer: Layer<Scalar>)] {
        guard let graph else { return super.namedChildren }
        return graph.layers.enumerated().map { ("layers.\($0.offset)", $0.element) }
    }

    /// For a graph model called as a layer: checks that the inputs have the model's input shapes.
    open override func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [[Int]] {
        guard let graph else { return try super.build(inputShapes: inputShapes, generator: &generator) }
        let expected = graph.inputs.map(\.shape)
        guard inputShapes == expected else {
            throw LayerError.invalidArgument(layer: displayName, message: "takes inputs of shapes \(expected), got \(inputShapes)")
        }
        return graph.outputs.map(\.shape)
    }

    open override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard graph != nil else { return try super.build(inputShape: inputShape, generator: &generator) }
        let shapes = try build(inputShapes: [inputShape], generator: &generator)
        guard shapes.count == 1 else {
            throw LayerError.invalidArgument(layer: displayName, message: "has \(shapes.count) outputs; call it on symbolic tensors")
        }
        return shapes[0]
    }

    /// A graph model is traceable when its layers are (the executor checks each of them); a
    /// subclass with a forward pass of its own is not, unless it says so.
    open override var isTraceable: Bool { graph != nil }

    /// The batch size a layer of the model requires (see ``Layer/requiredBatchSize``), if any:
    /// `predict` and `evaluate` then feed batches of exactly that size, without the compiled
    /// executor (which splits batches into row blocks), and `fit` takes only that batch size.
    open override var requiredBatchSize: Int? { firstRequiredBatchSize() }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func firstRequiredBatchSize() -> Int? {
        for child in children { if let size = child.requiredBatchSize { return size } }
        return nil
    }

    /// The rows of each inference batch for `count` examples: whole row blocks of about
    /// `batchSize` (see ``inferenceBatchRows(_:)``), or the required batch size, which must divide `count`.
    private func inferenceRows(_ batchSize: Int, count: Int, what: String) throws -> Int {
        guard let required = requiredBatchSize else { return Self.inferenceBatchRows(batchSize) }
        guard count % required == 0 else {
            throw TrainingError.invalidArgument("\(what): \(displayName) computes batches of exactly \(required) examples "
                                                + "(a layer needs that batch size); got \(count) examples")
        }
        return required
    }

    open override func forward(_ inputs: [Variable<Scalar>]) -> [Variable<Scalar>] {
        graph?.evaluate(inputs) ?? super.forward(inputs)
    }

    open override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        guard let graph else { return super.forward(input) }
        precondition(graph.inputs.count == 1 && graph.outputs.count == 1,
                     "\(displayName) has \(graph.inputs.count) inputs and \(graph.outputs.count) outputs: use forward(_: [Variable])")
        return graph.evaluate([input])[0]
    }

    /// Whether `fit`, `predict` and `evaluate` may run on the compiled executor when the model
    /// allows it (see ``compilation``). The maths is the same as the eager tape's; turn it off to
    /// compare the two.
    public var usesCompiledPasses = true {
        didSet { executors.removeAll() }
    }

    /// The compiled executors (training and inference), made on first use.
    let executors = ExecutorCache<Scalar>()

    /// The layers in order when the model is a chain (one input, one output, each layer called
    /// once on the previous one's output): a ``Sequential``, or a graph of that shape.
    var chainLayers: [Layer<Scalar>]? {
        guard let graph, graph.inputs.count == 1, graph.outputs.count == 1 else { return nil }
        var previous = graph.inputs[0].node
        for node in graph.nodes.dropFirst() {
            guard node.inputs.count == 1, node.inputs[0].node === previous, node.inputs[0].index == 0,
                  node.outputShapes.count == 1 else { return nil }
            previous = node
        }
        guard graph.outputs[0].node === previous, graph.layers.count == graph.nodes.count - 1 else { return nil }
        return graph.layers
    }

    /// Configures training (Keras `model.compile(optimizer=…, loss=…, metrics=[…])`). A model with
    /// several outputs trains each with `loss` and reports `metrics` for each, the total loss being
    /// their sum.
    public func compile(optimizer: Optimizer, loss: Loss, metrics: [Metric] = [],
                        regularization: Regularization? = nil, maxNorm: MaxNormConstraint? = nil) {
        configuration = TrainingConfiguration(objectives: outputNames.map { OutputObjective(name: $0, loss: loss, metrics: metrics) },
                                              optimizer: optimizer, regularization: regularization, maxNorm: maxNorm)
    }

    /// Configures training with a loss, a loss weight and metrics per output, keyed by output name
    /// (Keras `compile(loss={"classes": …, "groups": …}, loss_weights={…}, metrics={…})`): the
    /// total loss is `Σ weight · loss`, weights defaulting to 1.
    /// - Throws: ``TrainingError/invalidArgument(_:)`` when an output has no loss, or a key names no output.
    public func compile(optimizer: Optimizer, losses: [String: Loss], lossWeights: [String: Double] = [:],
                        metrics: [String: [Metric]] = [:], regularization: Regularization? = nil,
                        maxNorm: MaxNormConstraint? = nil) throws {
        let names = outputNames
        for key in Set(losses.keys).union(lossWeights.keys).union(metrics.keys) where !names.contains(key) {
            throw TrainingError.invalidArgument("compile: '\(key)' is not an output of \(displayName); its outputs are \(names)")
        }
        let objectives = try names.map { name in
            guard let loss = losses[name] else { throw TrainingError.invalidArgument("compile: the output '\(name)' has no loss") }
            let weight = lossWeights[name] ?? 1
            guard weight.isFinite, weight >= 0 else {
                throw TrainingError.invalidArgument("compile: the loss weight of '\(name)' must be finite and ≥ 0, got \(weight)")
            }
            return OutputObjective(name: name, loss: loss, weight: weight, metrics: metrics[name] ?? [])
        }
        configuration = TrainingConfiguration(objectives: objectives, optimizer: optimizer, regularization: regularization, maxNorm: maxNorm)
    }

    /// The names of the outputs, as the logs use them: the name of the layer giving each (with
    /// `_<n>` added when one layer gives several); `["output"]` for a model that is not a graph.
    public var outputNames: [String] {
        guard let graph else { return ["output"] }
        // The first output of a layer keeps the layer's name; another gets the first `_<n>` that
        // is neither a layer's name nor taken.
        let layerNames = Set(graph.names.values)
        var taken: Set<String> = []
        return graph.outputs.map { output in
            let base = graph.name(of: output.node.layer)
            if taken.insert(base).inserted { return base }
            var n = 1
            while taken.contains("\(base)_\(n)") || layerNames.contains("\(base)_\(n)") { n += 1 }
            taken.insert("\(base)_\(n)")
            return "\(base)_\(n)"
        }
    }

    /// The shape of one example of each input, once known.
    var exampleInputShapes: [[Int]]? { graph.map { $0.inputs.map { $0.shape } } ?? inputShape.map { [$0] } }
    /// The shape of one example of each output, once known.
    var exampleOutputShapes: [[Int]]? { graph.map { $0.outputs.map { $0.shape } } ?? outputShape.map { [$0] } }

    /// Checks that a data source fits this model and its losses; the messages say what to change.
    func validate<Data: BatchProvider>(_ data: Data, what: String) throws where Data.Scalar == Scalar {
        guard let inputShapes = exampleInputShapes, let outputShapes = exampleOutputShapes else { throw TrainingError.notBuilt }
        guard data.inputShapes == inputShapes else {
            if inputShapes.count == 1 && data.inputShapes.count == 1 {
                throw TrainingError.dataShape(expected: inputShapes[0], got: data.inputShapes[0], what: "\(what) features")
            }
            throw TrainingError.invalidArgument("\(what) has inputs of shapes \(data.inputShapes) per example; \(displayName) takes \(inputShapes)")
        }
        guard data.count > 0 else { throw TrainingError.invalidArgument("\(what) has no examples") }
        guard let configuration else { return }
        guard data.targetShapes.count == outputShapes.count else {
            throw TrainingError.invalidArgument("\(what) has \(data.targetShapes.count) target tensors; \(displayName) has \(outputShapes.count) outputs \(outputNames)")
        }
        let probes = data.targetList(at: [0][...])
        for (objective, (probe, shape)) in zip(configuration.objectives, zip(probes, outputShapes)) {
            try objective.loss.validate(predictionShape: [probe.shape[0]] + shape, targetShape: probe.shape)
        }
        let labelled = data.targetShapes.indices.filter { data.targetShapes[$0].isEmpty }
        guard !labelled.isEmpty else { return }
        for start in stride(from: 0, to: data.count, by: 4096) {
            let targets = data.targetList(at: Array(start..<Swift.min(start + 4096, data.count))[...])
            for index in labelled {
                let classes = Swift.max(outputShapes[index].first ?? 1, 2)
                if let bad = Self.firstInvalidLabel(targets[index].scalars, classes: classes) {
                    throw TrainingError.labelOutOfRange(label: Double(bad), classes: classes)
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
    /// A compiled model takes the whole input at once, in row blocks of up to 256 (fewer where a
    /// block's largest activation would pass 2 MiB: 16 images for the 2-conv network); any other
    /// model rounds `batchSize` up to a multiple of 256 rows, whole row blocks of every product (64
    /// rows, see ``Parallelism``). Either way a prediction is the same bits whatever the batch size and
    /// the thread count. Several threads may call `predict` and `evaluate` on one model at once; `fit` on
    /// another thread meanwhile is refused with ``TrainingError/concurrentUse(_:)``.
    /// - Throws: ``TrainingError/invalidArgument(_:)`` for a model with several inputs or outputs
    ///   (pass a list of tensors instead), ``TrainingError/dataShape(expected:got:what:)``
    ///   when `x` does not fit the model.
    public func predict(_ x: Tensor<Scalar>, batchSize: Int = 256) throws -> Tensor<Scalar> {
        try requireOneInputAndOutput("predict")
        return try inferring("predict", .inference) { try outputs([x], batchSize: batchSize)[0] }
    }

    /// Throws unless the model takes one input and gives one output (for the single-tensor calls).
    private func requireOneInputAndOutput(_ what: String) throws {
        let inputs = exampleInputShapes?.count ?? 1, outputs = exampleOutputShapes?.count ?? 1
        guard inputs == 1 && outputs == 1 else {
            throw TrainingError.invalidArgument(
                "\(what): \(displayName) has \(inputs) inputs and \(outputs) outputs; pass a list of tensors, one per input, to get one per output")
        }
    }

    /// The outputs of a model with several inputs or outputs: one tensor per output, for one
    /// tensor per input (see ``predict(_:batchSize:)``).
    public func predict(_ inputs: [Tensor<Scalar>], batchSize: Int = 256) throws -> [Tensor<Scalar>] {
        try inferring("predict", .inference) { try outputs(inputs, batchSize: batchSize) }
    }

    /// Monte-Carlo dropout prediction: the average of `samples` forward passes with dropout active
    /// (and every other layer, e.g. BatchNorm, in inference mode).
    public func predictMonteCarlo(_ x: Tensor<Scalar>, samples: Int, batchSize: Int = 256) throws -> Tensor<Scalar> {
        guard samples > 0 else { throw TrainingError.invalidArgument("predictMonteCarlo: samples must be > 0, got \(samples)") }
        try requireOneInputAndOutput("predictMonteCarlo")
        return try inferring("predictMonteCarlo", .inferenceWithDropout) {
            var total = try outputs([x], batchSize: batchSize)[0]
            for _ in 1..<samples { total += try outputs([x], batchSize: batchSize)[0] }
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

    /// `batchSize` rounded up to a multiple of 256 rows (``CompiledModel/maximumInferenceBlockRows``,
    /// a multiple of every inference block and of the products' row blocks), so that inference
    /// batches split into the same blocks as one whole batch would.
    private static func inferenceBatchRows(_ batchSize: Int) -> Int {
        let block = CompiledModel<Scalar>.maximumInferenceBlockRows
        return Swift.max(1, (batchSize + block - 1) / block) * block
    }

    /// Forward passes over `inputs` in batches, without recording gradients.
    private func outputs(_ inputs: [Tensor<Scalar>], batchSize: Int) throws -> [Tensor<Scalar>] {
        guard batchSize > 0 else { throw TrainingError.invalidArgument("predict: batchSize must be > 0, got \(batchSize)") }
        guard let inputShapes = exampleInputShapes, let outputShapes = exampleOutputShapes else { throw TrainingError.notBuilt }
        guard inputs.count == inputShapes.count else {
            throw TrainingError.invalidArgument("predict: \(displayName) takes \(inputShapes.count) inputs, got \(inputs.count)")
        }
        let n = inputs[0].shape.first ?? 0
        for (x, shape) in zip(inputs, inputShapes) where x.rank < 1 || Array(x.shape.dropFirst()) != shape || x.shape[0] != n {
            throw TrainingError.dataShape(expected: shape, got: x.shape, what: "inputs")
        }
        let size = try inferenceRows(batchSize, count: n, what: "predict")
        // The compiled pass takes the whole input at once: it splits it into row blocks of its own,
        // with small buffers per block, and writes straight into the result.
        if let results = executor(training: false)?.infer(inputs) { return results }
        let pieces = stride(from: 0, to: n, by: size).map { start in
            inferenceOutputs(inputs.map { $0.rows(start..<Swift.min(start + size, n)) }, executor: nil)
        }
        // A layer requiring a batch size may give a scalar per batch (a product of two vectors): one row each.
        return outputShapes.indices.map { index in
            pieces.isEmpty ? Tensor.zeros([0] + outputShapes[index])
                : Tensor.concatenate(pieces.map { $0[index].rank == 0 ? $0[index].reshaped([1]) : $0[index] })
        }
    }

    /// The outputs for one batch without recording a graph: through `executor` when there is one.
    func inferenceOutputs(_ inputs: [Tensor<Scalar>], executor: CompiledModel<Scalar>?) -> [Tensor<Scalar>] {
        executor?.infer(inputs) ?? withoutGradients { forward(inputs.map { Variable($0) }).map(\.value) }
    }

    /// The loss and metrics on `x`, `y` in inference mode (Keras `evaluate`), keyed `loss`, `accuracy`, ….
    public func evaluate(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>, batchSize: Int = 256) throws -> Logs {
        try evaluate(TensorDataset(features: x, targets: y), batchSize: batchSize)
    }

    /// The losses and metrics of a model with several inputs or outputs, keyed `loss` (the
    /// weighted total), `<output>_loss`, `<output>_accuracy`, ….
    public func evaluate(_ x: [Tensor<Scalar>], _ y: [Tensor<Scalar>], batchSize: Int = 256) throws -> Logs {
        try evaluate(MultiTensorDataset(inputs: x, targets: y), batchSize: batchSize)
    }

    /// The loss and metrics over a data source in inference mode.
    ///
    /// Like ``predict(_:batchSize:)->Tensor<Scalar>``, it rounds `batchSize` up to a multiple of 256 rows and may run
    /// on several threads at once.
    public func evaluate<Data: BatchProvider>(_ data: Data, batchSize: Int = 256) throws -> Logs where Data.Scalar == Scalar {
        guard let configuration else { throw TrainingError.notCompiled }
        guard batchSize > 0 else { throw TrainingError.invalidArgument("evaluate: batchSize must be > 0, got \(batchSize)") }
        try validate(data, what: "evaluation data")
        _ = try inferenceRows(batchSize, count: data.count, what: "evaluate")
        return try inferring("evaluate", .inference) {
            evaluate(data, indices: Array(0..<data.count), batchSize: batchSize, configuration: configuration)
        }
    }

    /// The loss and metrics over `indices` of `data` in inference mode. With `parallel` (validation
    /// during data-parallel `fit`), each process computes every N-th batch and the batches' totals
    /// are exchanged, so every process gets the bits of one process computing them all.
    func evaluate<Data: BatchProvider>(_ data: Data, indices: [Int], batchSize: Int, configuration: TrainingConfiguration,
                                       parallel: DataParallelTraining<Scalar>? = nil) -> Logs where Data.Scalar == Scalar {
        ForwardMode.$override.withValue(.inference) {
            evaluateInInferenceMode(data, indices: indices, batchSize: requiredBatchSize ?? Self.inferenceBatchRows(batchSize),
                                    configuration: configuration, parallel: parallel)
        }
    }

    /// Each batch's totals are summed on their own, then added in batch order. So a data-parallel
    /// evaluation — each process computing the batches `rank`, `rank + N`, …, the totals of all
    /// batches then summed over the processes (each batch's are nonzero on one process alone, so
    /// that sum is exact) — gives every process the same bits as one process computing them all.
    /// With fewer batches than processes, every process computes every batch.
    private func evaluateInInferenceMode<Data: BatchProvider>(_ data: Data, indices: [Int], batchSize: Int,
                                                              configuration: TrainingConfiguration,
                                                              parallel: DataParallelTraining<Scalar>?) -> Logs where Data.Scalar == Scalar {
        let objectives = configuration.objectives
        let executor = executor(training: false)
        let starts = Array(stride(from: 0, to: indices.count, by: batchSize))
        let parallel = parallel.flatMap { starts.count >= $0.synchronizer.processCount ? $0 : nil }
        var inputs: [Tensor<Scalar>] = [], targets: [Tensor<Scalar>] = [], losses: [Double] = []
        var batchTotals: [[Double]] = Array(repeating: [], count: starts.count)
        var template: ObjectiveTotals?
        for (number, start) in starts.enumerated() where parallel?.computes(batch: number) ?? true {
            let batch = indices[start..<Swift.min(start + batchSize, indices.count)]
            data.batch(batch, inputs: &inputs, targets: &targets)
            let outputs = inferenceOutputs(inputs, executor: executor)
            losses.removeAll(keepingCapacity: true)
            var total = 0.0
            for index in objectives.indices {
                let loss = Double(withoutGradients { objectives[index].loss(Variable(outputs[index]), targets[index]).value.scalar })
                if objectives.count > 1 { losses.append(loss) }
                total += objectives[index].weight * loss
            }
            var totals = ObjectiveTotals(objectives)
            totals.add(loss: total, outputLosses: losses, outputs: outputs, targets: targets, count: batch.count)
            totals.appendTotals(to: &batchTotals[number])
            template = totals
        }
        guard var totals = template else { return ObjectiveTotals(objectives).logs }
        let width = batchTotals.first { !$0.isEmpty }!.count
        var values = batchTotals.flatMap { $0.isEmpty ? Array(repeating: 0, count: width) : $0 }
        parallel?.sum(&values)
        var sums = Array(repeating: 0.0, count: width)
        for number in starts.indices {
            for i in 0..<width { sums[i] += values[number * width + i] }
        }
        totals.readTotals(sums)
        return totals.logs
    }
}
