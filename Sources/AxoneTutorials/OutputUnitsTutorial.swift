import Axone
import Foundation

extension Tutorial {
    /// Seeds 000 and 001: counting a network's parameters, and the output unit and loss that go with
    /// each distribution of the target — Gaussian (linear, squared error), Bernoulli (sigmoid,
    /// binary cross-entropy), multinoulli (softmax, cross-entropy).
    static let outputUnits = Tutorial(name: "output-units", title: "Parameters, output units and losses", source: "seeds 000 and 001") { out in
        out.say("Parameters (weights + biases) of the notes' networks, counted by Axone:")
        let k = 4
        for (layers, formula, expected) in [([2, 3, 1], "3·(2+1) + 1·(3+1)", 13), ([2, 5, 1], "5·(2+1) + 1·(5+1)", 21),
                                            ([k, 5, 1], "5(k+1) + 6 with k = 4", 5 * (k + 1) + 6),
                                            ([k, 5, 3, 4, 7, 1], "5(k+1) + 18 + 16 + 35 + 8 with k = 4", 5 * (k + 1) + 18 + 16 + 35 + 8),
                                            ([784, 10], "of Dense(10, input_dim=784), 10·(784+1),", 7_850)] {
            let model = try Sequential<Double>(architecture: Architecture(preset: "mlp:" + layers.map(String.init).joined(separator: "-")), seed: 0)
            out.say("  " + layers.map(String.init).joined(separator: "-") + ": \(model.trainableParameterCount); the notes' count \(formula) gives \(expected)")
        }
        out.say()
        out.say("Gaussian target, linear output ŷ = Wᵀh + b: −log N(y | ŷ, 1) = ½(y − ŷ)² + ½ log 2π")
        let yHat = Variable(Tensor<Double>(shape: [1, 1], scalars: [2.5])), y = Tensor<Double>(shape: [1, 1], scalars: [1.0])
        let squared = Loss.meanSquaredError(yHat, y).value.scalar
        out.say("  y = 1, ŷ = 2.5: squared error %.4f, negative log-likelihood %.4f = ½·%.2f + %.4f",
                squared, 0.5 * squared + 0.5 * log(2 * Double.pi), squared, 0.5 * log(2 * Double.pi))
        out.say()
        out.say("Bernoulli target, sigmoid output p = σ(z): −log p when y = 1")
        let logit = Variable(Tensor<Double>(shape: [1, 1], scalars: [log(4.0)])), one = Tensor<Double>(shape: [1, 1], scalars: [1])
        let fromLogit = Loss.binaryCrossEntropy(fromLogits: true)(logit, one).value.scalar
        let fromProbability = Loss.binaryCrossEntropy(fromLogits: false)(logit.sigmoid(), one).value.scalar
        out.say("  z = ln 4, p = %.2f: from the logit %.4f, from the probability %.4f (−log 0.8)",
                logit.sigmoid().value.scalar, fromLogit, fromProbability)
        out.say()
        out.say("Multinoulli target, softmax output p = softmax(z): −log p_y")
        let z = Variable(Tensor<Double>([[2, 1, 0.1]]))
        let p = z.softmax().value, label = Tensor<Double>(shape: [1], scalars: [0])
        out.say("  z = (2, 1, 0.1): p = (%.3f, %.3f, %.3f), cross-entropy for class 0: %.4f",
                p[0, 0], p[0, 1], p[0, 2], Loss.categoricalCrossEntropy(fromLogits: true)(z, label).value.scalar)
        let equal = Variable(Tensor<Double>([[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]))
        out.say("  ten equal logits: cross-entropy %.4f = log 10, the loss a sanity check expects before training",
                Loss.categoricalCrossEntropy(fromLogits: true)(equal, label).value.scalar)
        let probabilities = (1...99).map { Double($0) / 100 }
        out.figure("output-losses.svg", LineChart(
            title: "The loss of a prediction p for a target y = 1", xLabel: "predicted probability p", yLabel: "loss",
            series: [.init(name: "cross-entropy −log p", x: probabilities, y: probabilities.map { -log($0) }),
                     .init(name: "squared error (1 − p)²", x: probabilities, y: probabilities.map { (1 - $0) * (1 - $0) }, dashed: true)]))
    }
}
