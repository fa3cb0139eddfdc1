import Axone

extension Tutorial {
    /// Seeds 000 and 003: the perceptron learns AND and OR but not XOR; two hidden units built by
    /// hand (x ∧ ¬y, ¬x ∧ y, then OR) compute it; a trained 2-2-1 network finds such units from
    /// some initialisations, a wider one from all.
    static let xor = Tutorial(name: "xor", title: "From the perceptron to a hidden layer: XOR", source: "seeds 000 and 003") { out in
        let points: [[Double]] = [[0, 0], [0, 1], [1, 0], [1, 1]]
        out.say("The perceptron (step unit, learning rate 1, at most 20 passes):")
        for (name, labels) in [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("XOR", [0, 1, 1, 0])] {
            var perceptron = try Perceptron(inputs: 2)
            let mistakes = perceptron.train(points: points, labels: labels, epochs: 20)
            if mistakes.last == 0 {
                out.say("  \(name): no mistake after %d passes; w = (%.0f, %.0f), b = %.0f", mistakes.count,
                        perceptron.weights[0], perceptron.weights[1], perceptron.bias)
            } else {
                out.say("  \(name): still %d mistakes in pass 20, accuracy %.0f %%", mistakes.last!,
                        perceptron.accuracy(points: points, labels: labels) * 100)
            }
        }
        out.say()
        out.say("A hidden layer built by hand: h1 = step(x − y − ½) = x ∧ ¬y, h2 = step(y − x − ½) = ¬x ∧ y,")
        out.say("output = step(h1 + h2 − ½) = h1 ∨ h2:")
        let byHand = try Sequential<Double>(inputShape: [2]) {
            Dense(2, activation: .step)
            Dense(1, activation: .step)
        }
        let hidden = byHand.layers[0] as! Dense<Double>, output = byHand.layers[1] as! Dense<Double>
        hidden.weight?.value = Tensor([[1, -1], [-1, 1]])
        hidden.bias?.value = Tensor(shape: [2], scalars: [-0.5, -0.5])
        output.weight?.value = Tensor([[1], [1]])
        output.bias?.value = Tensor(shape: [1], scalars: [-0.5])
        let x = Tensor<Double>(points), y = Tensor<Double>([[0], [1], [1], [0]])
        let h = withoutGradients { hidden(Variable(x)).value }, predicted = try byHand.predict(x)
        out.say("  x y | h1 h2 | output")
        for i in 0..<4 {
            out.say("  %.0f %.0f |  %.0f  %.0f |   %.0f", x[i, 0], x[i, 1], h[i, 0], h[i, 1], predicted[i, 0])
        }
        out.say()
        out.say("Trained networks (tanh hidden layer, sigmoid output, Adam 0.1, 500 full-batch epochs):")
        var curves: [LineChart.Series] = []
        var best: Sequential<Double>?
        for hiddenUnits in [2, 4] {
            var solved = 0
            for seed in UInt64(0)..<10 {
                let model = try Sequential<Double>(inputShape: [2], seed: seed) {
                    Dense(hiddenUnits, activation: .tanh)
                    Dense(1, activation: .sigmoid)
                }
                model.compile(optimizer: Adam(learningRate: 0.1), loss: .binaryCrossEntropy(), metrics: [.accuracy])
                let history = try model.fit(x, y, epochs: 500, batchSize: 4, verbose: .silent, seed: seed)
                if history["accuracy"].last == 1 { solved += 1 }
                if hiddenUnits == 2 && seed < 4 {
                    curves.append(.init(name: "2-2-1, seed \(seed)", x: history.epochs.map(Double.init), y: history["loss"]))
                }
                if hiddenUnits == 4 && seed == 0 { best = model }
            }
            out.say("  2-%d-1: XOR solved from %d of 10 initialisations", hiddenUnits, solved)
        }
        out.figure("xor-loss.svg", LineChart(title: "2-2-1 on XOR: the loss from four initialisations", xLabel: "epoch",
                                             yLabel: "binary cross-entropy", series: curves, yScale: .logarithmic))
        if let best {
            out.figure("xor-regions.svg", svg: try DecisionBoundary.svg(model: best, points: x, labels: y, margin: 0.3,
                                                                      title: "2-4-1 (seed 0): decision regions on XOR"))
        }
    }
}
