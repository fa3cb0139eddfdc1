import Axone
import Foundation

extension Tutorial {
    /// Seed 001: the activation functions of its slides 52-62 — sigmoid, tanh, ReLU, ELU, leaky
    /// ReLU, PReLU, with SELU and softplus — their values and derivatives (from autodiff), why a
    /// saturated sigmoid kills the gradient, why outputs that are not centred at zero make a
    /// neuron's weight gradients share one sign, and PReLU's gradient for its slope.
    static let activations = Tutorial(name: "activations", title: "Activation functions and their derivatives", source: "seed 001") { out in
        let functions: [(name: String, activation: Activation)] = [
            ("sigmoid", .sigmoid), ("tanh", .tanh), ("ReLU", .relu), ("leaky ReLU", .leakyRelu(alpha: 0.01)),
            ("ELU", .elu(alpha: 1)), ("SELU", .selu), ("softplus", .softplus)]
        let points: [Double] = [-2, -0.5, 0.5, 2]
        out.say("Values f(x) and derivatives f′(x) from autodiff at x = −2, −0.5, 0.5, 2:")
        for (name, activation) in functions {
            let (values, derivatives) = try valuesAndDerivatives(activation, at: points)
            out.say(name.padding(toLength: 11, withPad: " ", startingAt: 0) + " f: "
                    + values.map { String(format: "%8.4f", $0) }.joined() + "   f′: "
                    + derivatives.map { String(format: "%7.4f", $0) }.joined())
        }
        out.say()
        out.say("A saturated unit kills the gradient:")
        let (_, atTen) = try valuesAndDerivatives(.sigmoid, at: [0, 5, 10])
        out.say("  σ′(0) = %.2f, σ′(5) = %.2e, σ′(10) = %.2e", atTen[0], atTen[1], atTen[2])
        out.say("  ten sigmoids in a chain multiply the gradient by at most 0.25^10 = %.2e", pow(0.25, 10))
        let (_, reluAtZero) = try valuesAndDerivatives(.relu, at: [-3, 0])
        out.say("  ReLU′(x) = %.0f for every x < 0 (a dead unit stays dead); at 0 Axone takes %.0f", reluAtZero[0], reluAtZero[1])
        out.say()
        out.say("A neuron fed positive inputs (sigmoid outputs) x = (0.2, 0.7, 0.9), upstream gradient δ:")
        for delta in [-0.3, 0.3] {
            let weights = try weightGradients(inputs: [0.2, 0.7, 0.9], upstream: delta)
            out.say("  δ = %.1f: ∂L/∂w = (%.2f, %.2f, %.2f), every component has the sign of δ", delta, weights[0], weights[1], weights[2])
        }
        out.say()
        let model = try Sequential<Double>(inputShape: [4]) { PReLU(perUnit: false) }
        let prelu = model.layers[0] as! PReLU<Double>
        let x = Variable(Tensor<Double>([points]))
        try prelu(x).sum().backward()
        out.say("PReLU(x) = max(αx, x), α learned (starts at %.2f):", prelu.alpha!.value.scalars[0])
        out.say("  ∂/∂α Σ PReLU(x) over x = −2, −0.5, 0.5, 2: %.2f (the sum of the negative inputs)", prelu.alpha!.gradient!.scalars[0])

        let grid = (0...80).map { Double($0) / 10 - 4 }
        var curves: [LineChart.Series] = [], slopes: [LineChart.Series] = []
        for (name, activation) in functions where name != "leaky ReLU" {
            let (values, derivatives) = try valuesAndDerivatives(activation, at: grid)
            curves.append(.init(name: name, x: grid, y: values))
            slopes.append(.init(name: name + "′", x: grid, y: derivatives))
        }
        let leaky = try valuesAndDerivatives(.leakyRelu(alpha: 0.1), at: grid)
        curves.append(.init(name: "leaky ReLU, α = 0.1", x: grid, y: leaky.values, dashed: true))
        slopes.append(.init(name: "leaky ReLU′, α = 0.1", x: grid, y: leaky.derivatives, dashed: true))
        out.figure("activations.svg", LineChart(title: "Activation functions", xLabel: "x", yLabel: "f(x)", series: curves))
        out.figure("activation-derivatives.svg", LineChart(title: "Their derivatives (from autodiff)", xLabel: "x",
                                                           yLabel: "f′(x)", series: slopes))
    }

    /// `activation` and its derivative at each of `points`, the derivative from a backward pass.
    static func valuesAndDerivatives(_ activation: Activation, at points: [Double]) throws -> (values: [Double], derivatives: [Double]) {
        let x = Variable(Tensor<Double>(shape: [points.count], scalars: points), requiresGradient: true)
        let y = activation(x)
        try y.sum().backward()
        return (y.value.scalars, x.gradient!.scalars)
    }

    /// The gradient of a loss for the weights of a linear neuron `z = wᵀx` fed `inputs`, when the
    /// loss's gradient for `z` is `upstream` (the weights start at 0.1 each).
    private static func weightGradients(inputs: [Double], upstream: Double) throws -> [Double] {
        let w = Variable(Tensor<Double>(shape: [inputs.count, 1], repeating: 0.1), requiresGradient: true)
        let z = Variable.matmul(Variable(Tensor<Double>([inputs])), w)
        try (z * upstream).sum().backward()
        return w.gradient!.scalars
    }
}
