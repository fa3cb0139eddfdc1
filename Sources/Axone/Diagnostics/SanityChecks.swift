import Foundation

/// The sanity checks of seed 001 (1825-2202), run before a long training ("doctor"):
///
/// 1. **Initial loss ≈ ln C.** With small random weights and no regularisation a C-class softmax
///    predicts ≈ 1/C for every class, so the cross-entropy starts at ln C (2.3026 for 10 classes).
/// 2. **Regularisation raises the loss.** The same initial weights with a large L2 coefficient
///    give a larger loss (the notes: 2.30261 → 3.06860).
/// 3. **The network overfits a handful of examples.** Trained on 20 examples alone it must reach
///    100 % training accuracy (the notes: 200 epochs at lr 1e-3, cost 0.0026).
/// 4. **Backpropagation agrees with finite differences** (in Double, on a few examples).
///
/// The model is left as it was: its weights are restored after the overfitting run, and the
/// gradient check runs on a `Double` copy.
///
/// ```swift
/// model.compile(optimizer: Adam(), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
/// let report = try SanityChecks.run(model: model, features: x, labels: y)
/// print(report)          // [PASS] initial loss ≈ ln C: loss 2.3041 vs ln 10 = 2.3026 …
/// ```
public enum SanityChecks {
    /// The checks, in the order they run.
    public enum Check: String, Sendable, CaseIterable {
        /// The four checks of the notes: `initialLoss` (the loss starts near ln C), `regularizationRaisesLoss`
        /// (a large L2 coefficient raises it), `overfitSmallSubset` (the network reaches 100 % accuracy on a
        /// few examples) and `gradientCheck` (backpropagation agrees with finite differences).
        case initialLoss, regularizationRaisesLoss, overfitSmallSubset, gradientCheck

        /// A short title for reports.
        public var title: String {
            switch self {
            case .initialLoss: "initial loss ≈ ln C"
            case .regularizationRaisesLoss: "L2 regularisation raises the loss"
            case .overfitSmallSubset: "overfits a small subset"
            case .gradientCheck: "gradient check"
            }
        }
    }

    /// Which checks run and their thresholds.
    public struct Options: Sendable {
        /// The checks to run, in the order of ``Check``; the others are reported as skipped.
        public var checks: [Check]
        /// Largest accepted |loss − ln C| / ln C.
        public var initialLossTolerance: Double
        /// The L2 coefficient compared with 0 (`Regularization(l2:)`).
        public var l2: Double
        /// How many examples (the first ones) the network must overfit, and in how many full-batch steps.
        public var overfitExamples: Int, overfitSteps: Int
        /// The Adam learning rate of the overfitting run.
        public var overfitLearningRate: Double
        /// How many examples (the first ones) the gradient check uses.
        public var gradientCheckExamples: Int
        /// How many elements of each parameter are checked (evenly spaced).
        public var gradientCheckElementsPerParameter: Int
        /// Largest accepted relative error between backpropagation and central differences.
        public var gradientCheckTolerance: Double

        /// Creates options; the defaults are the notes' settings.
        ///
        /// - Parameters:
        ///   - checks: the checks to run.
        ///   - initialLossTolerance: the largest accepted |loss − ln C| / ln C.
        ///   - l2: the L2 coefficient compared with no regularisation.
        ///   - overfitExamples: how many examples (the first ones) the network must overfit.
        ///   - overfitSteps: the number of full-batch steps of the overfitting run.
        ///   - overfitLearningRate: the Adam learning rate of the overfitting run.
        ///   - gradientCheckExamples: how many examples (the first ones) the gradient check uses.
        ///   - gradientCheckElementsPerParameter: how many elements of each parameter are checked.
        ///   - gradientCheckTolerance: the largest accepted relative error between backpropagation and
        ///     central differences.
        public init(checks: [Check] = Check.allCases, initialLossTolerance: Double = 0.1, l2: Double = 1,
                    overfitExamples: Int = 20, overfitSteps: Int = 300, overfitLearningRate: Double = 1e-3,
                    gradientCheckExamples: Int = 4, gradientCheckElementsPerParameter: Int = 40,
                    gradientCheckTolerance: Double = 1e-4) {
            self.checks = checks
            self.initialLossTolerance = initialLossTolerance
            self.l2 = l2
            self.overfitExamples = overfitExamples
            self.overfitSteps = overfitSteps
            self.overfitLearningRate = overfitLearningRate
            self.gradientCheckExamples = gradientCheckExamples
            self.gradientCheckElementsPerParameter = gradientCheckElementsPerParameter
            self.gradientCheckTolerance = gradientCheckTolerance
        }
    }

