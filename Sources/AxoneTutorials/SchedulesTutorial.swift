import Axone

extension Tutorial {
    /// Seed 003: learning-rate decay — the inverse-time, exponential and step schedules of the
    /// note with its parameters (η₀ = 0.1, λ = 0.1; r = 0.5, t_u = 10), with Axone's piecewise
    /// constant and cosine schedules, their rates over 50 epochs, and the same network trained
    /// with each but the piecewise one (from η₀ = 0.3, too large to end a training with) through
    /// `LearningRateScheduler`.
    static let schedules = Tutorial(name: "schedules", title: "Learning-rate schedules", source: "seed 003") { out in
        func schedules(startingAt initial: Double) -> [(name: String, schedule: LearningRateSchedule)] { [
            ("constant", .constant(initial)),
            ("inverse time, r = 0.1", .inverseTime(initial: initial, rate: 0.1)),
            ("exponential, λ = 0.1", .exponential(initial: initial, rate: 0.1)),
            ("step, r = 0.5, t_u = 10", .step(initial: initial, factor: 0.5, stepSize: 10)),
            ("piecewise constant", .piecewiseConstant(boundaries: [25, 40], values: [initial, initial / 10, initial / 100])),
            ("cosine over 50 epochs", .cosine(initial: initial, steps: 50)),
        ] }
        let epochs = 50, shown = [0, 5, 10, 20, 30, 40, 49]
        out.say("η_t for η₀ = 0.1 at epoch t =" + shown.map { String(format: " %7d", $0) }.joined())
        for (name, schedule) in schedules(startingAt: 0.1) {
            out.say(name.padding(toLength: 30, withPad: " ", startingAt: 0) + shown.map { String(format: " %7.5f", schedule($0)) }.joined())
        }
        out.figure("schedules.svg", LineChart(
            title: "Learning-rate schedules (η₀ = 0.1)", xLabel: "epoch t", yLabel: "η_t",
            series: schedules(startingAt: 0.1).map { name, schedule in
                .init(name: name, x: (0..<epochs).map(Double.init), y: (0..<epochs).map { schedule($0) })
            }))
        out.say()

        let data: (points: Tensor<Double>, labels: Tensor<Double>) = Synthetic2D.moons.generate(count: 100, noise: 0.3, seed: 3)
        out.say("A 2-16-16-1 tanh network on 100 noisy moons, SGD with momentum 0.9, batches of 10, 50 epochs,")
        out.say("η₀ = 0.3, the rate set at the start of each epoch by LearningRateScheduler:")
        out.say("schedule                       last rate  loss (epochs 41–50)  final loss  accuracy")
        var curves: [LineChart.Series] = []
        for (name, schedule) in schedules(startingAt: 0.3) where name != "piecewise constant" {
            let model = try Sequential<Double>(inputShape: [2], seed: 0) {
                Dense(16, activation: .tanh)
                Dense(16, activation: .tanh)
                Dense(1, activation: .sigmoid)
            }
            model.compile(optimizer: SGD(learningRate: 0.3, momentum: 0.9), loss: .binaryCrossEntropy(), metrics: [.accuracy])
            let history = try model.fit(data.points, data.labels, epochs: epochs, batchSize: 10,
                                        callbacks: [LearningRateScheduler<Double>(schedule)], verbose: .silent, seed: 0)
            let losses = history["loss"], lastTen = losses.suffix(10)
            out.say(name.padding(toLength: 30, withPad: " ", startingAt: 0) + " %9.5f      %.4f – %.4f      %.4f   %5.1f %%",
                    history["lr"].last!, lastTen.min()!, lastTen.max()!, losses.last!, 100 * history["accuracy"].last!)
            curves.append(.init(name: name, x: history.epochs.map { Double($0 + 1) }, y: losses))
        }
        out.figure("schedules-loss.svg", LineChart(
            title: "Training loss with each schedule", xLabel: "epoch", yLabel: "binary cross-entropy",
            series: curves, yScale: .logarithmic))
    }
}
