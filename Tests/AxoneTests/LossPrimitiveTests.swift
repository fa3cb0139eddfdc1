import Testing
@testable import Axone

/// A built-in loss with predictions and targets of the kind it reads (random, from fixed seeds).
struct LossPrimitiveCase: Sendable, CustomTestStringConvertible {
    /// The targets of a case.
    enum Targets: String, Sendable {
        /// One class index per example.
        case classIndices
        /// One-hot rows.
        case oneHot
        /// 0/1 labels shaped like the predictions.
        case binary
        /// −1/+1 labels shaped like the predictions.
        case signs
        /// Real values shaped like the predictions.
        case real
    }

    /// How the predictions are drawn.
    enum Predictions: String, Sendable {
        /// Standard normal scores or logits.
        case scores
        /// Sigmoids of scores, inside the clipping range.
        case probabilities
        /// Softmax rows of scores.
        case distributions
    }

    let loss: Loss
    let predictions: Predictions
    let targets: Targets
    /// The outputs per example.
    var width = 4

    var testDescription: String { "\(loss), \(predictions.rawValue), \(targets.rawValue) targets, width \(width)" }

    static let rows = 6

    /// The predictions and targets of the case.
    func data() -> (predictions: Tensor<Double>, targets: Tensor<Double>) {
        let scores = randomTensor([Self.rows, width], seed: 11, scale: 1.5)
        let predictions = switch self.predictions {
        case .scores: scores
        case .probabilities: scores.mapped(.sigmoid)
        case .distributions: scores.softmax()
        }
        let labels = (0..<Self.rows).map { Double(($0 * 7 + 3) % width) }
        let bits = (0..<(Self.rows * width)).map { Double(($0 * 5 + 1) % 3 == 0 ? 1 : 0) }
        let targets = switch self.targets {
        case .classIndices: Tensor<Double>(shape: [Self.rows], scalars: labels)
        case .oneHot: Tensor<Double>(shape: [Self.rows, width], scalars: labels.flatMap { label in (0..<width).map { Double($0) == label ? 1 : 0 } })
        case .binary: Tensor<Double>(shape: [Self.rows, width], scalars: bits)
        case .signs: Tensor<Double>(shape: [Self.rows, width], scalars: bits.map { 2 * $0 - 1 })
        case .real: randomTensor([Self.rows, width], seed: 12)
        }
        return (predictions, targets)
    }
}

private let primitiveCases: [LossPrimitiveCase] = [
    .init(loss: .meanSquaredError, predictions: .scores, targets: .real),
    .init(loss: .meanAbsoluteError, predictions: .scores, targets: .real),
    .init(loss: .binaryCrossEntropy(fromLogits: false), predictions: .probabilities, targets: .binary),
    .init(loss: .binaryCrossEntropy(fromLogits: true), predictions: .scores, targets: .binary),
    .init(loss: .binaryCrossEntropy(fromLogits: true), predictions: .scores, targets: .binary, width: 1),
    .init(loss: .categoricalCrossEntropy(fromLogits: true), predictions: .scores, targets: .classIndices),
    .init(loss: .categoricalCrossEntropy(fromLogits: true), predictions: .scores, targets: .oneHot),
    .init(loss: .categoricalCrossEntropy(fromLogits: true, labelSmoothing: 0.1), predictions: .scores, targets: .classIndices),
    .init(loss: .categoricalCrossEntropy(fromLogits: false), predictions: .distributions, targets: .classIndices),
    .init(loss: .categoricalCrossEntropy(fromLogits: false, labelSmoothing: 0.1), predictions: .distributions, targets: .oneHot),
    .init(loss: .hinge, predictions: .scores, targets: .binary),
    .init(loss: .hinge, predictions: .scores, targets: .signs),
    .init(loss: .categoricalHinge, predictions: .scores, targets: .classIndices),
    .init(loss: .categoricalHinge, predictions: .scores, targets: .oneHot),
    .init(loss: .multiclassHinge(margin: 1), predictions: .scores, targets: .classIndices),
    .init(loss: .multiclassHinge(margin: 0.5), predictions: .scores, targets: .oneHot),
    .init(loss: .perceptron, predictions: .scores, targets: .classIndices),
    .init(loss: .perceptron, predictions: .scores, targets: .oneHot),
    .init(loss: .perceptron, predictions: .scores, targets: .binary, width: 1),
]

/// Positive example weights for ``LossPrimitiveCase/rows`` examples.
private let exampleWeights = Tensor<Double>(shape: [LossPrimitiveCase.rows], scalars: [1, 0.5, 2, 1.5, 0.25, 3])

@Suite struct LossPrimitiveTests {
    /// The loss primitive of `c` (scale 0.3, so that the scale is checked too) on `rows` of the case's data.
    func apply(_ c: LossPrimitiveCase, _ p: Variable<Double>, rows: Range<Int>? = nil, weighted: Bool,
               scale: Double = 0.3) -> Variable<Double> {
        let (_, targets) = c.data()
        let prepared = c.loss.preparedTargets(targets, predictionShape: [LossPrimitiveCase.rows, c.width])
        let rows = rows ?? 0..<LossPrimitiveCase.rows
        let p = rows.count == LossPrimitiveCase.rows ? p : Variable(p.value.rows(rows))
        let inputs = [p, Variable(prepared.rows(rows))] + (weighted ? [Variable(exampleWeights.rows(rows))] : [])
        return Variable.applying(LossPrimitive<Double>(c.loss, scale: scale)!, to: inputs)
    }

