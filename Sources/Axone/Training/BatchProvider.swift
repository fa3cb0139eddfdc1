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
}

extension BatchProvider {
    public func targets(at indices: ArraySlice<Int>) -> Tensor<Scalar> { batch(indices).targets }

    public func batch(_ indices: ArraySlice<Int>, features: inout Tensor<Scalar>, targets: inout Tensor<Scalar>) {
        (features, targets) = batch(indices)
    }
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
}
