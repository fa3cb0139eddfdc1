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
    /// Weston–Watkins multiclass hinge (seed 001, CS231n's SVM loss): `Σ_{j≠y} max(0, Δ + s_j − s_y)`.
    case multiclassHinge(margin: Double = 1)
    /// Perceptron loss (seed 001): multiclass `max_j s_j − s_y` (zero when correctly classified);
    /// with one output, `max(0, −t·s)` for targets `t ∈ {−1, +1}` (0/1 targets are mapped to ∓1).
    case perceptron

    /// The names accepted by ``init(name:)``.
    public static let names = ["mse", "mae", "binary_crossentropy", "categorical_crossentropy",
                               "sparse_categorical_crossentropy", "hinge", "perceptron"]

    /// Parses a Keras-style name.
    public init(name: String) throws {
        switch name.lowercased() {
        case "mse", "mean_squared_error": self = .meanSquaredError
        case "mae", "mean_absolute_error": self = .meanAbsoluteError
        case "binary_crossentropy", "bce": self = .binaryCrossEntropy(fromLogits: true)
        case "categorical_crossentropy", "sparse_categorical_crossentropy", "crossentropy", "cross_entropy":
            self = .categoricalCrossEntropy()
        case "hinge", "multiclass_hinge", "categorical_hinge": self = .multiclassHinge()
        case "perceptron": self = .perceptron
        default: throw LayerError.unknownName(kind: "loss", name: name, known: Loss.names)
        }
    }

    public var description: String {
        switch self {
        case .meanSquaredError: "mse"
        case .meanAbsoluteError: "mae"
        case .binaryCrossEntropy: "binary_crossentropy"
        case .categoricalCrossEntropy: "categorical_crossentropy"
        case .multiclassHinge: "hinge"
        case .perceptron: "perceptron"
        }
    }

    /// Whether targets may be class indices (`[batch]`) rather than a tensor shaped like the predictions.
    public var acceptsClassIndices: Bool {
        switch self {
        case .categoricalCrossEntropy, .multiclassHinge, .perceptron: true
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
        case .multiclassHinge(let margin):
            let oneHot = Loss.targetDistribution(targets, classes: predictions.shape[1], smoothing: 0)
            let correct = (predictions * Variable(oneHot)).sum(alongAxes: [1], keepingDimensions: true)
            let margins = ((predictions - correct) + Scalar(margin)).relu() * Variable(1 - oneHot)
            return weightedMean(margins.sum(alongAxes: [1]))
        case .perceptron:
            if predictions.shape.count == 2, predictions.shape[1] == 1 {
                let column = targets.reshaped([batch, 1])
                let signs = column.mapped(.scale(2)).mapped(.shift(-1))
                let t = Variable(column.scalars.allSatisfy { $0 == 0 || $0 == 1 } ? signs : column)
                return weightedMean(perExampleSum((-(t * predictions)).relu()))
            }
            let oneHot = Loss.targetDistribution(targets, classes: predictions.shape[1], smoothing: 0)
            let correct = (predictions * Variable(oneHot)).sum(alongAxes: [1])
            return weightedMean(predictions.max(alongAxes: [1]) - correct)
        }
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
