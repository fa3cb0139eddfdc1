import Axone
import Foundation

extension Tutorial {
    /// Seeds 001 and 003: the checks to run before a long training — the initial loss of a C-class
    /// softmax with small weights is ln C, L2 regularisation raises it, the network overfits 20
    /// examples, backpropagation agrees with finite differences — with `SanityChecks`, on a
    /// 784-50-10 network and the synthetic digits of `keras-workflow`; then a network whose
    /// weights are too large, which the first check catches.
    static let sanityChecks = Tutorial(name: "sanity-checks", title: "Sanity checks before training", source: "seeds 001 and 003") { out in
        let (x32, y32) = syntheticDigits(count: 200, seed: 1)
        let (x, y) = (x32.converted(to: Double.self), y32.converted(to: Double.self))
        func network(weights: Initializer) throws -> Sequential<Double> {
            let model = try Sequential<Double>(inputShape: [784], seed: 0) {
                Dense(50, activation: .relu, kernelInitializer: weights)
                Dense(10, activation: .softmax, kernelInitializer: weights)
            }
            model.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy(fromLogits: false), metrics: [.accuracy])
            return model
        }
        out.say("A uniform guess over C classes has cross-entropy −ln(1/C) = ln C:")
        out.say("  " + [2, 3, 10, 100].map { String(format: "C = %d: %.4f", $0, log(Double($0))) }.joined(separator: ", "))
        out.say()

        let model = try network(weights: .normal(standardDeviation: 0.01))
        let report = try SanityChecks.run(model: model, features: x, labels: y)
        out.say("SanityChecks.run on a 784-50-10 network (ReLU, softmax), weights N(0, 0.01²), 200 synthetic digits:")
        if let initial = report[.initialLoss] {
            out.say("  [%@] initial loss %.4f, ln 10 = %.4f", initial.status.rawValue, initial.numbers["loss"]!, initial.numbers["expected"]!)
        }
        if let l2 = report[.regularizationRaisesLoss] {
            out.say("  [%@] loss %.4f without regularisation, %.4f with an L2 penalty of coefficient 1", l2.status.rawValue,
                    l2.numbers["lossWithoutRegularization"]!, l2.numbers["lossWithRegularization"]!)
        }
        if let overfit = report[.overfitSmallSubset] {
            out.say("  [%@] 20 examples learnt to %.0f %% training accuracy in %.0f Adam steps (lr 1e-3), loss %.4f → %.4f",
                    overfit.status.rawValue, 100 * overfit.numbers["accuracy"]!, overfit.numbers["steps"]!,
                    overfit.numbers["initialLoss"]!, overfit.numbers["finalLoss"]!)
        }
        if let gradients = report[.gradientCheck] {
            out.say("  [%@] backpropagation agrees with central differences (relative error below 1e-4 on %.0f parameter tensors)",
                    gradients.status.rawValue, gradients.numbers["parameters"]!)
        }
        out.say()

        let subset = (x: x.rows(0..<20), y: y.rows(0..<20))
        let memorizer = try network(weights: .normal(standardDeviation: 0.01))
        let history = try memorizer.fit(subset.x, subset.y, epochs: 200, batchSize: 20, verbose: .silent, seed: 0)
        out.say("The note's run: the same network on the 20 examples alone, 200 full-batch epochs of Adam (lr 1e-3):")
        for epoch in [0, 9, 49, 99, 199] {
            out.say("  epoch %3d: loss %.4f, training accuracy %3.0f %%", epoch + 1, history["loss"][epoch], 100 * history["accuracy"][epoch])
        }
        out.figure("sanity-checks-overfit.svg", LineChart(
            title: "Overfitting 20 examples: the loss falls towards 0", xLabel: "epoch", yLabel: "cross-entropy",
            series: [.init(name: "training loss", x: history.epochs.map { Double($0 + 1) }, y: history["loss"])],
            yScale: .logarithmic))
        out.say()

        out.say("The initial loss against the scale of the initial weights (N(0, s²) in both layers):")
        var scales: [Double] = [], losses: [Double] = []
        for exponent in stride(from: -3.0, through: 0.01, by: 0.5) {
            let s = pow(10, exponent)
            let loss = try network(weights: .normal(standardDeviation: s)).evaluate(x, y)["loss"]!
            scales.append(exponent)
            losses.append(loss)
            if exponent == exponent.rounded() { out.say("  s = %g: initial loss %.4f", s, loss) }
        }
        out.figure("sanity-checks-initial-loss.svg", LineChart(
            title: "Initial loss and the weights' scale", xLabel: "log₁₀ s", yLabel: "initial cross-entropy",
            series: [.init(name: "784-50-10, weights N(0, s²)", x: scales, y: losses),
                     .init(name: "ln 10", x: [scales.first!, scales.last!], y: [log(10), log(10)], dashed: true)],
            yScale: .logarithmic))
        out.say()

        let large = try network(weights: .normal(standardDeviation: 1))
        let caught = try SanityChecks.run(model: large, features: x, labels: y, options: .init(checks: [.initialLoss]))
        out.say("The same checks on the network with weights N(0, 1):")
        for line in caught.description.split(separator: "\n") { out.say(String(line)) }
    }
}
