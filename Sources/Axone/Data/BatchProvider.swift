/// A source of training examples that can gather any subset of them into a batch.
///
/// `fit` shuffles indices and asks for batches; a provider may keep its data compactly (e.g.
/// images as bytes) and convert only the batch it is asked for.
public protocol BatchProvider<Scalar> {
    associatedtype Scalar: TensorScalar
    /// The number of examples.
    var count: Int { get }
    /// The shape of one example's features (no batch axis).
    var featureShape: [Int] { get }
    /// The shape of one example's target: `[]` for a class index, `[k]` for a vector.
    var targetShape: [Int] { get }
    /// The features `[indices.count] + featureShape` and targets of the examples at `indices`, in order.
    func batch(_ indices: ArraySlice<Int>) -> (features: Tensor<Scalar>, targets: Tensor<Scalar>)
    /// The same batch written into existing tensors, which a provider may reuse to avoid allocating
    /// every step (the default calls ``batch(_:)``).
    func batch(_ indices: ArraySlice<Int>, features: inout Tensor<Scalar>, targets: inout Tensor<Scalar>)
    /// The targets alone of the examples at `indices` (the default gathers the whole batch).
    func targets(at indices: ArraySlice<Int>) -> Tensor<Scalar>

    /// The shape of one example of each model input (default: ``featureShape`` alone).
    var inputShapes: [[Int]] { get }
    /// The shape of one example's target for each model output (default: ``targetShape`` alone).
    var targetShapes: [[Int]] { get }
    /// The batch for a model with several inputs or outputs: one tensor per input and per output,
    /// written into existing tensors (the default writes ``batch(_:features:targets:)`` into one of each).
    func batch(_ indices: ArraySlice<Int>, inputs: inout [Tensor<Scalar>], targets: inout [Tensor<Scalar>])
    /// The targets of every output for the examples at `indices` (default: ``targets(at:)`` alone).
    func targetList(at indices: ArraySlice<Int>) -> [Tensor<Scalar>]
    /// A hint that the examples at `indices` are the next batch: a provider whose examples live in
    /// a large array may start reading them from memory while the current step computes. `fit`
    /// announces each batch one step ahead. The default does nothing; the results never depend on it.
    func prefetch(_ indices: ArraySlice<Int>)
}

extension BatchProvider {
    public func targets(at indices: ArraySlice<Int>) -> Tensor<Scalar> { batch(indices).targets }

    public func batch(_ indices: ArraySlice<Int>, features: inout Tensor<Scalar>, targets: inout Tensor<Scalar>) {
        (features, targets) = batch(indices)
    }

    public var inputShapes: [[Int]] { [featureShape] }
    public var targetShapes: [[Int]] { [targetShape] }

    public func batch(_ indices: ArraySlice<Int>, inputs: inout [Tensor<Scalar>], targets: inout [Tensor<Scalar>]) {
        if inputs.count != 1 { inputs = [.zeros([0])] }
        if targets.count != 1 { targets = [.zeros([0])] }
        batch(indices, features: &inputs[0], targets: &targets[0])
    }

    public func targetList(at indices: ArraySlice<Int>) -> [Tensor<Scalar>] { [targets(at: indices)] }

    public func prefetch(_ indices: ArraySlice<Int>) {}
}

/// Examples held as two tensors with the same first (batch) axis.
public struct TensorDataset<Scalar: TensorScalar>: BatchProvider {
    /// `[n, features…]`.
    public let features: Tensor<Scalar>
    /// `[n]` class indices or `[n, k]` targets.
    public let targets: Tensor<Scalar>

    /// Pairs features with targets.
    /// - Throws: ``TensorError/incompatibleShapes(operation:lhs:rhs:)`` when the example counts differ.
    public init(features: Tensor<Scalar>, targets: Tensor<Scalar>) throws {
        guard features.rank >= 1, targets.rank >= 1, features.shape[0] == targets.shape[0] else {
            throw TensorError.incompatibleShapes(operation: "dataset (features and targets must have the same number of examples)",
                                                 lhs: features.shape, rhs: targets.shape)
        }
        self.features = features
        self.targets = targets
    }

