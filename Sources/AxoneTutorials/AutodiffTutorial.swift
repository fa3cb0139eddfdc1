import Axone

extension Tutorial {
    /// Seed 003: the computational graph of `f = (x + y)·z` and its backward pass, the sigmoid as
    /// one block, why reverse mode (backpropagation) is the one networks use, and the numerically
    /// stable forms of softmax and the cross-entropy.
    static let autodiff = Tutorial(name: "autodiff", title: "Computational graphs and automatic differentiation", source: "seed 003") { out in
        let x = Variable(Tensor<Double>(-2.0), requiresGradient: true)
        let y = Variable(Tensor<Double>(5.0), requiresGradient: true)
        let z = Variable(Tensor<Double>(-4.0), requiresGradient: true)
        let q = x + y, f = q * z
        try f.backward()
        out.say("f(x, y, z) = (x + y)·z at x = −2, y = 5, z = −4")
        out.say("  forward:  q = x + y = %.0f, f = q·z = %.0f", q.value.scalar, f.value.scalar)
        out.say("  backward: ∂f/∂f = 1, ∂f/∂q = z = %.0f, ∂q/∂x = ∂q/∂y = 1", z.value.scalar)
        out.say("            ∂f/∂x = ∂f/∂q·∂q/∂x = %.0f, ∂f/∂y = %.0f, ∂f/∂z = %.0f",
                x.gradient!.scalar, y.gradient!.scalar, z.gradient!.scalar)
        out.say()
        let a = Variable(Tensor<Double>(1.0), requiresGradient: true)
        let block = a.sigmoid()
        try block.backward()
        let b = Variable(Tensor<Double>(1.0), requiresGradient: true)
        let one = Variable(Tensor<Double>(1.0))
        let elementary = one / (one + (-b).exp())
        try elementary.backward()
        out.say("The sigmoid at x = 1:")
        out.say("  as one block:          σ(1) = %.4f, σ′(1) = σ(1)·(1 − σ(1)) = %.4f", block.value.scalar, a.gradient!.scalar)
        out.say("  as 1 / (1 + exp(−x)):  σ(1) = %.4f, σ′(1) = %.4f (four nodes, the same derivative)",
                elementary.value.scalar, b.gradient!.scalar)
        let grid = Variable(Tensor<Double>(shape: [121], scalars: (0...120).map { Double($0) / 10 - 6 }), requiresGradient: true)
        let curve = grid.sigmoid()
        try curve.sum().backward()
        out.say("  σ′ is largest at 0: σ′(0) = %.2f, each sigmoid of a chain multiplies the gradient by at most ¼",
                grid.gradient!.scalars.max()!)
        out.figure("sigmoid.svg", LineChart(
            title: "The sigmoid and its derivative (from autodiff)", xLabel: "x", yLabel: "",
            series: [.init(name: "σ(x)", x: grid.value.scalars, y: curve.value.scalars),
                     .init(name: "σ′(x)", x: grid.value.scalars, y: grid.gradient!.scalars, dashed: true)]))
        out.say()
        let mlp = try Sequential<Double>(architecture: Architecture(preset: "mlp:784-256-128-10"), seed: 0)
        let n = mlp.trainableParameterCount
        out.say("One gradient of a loss of the 784-256-128-10 MLP (%d parameters) costs:", n)
        out.say("  reverse mode (backpropagation): 1 forward pass + 1 backward pass")
        out.say("  forward mode:                   %d forward passes, one per parameter", n)
        out.say("  central differences:            %d evaluations of the loss", 2 * n)
        out.say()
        let logits = Variable(Tensor<Double>([[1000, 1000, 1000]]))
        let probabilities = logits.softmax().value
        out.say("Stable forms:")
        out.say("  softmax(1000, 1000, 1000) = (%.4f, %.4f, %.4f): the largest logit is subtracted before exp",
                probabilities[0, 0], probabilities[0, 1], probabilities[0, 2])
        let prediction = Variable(Tensor<Double>([[0.8, 0.2]]))
        let loss = Loss.categoricalCrossEntropy(fromLogits: false)(prediction, Tensor<Double>(shape: [1], scalars: [0]))
        out.say("  cross-entropy of a prediction of 0.8 on the right class: −log 0.8 = %.4f", loss.value.scalar)
    }
}
