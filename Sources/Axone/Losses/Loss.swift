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

    /// The loss of `predictions` against `targets`, averaged over the batch.
    public func callAsFunction<Scalar: TensorScalar>(_ predictions: Variable<Scalar>, _ targets: Tensor<Scalar>,
                                                     sampleWeights: Tensor<Scalar>? = nil) -> Variable<Scalar> {
        precondition((try? validate(predictionShape: predictions.shape, targetShape: targets.shape)) != nil,
                     "loss \(self): predictions \(predictions.shape) do not fit targets \(targets.shape)")
        let batch = predictions.shape.first ?? 1
        let targets = targets.rank == 1 && predictions.shape == [batch, 1] && !acceptsClassIndices
            ? targets.reshaped([batch, 1]) : targets
        func weightedMean(_ perExample: Variable<Scalar>) -> Variable<Scalar> {
            guard let sampleWeights else { return perExample.mean() }
            return (perExample * Variable(sampleWeights.reshaped([batch]))).sum() * (1 / Scalar(batch))
        }
        func perExampleSum(_ x: Variable<Scalar>) -> Variable<Scalar> {
            x.rank > 1 ? x.sum(alongAxes: Array(1..<x.rank)) : x
        }
        let y = Variable(targets)
        switch self {
        case .meanSquaredError:
            let n = Scalar(predictions.value.count / Swift.max(batch, 1))
            return weightedMean(perExampleSum((predictions - y).squared()) * (1 / n))
        case .meanAbsoluteError:
            let n = Scalar(predictions.value.count / Swift.max(batch, 1))
            return weightedMean(perExampleSum((predictions - y).abs()) * (1 / n))
        case .binaryCrossEntropy(let fromLogits):
            let perElement = fromLogits
                ? predictions.applying(.softplus) - y * predictions
                : -(y * predictions.clipped().log() + (1 - y) * (1 - predictions.clipped()).log())
            let n = Scalar(predictions.value.count / Swift.max(batch, 1))
            return weightedMean(perExampleSum(perElement) * (1 / n))
        case let .categoricalCrossEntropy(fromLogits, smoothing):
            let distribution = Loss.targetDistribution(targets, classes: predictions.shape[1], smoothing: Scalar(smoothing))
            if fromLogits {
                return Variable.softmaxCrossEntropy(logits: predictions, targets: distribution, sampleWeights: sampleWeights)
            }
            return weightedMean(-(Variable(distribution) * predictions.clipped().log()).sum(alongAxes: [1]))
        case .hinge:
            let t = Variable(Loss.signedLabels(targets))
            let n = Scalar(predictions.value.count / Swift.max(batch, 1))
            return weightedMean(perExampleSum((1 - t * predictions).relu()) * (1 / n))
        case .categoricalHinge:
            let oneHot = Loss.targetDistribution(targets, classes: predictions.shape[1], smoothing: 0)
            let positive = (predictions * Variable(oneHot)).sum(alongAxes: [1])
            let negative = (predictions * Variable(1 - oneHot)).max(alongAxes: [1])
            return weightedMean(((negative - positive) + 1).relu())
        case .multiclassHinge(let margin):
            let oneHot = Loss.targetDistribution(targets, classes: predictions.shape[1], smoothing: 0)
            let correct = (predictions * Variable(oneHot)).sum(alongAxes: [1], keepingDimensions: true)
            let margins = ((predictions - correct) + Scalar(margin)).relu() * Variable(1 - oneHot)
            return weightedMean(margins.sum(alongAxes: [1]))
        case .perceptron:
            if predictions.shape.count == 2, predictions.shape[1] == 1 {
                let t = Variable(Loss.signedLabels(targets.reshaped([batch, 1])))
                return weightedMean(perExampleSum((-(t * predictions)).relu()))
            }
            let oneHot = Loss.targetDistribution(targets, classes: predictions.shape[1], smoothing: 0)
            let correct = (predictions * Variable(oneHot)).sum(alongAxes: [1])
            return weightedMean(predictions.max(alongAxes: [1]) - correct)
        case .custom(let loss):
            return weightedMean(loss.function.perExample(predictions, targets))
        }
    }

    /// Binary targets as signs: 0/1 targets become −1/+1 when every target is 0 or 1 (Keras'
    /// `convert_binary_labels_to_hinge`); other targets (already ±1) are kept.
    static func signedLabels<Scalar: TensorScalar>(_ targets: Tensor<Scalar>) -> Tensor<Scalar> {
        targets.scalars.allSatisfy { $0 == 0 || $0 == 1 } ? targets.mapped(.scale(2)).mapped(.shift(-1)) : targets
    }

    /// Class indices `[n]` become one-hot rows `[n, classes]` (smoothed); a `[n, classes]` target is smoothed as is.
    static func targetDistribution<Scalar: TensorScalar>(_ targets: Tensor<Scalar>, classes: Int,
                                                         smoothing: Scalar) -> Tensor<Scalar> {
        Tensor(shape: [targets.shape[0], classes]) { writeTargetDistribution(targets, classes: classes, smoothing: smoothing, into: $0) }
    }

    /// ``targetDistribution(_:classes:smoothing:)`` written into `distribution` (`rows × classes` values).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func writeTargetDistribution<Scalar: TensorScalar>(_ targets: Tensor<Scalar>, classes: Int, smoothing: Scalar,
                                                              into distribution: UnsafeMutableBufferPointer<Scalar>) {
        precondition(distribution.count == targets.shape[0] * classes, "loss: target distribution of the wrong size")
        let off = smoothing / Scalar(classes), on = 1 - smoothing + off
        targets.withUnsafeBufferPointer { t in
            if targets.rank == 1 {
                Scalar.fill(off, into: distribution)
                for i in 0..<t.count {
                    let label = t[i], k = Int(label)
                    precondition(Scalar(k) == label && k >= 0 && k < classes, "loss: label \(label) is not a class index in 0..<\(classes)")
                    distribution[i * classes + k] = on
                }
            } else {
                for i in 0..<t.count { distribution[i] = t[i] * (1 - smoothing) + off }
            }
        }
    }
}

extension Variable {
    /// The number of axes.
    var rank: Int { value.rank }

    /// Probabilities clipped to [1e-7, 1 − 1e-7] (as Keras does) so their logarithms stay finite.
    func clipped() -> Variable {
        let epsilon = Scalar(1e-7)
        return maximum(Variable(Tensor(epsilon))).minimum(Variable(Tensor(1 - epsilon)))
    }
}