    public var count: Int { features.shape[0] }
    public var featureShape: [Int] { Array(features.shape.dropFirst()) }
    public var targetShape: [Int] { Array(targets.shape.dropFirst()) }

    public func batch(_ indices: ArraySlice<Int>) -> (features: Tensor<Scalar>, targets: Tensor<Scalar>) {
        let list = Array(indices)
        return (features.rows(at: list), targets.rows(at: list))
    }

    /// Gathers into the previous batch's tensors (see ``Tensor/gatherRows(_:into:)``).
    public func batch(_ indices: ArraySlice<Int>, features batchFeatures: inout Tensor<Scalar>, targets batchTargets: inout Tensor<Scalar>) {
        features.gatherRows(indices, into: &batchFeatures)
        targets.gatherRows(indices, into: &batchTargets)
    }
}

/// Examples held as one tensor per model input and one per model output, all with the same first
/// (batch) axis: the data of a graph model with several inputs or outputs.
public struct MultiTensorDataset<Scalar: TensorScalar>: BatchProvider {
    /// `[n, …]` per model input.
    public let inputs: [Tensor<Scalar>]
    /// `[n]` class indices or `[n, k]` targets per model output.
    public let targets: [Tensor<Scalar>]

    /// Pairs one tensor per model input with one tensor per model output, all with the same number
    /// of examples on their first axis.
    /// - Throws: ``TensorError/incompatibleShapes(operation:lhs:rhs:)`` when a list is empty or the
    ///   tensors do not all have the same number of examples.
    public init(inputs: [Tensor<Scalar>], targets: [Tensor<Scalar>]) throws {
        guard let first = inputs.first, !targets.isEmpty, first.rank >= 1 else {
            throw TensorError.invalidArgument("a dataset needs at least one input and one target tensor, each with a batch axis")
        }
        for tensor in inputs + targets where tensor.rank < 1 || tensor.shape[0] != first.shape[0] {
            throw TensorError.incompatibleShapes(operation: "dataset (every input and target must have the same number of examples)",
                                                 lhs: first.shape, rhs: tensor.shape)
        }
        self.inputs = inputs
        self.targets = targets
    }

    public var count: Int { inputs[0].shape[0] }
    public var inputShapes: [[Int]] { inputs.map { Array($0.shape.dropFirst()) } }
    public var targetShapes: [[Int]] { targets.map { Array($0.shape.dropFirst()) } }
    /// The first input's example shape (see ``inputShapes`` for all of them).
    public var featureShape: [Int] { inputShapes[0] }
    /// The first output's target shape (see ``targetShapes`` for all of them).
    public var targetShape: [Int] { targetShapes[0] }

    /// The first input and the first target of the examples at `indices` (see
    /// ``batch(_:inputs:targets:)`` for all of them).
    public func batch(_ indices: ArraySlice<Int>) -> (features: Tensor<Scalar>, targets: Tensor<Scalar>) {
        let list = Array(indices)
        return (inputs[0].rows(at: list), targets[0].rows(at: list))
    }

    public func batch(_ indices: ArraySlice<Int>, inputs batchInputs: inout [Tensor<Scalar>], targets batchTargets: inout [Tensor<Scalar>]) {
        // Into the previous batch's tensors: a step gathers without allocating.
        if batchInputs.count != inputs.count { batchInputs = inputs.map { _ in .zeros([0]) } }
        if batchTargets.count != targets.count { batchTargets = targets.map { _ in .zeros([0]) } }
        for i in inputs.indices { inputs[i].gatherRows(indices, into: &batchInputs[i]) }
        for i in targets.indices { targets[i].gatherRows(indices, into: &batchTargets[i]) }
    }

    public func targetList(at indices: ArraySlice<Int>) -> [Tensor<Scalar>] {
        let list = Array(indices)
        return targets.map { $0.rows(at: list) }
    }
}
