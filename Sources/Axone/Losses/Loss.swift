/// A training objective: the mean over the batch of a per-example loss (seeds 000, 001, 003, 004).
///
/// Targets are a tensor: regression values or probabilities shaped like the predictions, or, for
/// the classification losses, one class index per example (`[batch]`, as `Float`/`Double`).
/// Optional per-example weights multiply each example's loss before the mean over the batch
/// (Keras' `sample_weight`/`class_weight` convention: the sum is divided by the batch size).
public enum Loss: Sendable, Hashable, CustomStringConvertible {
    /// Mean squared error `mean((ŷ − y)²)` — linear output, Gaussian likelihood.
    case meanSquaredError
    /// Mean absolute error `mean(|ŷ − y|)`.
    case meanAbsoluteError
    /// Binary cross-entropy `−[y·log p + (1 − y)·log(1 − p)]`; from logits it is computed as
    /// `softplus(z) − y·z`, which never overflows. Probabilities are clipped to [1e-7, 1 − 1e-7].
    case binaryCrossEntropy(fromLogits: Bool = false)
    /// Categorical cross-entropy `−Σₖ yₖ·log softmax(z)ₖ` from logits (stable log-softmax, fused with
    /// its gradient `softmax(z) − y`), or `−Σₖ yₖ·log pₖ` from probabilities. `labelSmoothing` ε
    /// replaces the target by `(1 − ε)·y + ε/K`.
    case categoricalCrossEntropy(fromLogits: Bool = true, labelSmoothing: Double = 0)
    /// Keras' binary hinge `mean(max(0, 1 − t·s))` over the outputs, for targets `t ∈ {−1, +1}`;
    /// as in Keras (`keras/src/losses/losses.py`, `hinge` with `convert_binary_labels_to_hinge`),
    /// when every target of the batch is 0 or 1 they are mapped to −1 and +1.
    case hinge
    /// Keras' `categorical_hinge` (Crammer–Singer): `max(0, 1 + neg − pos)` with `pos = Σⱼ yⱼ·sⱼ`
    /// and `neg = maxⱼ (1 − yⱼ)·sⱼ` for one-hot (or class-index) targets y. Like Keras, `neg`
    /// includes the zeroed true-class entry, so it is `max(0, max_{j≠y} s_j)`: it equals the
    /// textbook `max(0, 1 + max_{j≠y} s_j − s_y)` unless every other score is negative.
    case categoricalHinge
    /// Weston–Watkins multiclass hinge (seed 001, CS231n's SVM loss), named `weston_watkins_hinge`:
    /// `Σ_{j≠y} max(0, Δ + s_j − s_y)` (PyTorch's `MultiMarginLoss` also divides by the class count).
    case multiclassHinge(margin: Double = 1)
    /// Perceptron loss (seed 001): multiclass `max_j s_j − s_y` (zero when correctly classified);
    /// with one output, `max(0, −t·s)` for targets `t ∈ {−1, +1}` (0/1 targets are mapped to ∓1).
    case perceptron
    /// A loss defined outside Axone (see ``LossFunction``).
    case custom(CustomLoss)

    /// The output value from which a single-output model predicts class 1 (accuracy and the other
    /// classification metrics): 0.5 when the loss reads probabilities (binary cross-entropy on
    /// probabilities, cross-entropy on probabilities, and the regression losses, whose 0/1 targets
    /// a prediction approaches), 0 when it reads logits or scores (cross-entropy from logits, the
    /// hinge losses, the perceptron).
    public var decisionThreshold: Double {
        switch self {
        case .meanSquaredError, .meanAbsoluteError: 0.5
        case .binaryCrossEntropy(let fromLogits), .categoricalCrossEntropy(let fromLogits, _): fromLogits ? 0 : 0.5
        case .hinge, .categoricalHinge, .multiclassHinge, .perceptron: 0
        case .custom(let loss): loss.function.decisionThreshold
        }
    }

    /// Whether targets may be class indices (`[batch]`) rather than a tensor shaped like the predictions.
    public var acceptsClassIndices: Bool {
        switch self {
        case .categoricalCrossEntropy, .categoricalHinge, .multiclassHinge, .perceptron: true
        case .custom(let loss): loss.function.acceptsClassIndices
        default: false
        }
    }

    /// Checks that targets of `targetShape` fit predictions of `predictionShape` (both with the batch axis).
    public func validate(predictionShape: [Int], targetShape: [Int]) throws {
        if targetShape == predictionShape { return }
        // One target per example for a single output (e.g. 0/1 labels for a sigmoid unit).
        if targetShape.count == 1, predictionShape == [targetShape[0], 1] { return }
        if acceptsClassIndices, targetShape.count == 1, predictionShape.count == 2, targetShape[0] == predictionShape[0] {
            return
        }
        throw TensorError.incompatibleShapes(operation: "loss \(self) (predictions vs targets)",
                                             lhs: predictionShape, rhs: targetShape)
    }

    /// The loss of `predictions` against `targets`, averaged over the batch: the built-in losses
    /// apply their ``LossPrimitive`` (scaled by 1/batch), a custom loss runs its tape operations.
    public func callAsFunction<Scalar: TensorScalar>(_ predictions: Variable<Scalar>, _ targets: Tensor<Scalar>,
                                                     sampleWeights: Tensor<Scalar>? = nil) -> Variable<Scalar> {
        precondition((try? validate(predictionShape: predictions.shape, targetShape: targets.shape)) != nil,
                     "loss \(self): predictions \(predictions.shape) do not fit targets \(targets.shape)")
        let batch = predictions.shape.first ?? 1
        let weights = sampleWeights.map { Variable($0.reshaped([batch])) }
        if case .custom(let loss) = self {
            // One target per example for one output is given to the loss shaped like the predictions.
            let targets = targets.rank == 1 && predictions.shape == [batch, 1] && !acceptsClassIndices
                ? targets.reshaped([batch, 1]) : targets
            let perExample = loss.function.perExample(predictions, targets)
            return weights.map { (perExample * $0).sum() * (1 / Scalar(batch)) } ?? perExample.mean()
        }
        let primitive = LossPrimitive<Scalar>(self, scale: 1 / Scalar(Swift.max(batch, 1)))!
        let prepared = Variable(preparedTargets(targets, predictionShape: predictions.shape))
        return Variable.applying(primitive, to: [predictions, prepared] + (weights.map { [$0] } ?? []))
    }
}