    /// Runs the selected checks on a compiled model and its training data (`labels`: `[n]` class
    /// indices or targets shaped like the outputs).
    /// - Throws: ``TrainingError`` when the model is not compiled or built, or the data do not fit it.
    public static func run<Scalar: TensorScalar>(model: Sequential<Scalar>, features: Tensor<Scalar>, labels: Tensor<Scalar>,
                                                 options: Options = Options()) throws -> SanityReport {
        guard let configuration = model.configuration else { throw TrainingError.notCompiled }
        guard options.overfitExamples > 0, options.overfitSteps >= 0, options.gradientCheckExamples > 0,
              options.gradientCheckElementsPerParameter > 0 else {
            throw TrainingError.invalidArgument("SanityChecks: overfitExamples, gradientCheckExamples and "
                + "gradientCheckElementsPerParameter must be positive and overfitSteps ≥ 0")
        }
        let data = try TensorDataset(features: features, targets: labels)
        try model.validate(data, what: "training data")
        try model.validateParameters()
        let context = Context(model: model, data: data, loss: configuration.loss,
                              regularization: configuration.regularization, options: options)
        return SanityReport(results: try Check.allCases.filter(options.checks.contains).map { check in
            switch check {
            case .initialLoss: try context.initialLoss()
            case .regularizationRaisesLoss: try context.regularizationRaisesLoss()
            case .overfitSmallSubset: try context.overfitSmallSubset()
            case .gradientCheck: context.gradientCheck()
            }
        })
    }

    /// The model, data and options shared by the checks.
    private struct Context<Scalar: TensorScalar> {
        let model: Sequential<Scalar>
        let data: TensorDataset<Scalar>
        let loss: Loss
        let regularization: Regularization?
        let options: Options

        /// The first `count` examples.
        func head(_ count: Int) -> (x: Tensor<Scalar>, y: Tensor<Scalar>) {
            let batch = data.batch(Array(0..<Swift.min(count, data.count))[...])
            return (batch.features, batch.targets)
        }

        /// The loss (without any penalty) and accuracy of `x`, `y` in inference mode.
        func measure(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) throws -> (loss: Double, accuracy: Double) {
            let outputs = try model.predict(x)
            var accuracy = MetricAccumulator(metrics: [.accuracy], threshold: loss.decisionThreshold)
            accuracy.add(outputs: outputs, targets: y)
            return (Double(withoutGradients { loss(Variable(outputs), y).value.scalar }), accuracy.value(of: .accuracy))
        }

        func result(_ check: Check, _ passed: Bool, _ numbers: [String: Double], _ summary: String,
                    advice: @autoclosure () -> String) -> SanityCheckResult {
            SanityCheckResult(check: check, status: passed ? .passed : .failed, numbers: numbers, summary: summary,
                              advice: passed ? nil : advice())
        }

        func initialLoss() throws -> SanityCheckResult {
            let classes: Int
            switch loss {
            case .categoricalCrossEntropy: classes = model.outputShape?.last ?? 1
            case .binaryCrossEntropy: classes = 2   // per output: −ln ½ when every output is ½
            default:
                return SanityCheckResult(check: .initialLoss, status: .skipped, numbers: [:], summary: "not applicable to \(loss)",
                                         advice: "the ln C rule holds for cross-entropy losses")
            }
            let expected = Foundation.log(Double(classes))
            let measured = try measure(data.features, data.targets).loss
            let deviation = Swift.abs(measured - expected) / expected
            let summary = "loss \(format(measured)) vs ln \(classes) = \(format(expected)) "
                + "(\(percent(deviation)) off, tolerance \(percent(options.initialLossTolerance)))"
            return result(.initialLoss, deviation <= options.initialLossTolerance,
                          ["loss": measured, "expected": expected, "classes": Double(classes), "relativeDeviation": deviation],
                          summary, advice: measured > expected
                            ? "the initial outputs are far from uniform, so the weights are too large: with small random weights and no regularisation the loss starts at ln C. Initialise the last layer with small weights (kernelInitializer: .normal(standardDeviation: 0.01)) or use Glorot/He initialisation, and standardise the inputs."
                            : "the initial loss is below chance level: check that the labels do not leak into the inputs and that the loss is the mean cross-entropy")
        }

