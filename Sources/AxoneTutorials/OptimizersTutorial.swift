import Axone
import Foundation

extension Tutorial {
    /// Seed 001 (slides 117-137): gradient descent crawls along a shallow slope and oscillates
    /// across a steep one; momentum, Nesterov, Adagrad, AdaDelta, RMSProp and Adam each answer it.
    /// They descend the notes' narrow valley `½(w₁² + 25·w₂²)`, then train a small network on the
    /// two-moons data set.
    static let optimizers = Tutorial(name: "optimizers", title: "Gradient descent and its improved versions", source: "seed 001") { out in
        out.say("The valley f(w) = ½(w₁² + 25·w₂²) from w = (−4, 1); f after 10, 25 and 100 steps:")
        var curves: [LineChart.Series] = [], paths: [LineChart.Series] = []
        for (name, optimizer) in valleyOptimizers() {
            let path = try descend(optimizer, steps: 100)
            let losses = path.map(valley)
            out.say("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0) + "%9.3g %9.3g %9.3g", losses[10], losses[25], losses[100])
            curves.append(.init(name: name, x: losses.indices.map(Double.init), y: losses))
            paths.append(.init(name: name, x: path.map { $0[0] }, y: path.map { $0[1] }))
        }
        let fast = try descend(SGD(learningRate: 0.07), steps: 3)
        out.say("  SGD η = 0.07: w₂ = %.2f, %.2f, %.2f after steps 1 to 3, across the valley and back (1 − 25·0.07 = −0.75)",
                fast[1][1], fast[2][1], fast[3][1])
        out.figure("optimizers-valley-loss.svg", LineChart(title: "The valley ½(w₁² + 25·w₂²): f along the descent", xLabel: "step",
                                                           yLabel: "f(w)", series: curves, yScale: .logarithmic))
        out.figure("optimizers-valley-paths.svg", LineChart(title: "The paths from (−4, 1) to the minimum (0, 0)", xLabel: "w₁",
                                                            yLabel: "w₂", series: paths))
        out.say()
        let moons: (points: Tensor<Double>, labels: Tensor<Double>) = Synthetic2D.moons.generate(count: 200, noise: 0.1, seed: 1)
        let points = moons.points, targets = moons.labels.reshaped([200, 1])
        out.say("Two moons (200 points), 2-16-1 tanh network, batch 20, 40 epochs; loss after epochs 1, 10 and 40, accuracy:")
        var trainingCurves: [LineChart.Series] = []
        for (name, optimizer) in networkOptimizers() {
            let model = try Sequential<Double>(inputShape: [2], seed: 0) {
                Dense(16, activation: .tanh)
                Dense(1, activation: .sigmoid)
            }
            model.compile(optimizer: optimizer, loss: .binaryCrossEntropy(), metrics: [.accuracy])
            let history = try model.fit(points, targets, epochs: 40, batchSize: 20, verbose: .silent, seed: 0)
            let loss = history["loss"]
            out.say("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + "%7.4f %7.4f %7.4f  %3.0f %%",
                    loss[0], loss[9], loss[39], history["accuracy"][39] * 100)
            trainingCurves.append(.init(name: name, x: history.epochs.map { Double($0 + 1) }, y: loss))
        }
        out.figure("optimizers-moons.svg", LineChart(title: "Two moons, 2-16-1: training loss by optimiser", xLabel: "epoch",
                                                     yLabel: "binary cross-entropy", series: trainingCurves))
    }

    /// The valley of the notes' slides: a slope 25 times steeper along w₂ than along w₁.
    private static func valley(_ w: [Double]) -> Double { 0.5 * (w[0] * w[0] + 25 * w[1] * w[1]) }

    /// The points `optimizer` visits in `steps` steps down ``valley(_:)`` from (−4, 1), the start included.
    private static func descend(_ optimizer: Optimizer, steps: Int) throws -> [[Double]] {
        let w = Variable(Tensor<Double>(shape: [2], scalars: [-4, 1]), requiresGradient: true)
        let steepness = Variable(Tensor<Double>(shape: [2], scalars: [1, 25]))
        var path = [w.value.scalars]
        for _ in 0..<steps {
            w.zeroGradient()
            try (0.5 * (steepness * w * w).sum()).backward()
            optimizer.step([("w", w)])
            path.append(w.value.scalars)
        }
        return path
    }

    /// The optimisers on the valley, each with a step size that suits it.
    private static func valleyOptimizers() -> [(String, Optimizer)] {
        [("SGD η = 0.035", SGD(learningRate: 0.035)),
         ("momentum 0.9, η = 0.035", SGD(learningRate: 0.035, momentum: 0.9)),
         ("Nesterov 0.9, η = 0.035", SGD(learningRate: 0.035, momentum: 0.9, nesterov: true)),
         ("Adagrad η = 0.5", Adagrad(learningRate: 0.5)),
         ("AdaDelta η = 1", AdaDelta()),
         ("RMSProp η = 0.05", RMSProp(learningRate: 0.05)),
         ("Adam η = 0.3", Adam(learningRate: 0.3))]
    }

    /// The optimisers on the two moons, with their usual step sizes.
    private static func networkOptimizers() -> [(String, Optimizer)] {
        [("SGD η = 0.1", SGD(learningRate: 0.1)),
         ("momentum 0.9, η = 0.1", SGD(learningRate: 0.1, momentum: 0.9)),
         ("Nesterov 0.9, η = 0.1", SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)),
         ("Adagrad η = 0.1", Adagrad(learningRate: 0.1)),
         ("AdaDelta η = 1", AdaDelta()),
         ("RMSProp η = 0.01", RMSProp(learningRate: 0.01)),
         ("Adam η = 0.01", Adam(learningRate: 0.01)),
         ("Adam, seed 001's β₂ = 0.99", Adam(learningRate: 0.01, beta2: 0.99))]
    }
}
