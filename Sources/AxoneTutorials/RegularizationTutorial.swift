import Axone

extension Tutorial {
    /// Seeds 000 and 003 (seed 002 only names over-fitting as a risk of depth): the network of
    /// `learning-curves` that over-fits 60 noisy two-moons points, trained again with each
    /// regulariser of the notes — L2 and L1 weight penalties, dropout, dropout with max-norm, noise
    /// on the inputs, early stopping — and the gap between its training and validation losses;
    /// then the notes' formulas checked: one SGD step with a penalty, and dropout's two forms.
    static let regularization = Tutorial(name: "regularization", title: "Regularisation: penalties, dropout, early stopping",
                                         source: "seeds 000, 002 and 003") { out in
        let (train, validation) = noisyMoons()
        out.say("2-64-64-1 (ReLU) on two moons with noise 0.3: 60 training points, 300 validation points;")
        out.say("Adam (lr 0.01), 200 full-batch epochs; losses are binary cross-entropies in inference mode, without penalty")
        out.say()
        out.say("regulariser                      train loss  val loss    gap    Σw²     Σ|w|   |w| < 0.01")
        var panels: [LineChart] = [], magnitudes: [LineChart.Series] = []
        for (index, recipe) in RegularizationRecipe.all.enumerated() {
            let run = try recipe.train(on: train, validation: validation)
            out.say("%@     %.3f     %.3f   %.3f  %6.1f  %6.1f    %5.1f %%", recipe.name.padding(toLength: 31, withPad: " ", startingAt: 0),
                    run.trainLoss, run.validationLoss, run.validationLoss - run.trainLoss, run.weights.map { $0 * $0 }.reduce(0, +),
                    run.weights.map(abs).reduce(0, +), 100 * Double(run.weights.filter { abs($0) < 0.01 }.count) / Double(run.weights.count))
            panels.append(LineChart(title: recipe.name, xLabel: "epoch", yLabel: "cross-entropy",
                                    series: [.init(name: "training", x: run.curves.train.map { Double($0.epoch) },
                                                   y: run.curves.train.map(\.loss)),
                                             .init(name: "validation", x: run.curves.validation.indices.map { Double($0 + 1) },
                                                   y: run.curves.validation, dashed: true)],
                                    yScale: .logarithmic))
            if recipe.showsWeights {
                let sorted = run.weights.map(abs).sorted(by: >), ranks = Array(stride(from: 0, to: sorted.count, by: 16))
                magnitudes.append(.init(name: recipe.name, x: ranks.map { Double($0 + 1) }, y: ranks.map { max(sorted[$0], 1e-6) },
                                        color: SVGPlot.color(index)))
            }
            if let note = run.note { out.say("  " + note) }
        }
        out.figure("regularization-curves.svg", svg: SVGPlot.grid(panels, columns: 4, cellWidth: 330, cellHeight: 260,
                                                                  title: "Training (solid) and validation (dashed) loss"))
        out.figure("regularization-weights.svg", LineChart(
            title: "The weights of 2-64-64-1 by magnitude, largest first", xLabel: "rank", yLabel: "|w| (every 16th; below 1e-6 drawn at 1e-6)",
            series: magnitudes, yScale: .logarithmic))
        out.say()
        try penaltySteps(train, &out)
        out.say()
        try dropoutForms(&out)
    }

    /// One SGD step from the same weights with and without a penalty, against seed 000's updates:
    /// `w ← (1 − εα)·w − ε·∇J` for `Ω = ½‖w‖²` (Axone's `l2: α/2`), `w ← w − εα·sign(w) − ε·∇J`
    /// for `Ω = Σ|wᵢ|` (`l1: α`).
    private static func penaltySteps(_ data: (points: Tensor<Double>, labels: Tensor<Double>), _ out: inout TutorialOutput) throws {
        let (epsilon, alpha) = (0.1, 0.01)
        /// The weights before and after one full-batch SGD step of a 2-8-1 network.
        func step(_ penalty: Regularization?) throws -> (before: [Double], after: [Double]) {
            let model = try Sequential<Double>(inputShape: [2], seed: 0) {
                Dense(8, activation: .tanh)
                Dense(1, activation: .sigmoid)
            }
            model.compile(optimizer: SGD(learningRate: epsilon), loss: .binaryCrossEntropy(), regularization: penalty)
            let weights = model.namedParameters().filter { Regularization.isPenalized($0.name) }.map(\.variable)
            let before = weights.flatMap(\.value.scalars)
            _ = try model.fit(data.points, data.labels, epochs: 1, batchSize: data.points.shape[0], shuffle: false, verbose: .silent)
            return (before, weights.flatMap(\.value.scalars))
        }
        let plain = try step(nil)
        out.say("One SGD step (ε = %g) of a 2-8-1 network from the same weights, with α = %g:", epsilon, alpha)
        let checks: [(name: String, penalty: Regularization, gradient: (Double) -> Double)] = [
            ("L2, Ω = ½‖w‖² (Regularization(l2: α/2))", try Regularization(l2: alpha / 2), { alpha * $0 }),
            ("L1, Ω = Σ|wᵢ| (Regularization(l1: α))", try Regularization(l1: alpha), { alpha * ($0 > 0 ? 1 : $0 < 0 ? -1 : 0) }),
        ]
        for check in checks {
            let penalised = try step(check.penalty)
            let expected = zip(plain.after, plain.before).map { $0 - epsilon * check.gradient($1) }
            let largest = zip(penalised.after, expected).map { abs($0 - $1) }.max() ?? 0
            out.say("  %@: the note's update, weight by weight: %@", check.name, largest < 1e-12 ? "yes" : "no")
        }
    }

    /// Dropout's two forms on 100,000 units of value 1, rate p = 0.5: inverted (Axone's default)
    /// scales the kept units by 1/(1 − p) in training; vanilla (the notes') multiplies by 1 − p at test.
    private static func dropoutForms(_ out: inout TutorialOutput) throws {
        let ones = Variable(Tensor<Double>.ones([1, 100_000]))
        out.say("Dropout(rate: 0.5) on 100,000 units of value 1:")
        for style in [Dropout<Double>.Style.inverted, .vanilla] {
            let layer = try Dropout<Double>(rate: 0.5, style: style)
            layer.train()
            let training = layer(ones).value.scalars
            layer.eval()
            let inference = layer(ones).value.scalars
            let mean = { (values: [Double]) in values.reduce(0, +) / Double(values.count) }
            out.say("  %@: training keeps %.1f %% of the units, as %g, mean %.3f; inference gives %g, mean %.3f",
                    style.rawValue,
                    100 * Double(training.filter { $0 != 0 }.count) / Double(training.count),
                    training.max()!, mean(training), inference[0], mean(inference))
        }
    }
}