        func regularizationRaisesLoss() throws -> SanityCheckResult {
            let (x, y) = head(512)
            let regularization = try Regularization(l2: options.l2)
            let (without, penalty) = withoutGradients { () -> (Double, Double) in
                let value = model.withMode(training: false) { loss(model(Variable(x)), y).value.scalar }
                let penalty = regularization.penalty(model.namedParameters())?.value.scalar ?? 0
                return (Double(value), Double(penalty))
            }
            let with = without + penalty
            return result(.regularizationRaisesLoss, with > without,
                          ["lossWithoutRegularization": without, "lossWithRegularization": with, "l2": options.l2],
                          "loss \(format(without)) with l2 = 0, \(format(with)) with l2 = \(options.l2)",
                          advice: "the L2 penalty adds nothing: only parameters named `weight` are penalised, so either the model has none or they are all zero (weights must start random, not zero)")
        }

        func overfitSmallSubset() throws -> SanityCheckResult {
            let (x, y) = head(options.overfitExamples)
            let snapshot = model.state(), generators = model.generatorStates()
            defer {
                try? model.loadState(snapshot)   // the same model's own state: names and shapes match
                model.restoreGenerators(generators)
                model.zeroGradients()
            }
            let optimizer = Adam(learningRate: options.overfitLearningRate)
            try optimizer.validate()
            let parameters = model.trainableParameters
            let start = try measure(x, y)
            var steps = 0, current = start
            while current.accuracy < 1 && steps < options.overfitSteps && current.loss.isFinite {
                try model.withMode(training: true) {
                    let value = loss(model(Variable(x)), y)
                    model.zeroGradients()
                    try value.backward()
                }
                optimizer.step(parameters)
                steps += 1
                current = try measure(x, y)
            }
            let n = x.shape[0], passed = current.accuracy == 1
            let summary = (passed ? "reached 100 % training accuracy on \(n) examples after \(steps) steps"
                                  : "reached only \(percent(current.accuracy)) training accuracy on \(n) examples after \(steps) steps")
                + " (Adam, lr \(options.overfitLearningRate); loss \(format(start.loss)) → \(format(current.loss)))"
            return result(.overfitSmallSubset, passed,
                          ["examples": Double(n), "steps": Double(steps), "accuracy": current.accuracy,
                           "initialLoss": start.loss, "finalLoss": current.loss], summary,
                          advice: !current.loss.isFinite || current.loss > start.loss
                            ? "the loss diverged: the learning rate \(options.overfitLearningRate) is too large — lower it (try 1e-3, then divide by 10 until the loss falls)"
                            : parameters.isEmpty
                            ? "the model has no trainable parameters: unfreeze its layers"
                            : "a healthy network memorises a few examples easily: check that the labels match the inputs, that ReLU units are not all dead and that the layers are trainable, or allow more steps (overfitSteps) or a larger learning rate")
        }

        func gradientCheck() -> SanityCheckResult {
            let twin: Model<Double>
            do { twin = try model.converted(to: Double.self) } catch {
                return SanityCheckResult(check: .gradientCheck, status: .skipped, numbers: [:],
                                         summary: "the model could not be copied to Double", advice: "\(error)")
            }
            twin.eval()   // deterministic: no dropout masks, BatchNorm on its running statistics
            let (x, y) = head(options.gradientCheckExamples)
            let (x64, y64) = (Variable(x.converted(to: Double.self)), y.converted(to: Double.self))
            let parameters = twin.trainableParameters
            let report: GradientCheck
            do {
                report = try GradientCheck.run(parameters: parameters, elementsPerParameter: options.gradientCheckElementsPerParameter) {
                    let value = loss(twin(x64), y64)
                    return regularization?.penalty(parameters).map { value + $0 } ?? value
                }
            } catch {
                return SanityCheckResult(check: .gradientCheck, status: .failed, numbers: [:],
                                         summary: "backpropagation failed", advice: "\(error)")
            }
            let worst = report.parameters.filter { $0.maxRelativeError >= options.gradientCheckTolerance }.map(\.name)
            let summary = "max relative error \(String(format: "%.2e", report.maxRelativeError)) over \(parameters.count) parameter "
                + "tensors (≤ \(options.gradientCheckElementsPerParameter) elements each, \(x.shape[0]) examples, central "
                + "differences in Double, tolerance \(String(format: "%.0e", options.gradientCheckTolerance)))"
            return result(.gradientCheck, report.maxRelativeError < options.gradientCheckTolerance,
                          ["maxRelativeError": report.maxRelativeError, "parameters": Double(parameters.count)], summary,
                          advice: "backpropagation disagrees with finite differences for \(worst.joined(separator: ", ")): the gradient rule of a layer feeding these parameters is wrong (check custom layers' pullbacks); an isolated mismatch next to a ReLU kink can be a false alarm — rerun on other examples")
        }

        private func format(_ x: Double) -> String { String(format: "%.4f", x) }
        private func percent(_ x: Double) -> String { String(format: "%.3g %%", 100 * x) }
    }
}
