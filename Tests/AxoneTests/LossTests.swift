import Testing
@testable import Axone

/// Fixed predictions and targets. Every reference value was computed with numpy 2.4 (float64):
/// regression `((P-T)**2).mean(1)` / `np.abs(P-T).mean(1)`, BCE `-(y*np.log(p)+(1-y)*np.log(1-p)).mean(1)`,
/// BCE from logits `(np.logaddexp(0, z) - y*z).mean(1)`, CE `-(Y*log_softmax(Z)).sum(1)` with
/// `log_softmax = Z - m - np.log(np.exp(Z - m).sum(1))`, smoothing `Y*0.9 + 0.1/3`; each then averaged
/// over the batch, or weighted `(w*l).sum()/n`. Hinge and perceptron use CS231n's three-example
/// SVM illustration (scores below), computed with numpy too and checkable by hand.
private enum Data {
    static let predictions = Tensor<Double>([[0.5, -1.0], [2.0, 0.25], [1.5, 3.0]])
    static let regressionTargets = Tensor<Double>([[1.0, -0.5], [1.0, 1.0], [1.0, 2.0]])
    static let probabilities = Tensor<Double>([[0.9, 0.2], [0.3, 0.6], [0.75, 0.05]])
    static let binaryLogits = Tensor<Double>([[2.0, -1.5], [0.3, -0.7], [4.0, -3.0]])
    static let binaryTargets = Tensor<Double>([[1, 0], [0, 0], [1, 1]])
    static let weights3 = Tensor<Double>(shape: [3], scalars: [1.0, 0.5, 2.0])
    static let logits = Tensor<Double>([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [1.2, 0.3, 3.3], [0, 0, 0]])
    static let labels = Tensor<Double>(shape: [4], scalars: [0, 2, 2, 1])
    static let oneHot = Tensor<Double>([[1, 0, 0], [0, 0, 1], [0, 0, 1], [0, 1, 0]])
    static let weights4 = Tensor<Double>(shape: [4], scalars: [1.0, 2.0, 0.5, 1.0])
    static let classProbabilities = Tensor<Double>([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.25, 0.5]])
    static let scores = Tensor<Double>([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    static let scoreLabels = Tensor<Double>(shape: [3], scalars: [0, 1, 2])
    static let scoreOneHot = Tensor<Double>([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    static let binaryScores = Tensor<Double>([[0.3, -1.2], [2.0, 0.4], [-0.5, 0.8]])
    static let binaryTargets01 = Tensor<Double>([[1, 0], [1, 1], [0, 1]])
    static let binaryTargetsSigned = Tensor<Double>([[1, -1], [1, 1], [-1, 1]])
}

/// One forward check: a loss on given data, with and without sample weights.
struct LossCase: Sendable, CustomTestStringConvertible {
    let name: String
    let loss: Loss
    let predictions: Tensor<Double>
    let targets: Tensor<Double>
    let weights: Tensor<Double>?
    let expected: Double
    var testDescription: String { name }
}

private let lossCases: [LossCase] = [
    .init(name: "MSE", loss: .meanSquaredError, predictions: Data.predictions, targets: Data.regressionTargets,
          weights: nil, expected: 0.5520833333333334),
    .init(name: "MSE weighted", loss: .meanSquaredError, predictions: Data.predictions,
          targets: Data.regressionTargets, weights: Data.weights3, expected: 0.6302083333333334),
    .init(name: "MAE", loss: .meanAbsoluteError, predictions: Data.predictions, targets: Data.regressionTargets,
          weights: nil, expected: 0.7083333333333334),
    .init(name: "MAE weighted", loss: .meanAbsoluteError, predictions: Data.predictions,
          targets: Data.regressionTargets, weights: Data.weights3, expected: 0.8125),
    .init(name: "BCE probabilities", loss: .binaryCrossEntropy(), predictions: Data.probabilities,
          targets: Data.binaryTargets, weights: nil, expected: 0.8141473481317826),
    .init(name: "BCE probabilities weighted", loss: .binaryCrossEntropy(), predictions: Data.probabilities,
          targets: Data.binaryTargets, weights: Data.weights3, expected: 1.2553025994816707),
    .init(name: "BCE logits", loss: .binaryCrossEntropy(fromLogits: true), predictions: Data.binaryLogits,
          targets: Data.binaryTargets, weights: nil, expected: 0.7754366436452104),
    .init(name: "BCE logits weighted", loss: .binaryCrossEntropy(fromLogits: true), predictions: Data.binaryLogits,
          targets: Data.binaryTargets, weights: Data.weights3, expected: 1.1817644157809701),
    // From probabilities: −(ln 0.7 + ln 0.6 + ln 0.25)/3 (numpy `-np.log(P[np.arange(3), L]).mean()`).
    .init(name: "CE probabilities", loss: .categoricalCrossEntropy(fromLogits: false),
          predictions: Data.classProbabilities, targets: Tensor(shape: [3], scalars: [0, 2, 1]),
          weights: nil, expected: 0.7512649762748712),
    .init(name: "CE labels", loss: .categoricalCrossEntropy(), predictions: Data.logits, targets: Data.labels,
          weights: nil, expected: 1.3319349858163694),
    .init(name: "CE one-hot", loss: .categoricalCrossEntropy(), predictions: Data.logits, targets: Data.oneHot,
          weights: nil, expected: 1.3319349858163694),
    .init(name: "CE weighted", loss: .categoricalCrossEntropy(), predictions: Data.logits, targets: Data.labels,
          weights: Data.weights4, expected: 2.225364608697286),
    .init(name: "CE smoothing 0.1", loss: .categoricalCrossEntropy(labelSmoothing: 0.1), predictions: Data.logits,
          targets: Data.labels, weights: nil, expected: 1.3569349858163693),
    .init(name: "CE smoothing 0.1 one-hot weighted", loss: .categoricalCrossEntropy(labelSmoothing: 0.1),
          predictions: Data.logits, targets: Data.oneHot, weights: Data.weights4, expected: 2.187447942030619),
    // Weston–Watkins, CS231n: per-example hinge losses 2.9, 0, 12.9 (by hand: max(0, 5.1 − 3.2 + 1) = 2.9, …).
    .init(name: "Weston–Watkins hinge", loss: .multiclassHinge(), predictions: Data.scores, targets: Data.scoreLabels,
          weights: nil, expected: 5.266666666666667),
    .init(name: "Weston–Watkins hinge margin 2", loss: .multiclassHinge(margin: 2), predictions: Data.scores,
          targets: Data.scoreLabels, weights: nil, expected: 6.266666666666667),
    // Keras `hinge` (keras/src/losses/losses.py): `mean(maximum(1 - y_true * y_pred, 0), axis=-1)` after
    // `convert_binary_labels_to_hinge` maps all-0/1 targets to ±1. By hand on the scores below with
    // t = [[1, −1], [1, 1], [−1, 1]]: rows (0.7 + 0)/2, (0 + 0.6)/2, (0.5 + 0.2)/2 = 0.35, 0.3, 0.35;
    // mean 1/3, weighted (0.35 + 0.15 + 0.7)/3 = 0.4.
    .init(name: "Keras hinge 0/1 targets", loss: .hinge, predictions: Data.binaryScores, targets: Data.binaryTargets01,
          weights: nil, expected: 1.0 / 3),
    .init(name: "Keras hinge ±1 targets", loss: .hinge, predictions: Data.binaryScores, targets: Data.binaryTargetsSigned,
          weights: nil, expected: 1.0 / 3),
    .init(name: "Keras hinge weighted", loss: .hinge, predictions: Data.binaryScores, targets: Data.binaryTargets01,
          weights: Data.weights3, expected: 0.4),
    // Keras `categorical_hinge` (keras/src/losses/losses.py): `pos = sum(y_true * y_pred)`,
    // `neg = max((1 - y_true) * y_pred)`, `maximum(neg - pos + 1, 0)`. By hand on CS231n's scores:
    // max(0, 5.1 − 3.2 + 1) = 2.9, max(0, 2.0 − 4.9 + 1) = 0, max(0, 2.5 + 3.1 + 1) = 6.6; mean 9.5/3.
    .init(name: "Keras categorical hinge", loss: .categoricalHinge, predictions: Data.scores, targets: Data.scoreLabels,
          weights: nil, expected: 9.5 / 3),
    .init(name: "Keras categorical hinge one-hot weighted", loss: .categoricalHinge, predictions: Data.scores,
          targets: Data.scoreOneHot, weights: Data.weights3, expected: (2.9 + 0 + 2 * 6.6) / 3),
    // Every other score negative: Keras' `neg` is the zeroed true-class entry, 0, so the loss is
    // max(0, 0 − 0.5 + 1) = 0.5 (textbook Crammer–Singer would give max(0, −0.3 − 0.5 + 1) = 0.2).
    .init(name: "Keras categorical hinge, other scores negative", loss: .categoricalHinge,
          predictions: Tensor([[0.5, -0.3, -0.8]]), targets: Tensor(shape: [1], scalars: [0]), weights: nil, expected: 0.5),
    // Multiclass perceptron max_j s_j − s_y: by hand (1.9 + 0 + 5.6)/3 = 2.5.
    .init(name: "perceptron multiclass", loss: .perceptron, predictions: Data.scores, targets: Data.scoreLabels,
          weights: nil, expected: 2.5),
    // Binary perceptron max(0, −t·s) with t = ±1; 0/1 targets map to ∓1. By hand: (0 + 2 + 1.5)/3.
    .init(name: "perceptron binary ±1", loss: .perceptron, predictions: Tensor([[0.5], [-2], [1.5]]),
          targets: Tensor([[1], [1], [-1]]), weights: nil, expected: 3.5 / 3),
    .init(name: "perceptron binary 0/1", loss: .perceptron, predictions: Tensor([[0.5], [-2], [1.5]]),
          targets: Tensor([[1], [1], [0]]), weights: nil, expected: 3.5 / 3),
]

@Suite struct LossTests {
    /// Forward value against the numpy/hand reference (Double, absolute 1e-12), and in Float
    /// (relative 1e-5, the accumulated float32 rounding of a few log/exp terms).
    @Test(arguments: lossCases)
    func forwardMatchesReference(_ c: LossCase) {
        let value = c.loss(Variable(c.predictions), c.targets, sampleWeights: c.weights).value
        #expect(value.shape == [])
        expectClose(value.scalar, c.expected, absolute: 1e-12)
        let single = c.loss(Variable(c.predictions.converted(to: Float.self)), c.targets.converted(to: Float.self),
                            sampleWeights: c.weights?.converted(to: Float.self)).value.scalar
        expectClose(single, Float(c.expected), absolute: 1e-5 * Float(c.expected))
    }

    /// The gradient of every loss with respect to the predictions (Double, central differences,
    /// relative error < 1e-6). None of the data sits on a kink: no |ŷ − y| = 0, no hinge margin
    /// or perceptron score exactly 0, no tied maximum, probabilities inside the clipping range.
    @Test(arguments: lossCases)
    func gradientMatchesFiniteDifferences(_ c: LossCase) throws {
        let p = Variable(c.predictions, requiresGradient: true)
        let report = try GradientCheck.run(parameters: [("predictions", p)]) {
            c.loss(p, c.targets, sampleWeights: c.weights)
        }
        #expect(report.maxRelativeError < 1e-6, "\(report)")
        #expect(p.gradient.map { $0.scalars.contains { $0 != 0 } } == true)   // not trivially zero
    }

    /// Seed 004: with one-hot targets the cross-entropy gradient is (softmax(z) − y)/n
    /// (reference computed here from `Tensor.softmax`, which the activation tests check; Double, 1e-12).
    @Test func crossEntropyGradientIsSoftmaxMinusTargetOverN() throws {
        let z = Variable(Data.logits, requiresGradient: true)
        try Loss.categoricalCrossEntropy()(z, Data.labels).backward()
        expectClose(z.gradient!, (Data.logits.softmax() - Data.oneHot) / 4, relative: 0, absolute: 1e-12)
    }

    /// BCE from logits equals BCE of sigmoid probabilities (numpy check above), and stays exact for
    /// logits far outside the clipping range: by hand softplus(100) − 0 = 100 and softplus(−100) + 100 = 100.
    /// Double, absolute 1e-12.
    @Test func binaryCrossEntropyFromLogitsIsStable() {
        let fromLogits = Loss.binaryCrossEntropy(fromLogits: true)
        let viaSigmoid = Loss.binaryCrossEntropy()(Variable(Data.binaryLogits).sigmoid(), Data.binaryTargets)
        expectClose(viaSigmoid.value.scalar, 0.7754366436452104, absolute: 1e-12)
        let extreme = fromLogits(Variable(Tensor([[100], [-100]])), Tensor([[0], [1]])).value.scalar
        expectClose(extreme, 100, absolute: 1e-12)
    }

    /// SPEC §4/§8: zero logits over 10 classes give ln 10 = 2.302585092994046 (Python `math.log(10)`);
    /// seed 003: −log 0.8 = 0.2231435513142097 from probabilities [0.8, 0.2] (Double, absolute 1e-12).
    @Test func seedValuesOfCrossEntropy() {
        let initial = Loss.categoricalCrossEntropy()(Variable(Tensor<Double>.zeros([5, 10])),
                                                     Tensor(shape: [5], scalars: [0, 3, 9, 4, 4]))
        expectClose(initial.value.scalar, 2.302585092994046, absolute: 1e-12)
        let fromProbabilities = Loss.categoricalCrossEntropy(fromLogits: false)(
            Variable(Tensor<Double>([[0.8, 0.2]])), Tensor(shape: [1], scalars: [0]))
        expectClose(fromProbabilities.value.scalar, 0.2231435513142097, absolute: 1e-12)
    }

    /// A correctly classified example costs nothing in the perceptron loss and, beyond the margin, in the
    /// hinge (exact comparisons in Double: every term is a sum of short binary fractions).
    @Test func correctlyClassifiedExamplesCostNothing() {
        let scores = Variable(Tensor<Double>([[5, 1, 2], [0, 0.5, -3]]))
        let labels = Tensor<Double>(shape: [2], scalars: [0, 1])
        #expect(Loss.perceptron(scores, labels).value.scalar == 0)
        // Hinge by hand: example 1 clears the margin (0), example 2 pays max(0, 0 − 0.5 + 1) = 0.5; mean 0.25.
        #expect(Loss.multiclassHinge()(scores, labels).value.scalar == 0.25)
    }

    /// Keras spellings map to the loss family they name (canonical names from `Loss.description`).
    @Test(arguments: zip(Loss.names, ["mse", "mae", "binary_crossentropy", "categorical_crossentropy",
                                      "categorical_crossentropy", "hinge", "categorical_hinge",
                                      "weston_watkins_hinge", "perceptron"]))
    func namesParse(_ name: String, canonical: String) throws {
        #expect(try Loss(name: name).description == canonical)
        #expect(try Loss(name: name.uppercased()).description == canonical)
    }

    /// The names mean what Keras means: `binary_crossentropy` reads probabilities (Keras
    /// `BinaryCrossentropy(from_logits=False)` default, PyTorch `BCELoss`), logits only when asked;
    /// `hinge` and `categorical_hinge` are Keras' losses, not the Weston–Watkins SVM loss.
    @Test func namesMeanWhatKerasMeans() throws {
        #expect(try Loss(name: "binary_crossentropy") == .binaryCrossEntropy(fromLogits: false))
        #expect(try Loss(name: "Binary_CrossEntropy(from_logits=True)") == .binaryCrossEntropy(fromLogits: true))
        #expect(try Loss(name: "hinge") == .hinge)
        #expect(try Loss(name: "categorical_hinge") == .categoricalHinge)
        #expect(try Loss(name: "multiclass_hinge") == .multiclassHinge(margin: 1))
        #expect(try Loss(name: "categorical_crossentropy(label_smoothing=0.1, from_logits=false)")
                == .categoricalCrossEntropy(fromLogits: false, labelSmoothing: 0.1))
    }

    /// Every loss with every parameter combination reads back from its description unchanged, so a
    /// name written out (e.g. `binary_crossentropy(from_logits=true)`) never flips a parameter.
    @Test(arguments: [Loss.meanSquaredError, .meanAbsoluteError, .binaryCrossEntropy(fromLogits: false),
                      .binaryCrossEntropy(fromLogits: true), .hinge, .categoricalHinge, .perceptron,
                      .multiclassHinge(margin: 1), .multiclassHinge(margin: 2), .multiclassHinge(margin: 0.3)]
                     + [true, false].flatMap { logits in
                         [0, 0.1, 1e-5, 0.25].map { Loss.categoricalCrossEntropy(fromLogits: logits, labelSmoothing: $0) }
                     })
    func descriptionRoundTrips(_ loss: Loss) throws {
        #expect(try Loss(name: loss.description) == loss, "\(loss)")
    }

    /// Parameters a loss does not take, or that do not parse, are rejected with a one-line message.
    @Test(arguments: ["mse(margin=2)", "hinge(margin=2)", "binary_crossentropy(from_logits=maybe)",
                      "binary_crossentropy(from_logits=true", "categorical_crossentropy(label_smoothing=)",
                      "weston_watkins_hinge(margin=1, margin=2)", "categorical_crossentropy(from_logits)"])
    func malformedParametersAreRejected(_ name: String) {
        let error = #expect(throws: LayerError.self) { try Loss(name: name) }
        #expect(error?.description.contains(name) == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func unknownLossNameIsRejectedByName() {
        let error = #expect(throws: LayerError.self) { try Loss(name: "kl_divergence") }
        // The built-in names come first; losses other suites register may follow.
        guard case let .unknownName(kind, name, known)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(kind == "loss" && name == "kl_divergence" && Array(known.prefix(Loss.names.count)) == Loss.names)
        #expect(error?.description.contains("unknown loss 'kl_divergence'") == true)
    }

    /// Targets that fit neither as a same-shaped tensor nor as class indices are rejected, naming the loss.
    @Test func mismatchedTargetsAreRejected() {
        #expect(throws: TensorError.self) { try Loss.meanSquaredError.validate(predictionShape: [4, 2], targetShape: [4]) }
        #expect(throws: TensorError.self) {
            try Loss.categoricalCrossEntropy().validate(predictionShape: [4, 3], targetShape: [5])
        }
        #expect(throws: Never.self) { try Loss.multiclassHinge().validate(predictionShape: [4, 3], targetShape: [4]) }
    }
}
