import Axone
import Foundation

extension Tutorial {
    /// Seed 002 ("Disparition et explosion des gradients"): backpropagation multiplies the gradient
    /// by each layer's weights and by the derivative of its activation, and the sigmoid's derivative
    /// is at most ¼ (seed 004 writes ½, SPEC §9). Ten sigmoid layers leave the first ones almost no
    /// gradient; the note's N(0, 1) weights saturate the sigmoid; tanh with Glorot's weights and ReLU
    /// with He's keep the gradient of the same order in every layer. The per-layer gradient norms
    /// come from one backward pass of Axone's autodiff, then the four networks train.
    static let vanishingGradients = Tutorial(name: "vanishing-gradients", title: "Vanishing and exploding gradients",
                                             source: "seed 002") { out in
        let sigmoid = try valuesAndDerivatives(.sigmoid, at: [0, 2, 5, 10]).derivatives
        out.say("The sigmoid's derivative σ′(z) = σ(z)(1 − σ(z)), from autodiff:")
        out.say("  σ′(0) = %.4f (its largest value, ¼), σ′(2) = %.4f, σ′(5) = %.2e, σ′(10) = %.2e",
                sigmoid[0], sigmoid[1], sigmoid[2], sigmoid[3])
        out.say("  tanh′(0) = %.4f, ReLU′(z) = %.0f for every z > 0", try valuesAndDerivatives(.tanh, at: [0]).derivatives[0],
                try valuesAndDerivatives(.relu, at: [3]).derivatives[0])
        out.say()

        let networks: [(name: String, stack: DeepStack)] = [
            ("sigmoid, Glorot", DeepStack(activation: .sigmoid, initializer: .glorotUniform)),
            ("sigmoid, N(0, 1)", DeepStack(activation: .sigmoid, initializer: .normal(standardDeviation: 1))),
            ("tanh, Glorot", DeepStack(activation: .tanh, initializer: .glorotUniform)),
            ("ReLU, He", DeepStack(activation: .relu, initializer: .heNormal))]
        let layers = DeepStack.depth + 1
        func label(_ name: String) -> String { "  " + name.padding(toLength: 17, withPad: " ", startingAt: 0) }
        out.say("%d hidden Dense layers of %d units and a sigmoid output on the two moons (%d points), at initialisation;",
                DeepStack.depth, DeepStack.width, DeepStack.moons.x.shape[0])
        out.say("‖∂L/∂Wₗ‖/√(number of weights) for each layer l (layer %d is the output):", layers)
        out.say(label("network") + (1...layers).map { String(format: "%9d", $0) }.joined())
        let norms = try networks.map { try DeepStack.weightGradientNorms(try $0.stack.network()) }
        for (network, norms) in zip(networks, norms) {
            out.say(label(network.name) + norms.map { String(format: "%9.2e", $0) }.joined())
        }
        out.figure("vanishing-gradients-norms.svg", LineChart(
            title: "Gradient of each layer's weights at initialisation", xLabel: "layer (1 = input side)",
            yLabel: "‖∂L/∂W‖ / √(number of weights)",
            series: zip(networks, norms).map { .init(name: $0.name, x: (1...layers).map(Double.init), y: $1) }, yScale: .logarithmic))
        for (network, norms) in zip(networks, norms) {
            let ratio = norms[DeepStack.depth - 1] / norms[0]
            out.say(label(network.name) + "layer %d / layer 1 = %.2g, a factor %.2f per layer",
                    DeepStack.depth, ratio, pow(ratio, 1 / Double(DeepStack.depth - 1)))
        }
        out.say()

        out.say("Share of saturated sigmoid outputs (below 0.01 or above 0.99) in hidden layers 1 to %d:", DeepStack.depth)
        for (name, stack) in networks.prefix(2) {
            let statistics = try NetworkStatistics.measure(try stack.network(), input: DeepStack.moons.x)
            let shares = statistics.layers.prefix(DeepStack.depth).map { String(format: "%4.0f", 100 * ($0.saturatedFraction ?? 0)) }
            out.say(label(name) + shares.joined() + " %")
        }
        out.say()

        let epochs = 30
        out.say("Training: SGD η = 0.1, batch 64, %d epochs (ln 2 = %.4f is the loss of a coin toss);", epochs, log(2.0))
        out.say("loss after epochs 1, 10 and %d, and how far the weights of layers 1 and %d moved, ‖ΔW‖/‖W‖:", epochs, DeepStack.depth)
        var losses: [LineChart.Series] = []
        for (name, stack) in networks {
            let model = try stack.network()
            let before = DeepStack.weights(model).map(\.value)
            let history = try model.fit(DeepStack.moons.x, DeepStack.moons.y, epochs: epochs, batchSize: 64, verbose: .silent, seed: 0)
            let moved = zip(before, DeepStack.weights(model)).map { DeepStack.norm($1.value - $0) / DeepStack.norm($0) }
            let loss = history["loss"]
            out.say(label(name) + "%.4f %.4f %.4f   layer 1: %.1e, layer %d: %.1e",
                    loss[0], loss[9], loss[epochs - 1], moved[0], DeepStack.depth, moved[DeepStack.depth - 1])
            losses.append(.init(name: name, x: history.epochs.map { Double($0 + 1) }, y: loss))
        }
        out.figure("vanishing-gradients-training.svg", LineChart(
            title: "Training the four deep networks (SGD η = 0.1)", xLabel: "epoch", yLabel: "binary cross-entropy", series: losses))
    }
}