    /// The primitive's pullback against central differences (Double, step 1e-6), with and without
    /// example weights: relative error below 1e-6 on every prediction (`|a − n| / max(|a|, |n|, 1e-8)`).
    /// The random data sits on no kink: no zero difference or margin, no tied maximum,
    /// probabilities inside the clipping range.
    @Test(arguments: primitiveCases, [false, true])
    func gradientMatchesFiniteDifferences(_ c: LossPrimitiveCase, weighted: Bool) throws {
        let p = Variable(c.data().predictions, requiresGradient: true)
        let report = try GradientCheck.run(parameters: [("predictions", p)]) { apply(c, p, weighted: weighted) }
        #expect(report.maxRelativeError < 1e-6, "\(report)")
        #expect(p.gradient.map { $0.scalars.contains { $0 != 0 } } == true)   // not trivially zero
    }

    /// The output is `scale·Σᵢ wᵢ·ℓᵢ` (what the compiled step's row shards rely on): the batch's
    /// value is the sum of its row pieces' at the same scale, each row weighted by its weight, and
    /// the scale multiplies it (Double, relative 1e-12).
    @Test(arguments: primitiveCases)
    func outputIsTheScaledWeightedSumOverTheRows(_ c: LossPrimitiveCase) {
        let p = Variable(c.data().predictions)
        let whole = apply(c, p, weighted: true).value.scalar
        let pieces = apply(c, p, rows: 0..<2, weighted: true).value.scalar + apply(c, p, rows: 2..<6, weighted: true).value.scalar
        expectClose(pieces, whole, absolute: 1e-12 * abs(whole))
        let rowByRow = (0..<LossPrimitiveCase.rows).reduce(0.0) {
            $0 + exampleWeights.scalars[$1] * apply(c, p, rows: $1..<($1 + 1), weighted: false).value.scalar
        }
        expectClose(rowByRow, whole, absolute: 1e-12 * abs(whole))
        expectClose(apply(c, p, weighted: true, scale: 0.6).value.scalar, 2 * whole, absolute: 1e-12 * abs(whole))
    }

    /// The tape's loss is the primitive at scale 1/batch on the prepared targets (bit for bit).
    @Test(arguments: primitiveCases)
    func theTapeAppliesThePrimitive(_ c: LossPrimitiveCase) {
        let (predictions, targets) = c.data()
        let p = Variable(predictions)
        let tape = c.loss(p, c.width == 1 ? targets.reshaped([LossPrimitiveCase.rows]) : targets, sampleWeights: exampleWeights)
        #expect(tape.value.scalar == apply(c, p, weighted: true, scale: 1 / Double(LossPrimitiveCase.rows)).value.scalar)
    }

    /// Only the predictions carry a gradient; a custom loss has no primitive.
    @Test func onlyPredictionsAreDifferentiable() {
        let primitive = LossPrimitive<Float>(.hinge, scale: 1)!
        #expect(primitive.isDifferentiable(input: 0) && !primitive.isDifferentiable(input: 1) && !primitive.isDifferentiable(input: 2))
        #expect(LossPrimitive<Float>(.custom(LogCosh()), scale: 1) == nil)
    }

    /// Hinge and one-output perceptron targets become signs when every target of the batch is 0
    /// or 1 (Keras' `convert_binary_labels_to_hinge`); a batch with another value keeps them.
    @Test func binaryTargetsBecomeSignsOverTheWholeBatch() {
        let binary = Tensor<Double>(shape: [4], scalars: [0, 1, 1, 0])
        #expect(Loss.hinge.preparedTargets(binary, predictionShape: [4, 1]).scalars == binary.scalars.map { 2 * $0 - 1 })
        #expect(Loss.perceptron.preparedTargets(binary, predictionShape: [4, 1]).scalars == binary.scalars.map { 2 * $0 - 1 })
        let mixed = Tensor<Double>(shape: [4], scalars: [1, 1, -1, 0])
        #expect(Loss.hinge.preparedTargets(mixed, predictionShape: [4, 1]).scalars == mixed.scalars)
    }

    /// Class indices and one-hot rows prepare to the same smoothed distribution `(1 − ε)·y + ε/K`.
    @Test func classIndicesAndOneHotRowsPrepareAlike() {
        let loss = Loss.categoricalCrossEntropy(labelSmoothing: 0.2)
        let indices = LossPrimitiveCase(loss: loss, predictions: .scores, targets: .classIndices).data().targets
        let oneHot = LossPrimitiveCase(loss: loss, predictions: .scores, targets: .oneHot).data().targets
        let shape = [LossPrimitiveCase.rows, 4]
        #expect(loss.preparedTargets(indices, predictionShape: shape) == loss.preparedTargets(oneHot, predictionShape: shape))
        #expect(loss.preparedTargets(oneHot, predictionShape: shape).scalars == oneHot.scalars.map { 0.8 * $0 + 0.2 / 4 })
    }
}
