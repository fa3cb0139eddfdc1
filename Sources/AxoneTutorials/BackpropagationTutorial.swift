import Axone

extension Tutorial {
    /// Seed 004: forward and backward propagation of a network with one hidden layer, in closed
    /// form, checked against Axone's autodiff, then trained with its own update rule.
    static let backpropagation = Tutorial(
        name: "backpropagation", title: "Backpropagation in closed form (one hidden layer)", source: "seed 004"
    ) { out in
        var network = TwoLayerNetwork(examples: 64, features: 5, hidden: 4, seed: 4)
        out.say("Network 5 → 4 (tanh) → 1 (sigmoid), binary cross-entropy, 64 examples (label: x₁ + x₂ > 0).")
        out.say("Loss before training: %.4f, accuracy %.0f %%", network.loss(), network.accuracy() * 100)
        out.say()
        out.say("Closed form (standard) against Axone's reverse-mode autodiff:")
        let closed = network.closedFormGradients(), automatic = try network.autodiffGradients()
        for (name, (c, a)) in zip(TwoLayerNetwork.names, zip(closed, automatic)) {
            let agree = TwoLayerNetwork.largestDifference(c, a) < 1e-12
            out.say("  \(name) \(c.shape): " + (agree ? "the same to 1e-12" : "DIFFERENT"))
        }
        out.say()
        out.say("The note as written (dz2 = σ′(z2) − y, and no g′(z1) factor), largest relative error:")
        let written = network.closedFormGradients(asWritten: true)
        for (name, (w, c)) in zip(TwoLayerNetwork.names, zip(written, closed)) {
            out.say("  \(name): %.2f", TwoLayerNetwork.relativeError(w, c))
        }
        out.say()
        out.say("Batch gradient descent with the closed-form gradients, α = 0.5:")
        var steps: [Double] = [], losses: [Double] = []
        for step in 0...400 {
            if step % 50 == 0 {
                out.say("  step %3d: loss %.4f, accuracy %.0f %%", step, network.loss(), network.accuracy() * 100)
            }
            steps.append(Double(step))
            losses.append(network.loss())
            network.step(learningRate: 0.5)
        }
        out.figure("backpropagation-loss.svg", LineChart(
            title: "Gradient descent with the closed-form gradients", xLabel: "step", yLabel: "binary cross-entropy",
            series: [.init(name: "loss", x: steps, y: losses)]))
    }
}
