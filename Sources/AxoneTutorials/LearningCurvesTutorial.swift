import Axone

extension Tutorial {
    /// Seeds 001 and 003: optimisation is not learning — the training and validation curves of a
    /// model too small (under-fitting: both losses high), one of the right size, and one too big
    /// for a small noisy data set (over-fitting: the training loss falls on, the validation loss
    /// turns back up), on the two-moons problem.
    static let learningCurves = Tutorial(name: "learning-curves", title: "Learning curves: under- and over-fitting",
                                         source: "seeds 001 and 003") { out in
        let (train, validation) = noisyMoons()
        out.say("Two moons with noise 0.3: 60 training points, 300 validation points;")
        out.say("Adam (lr 0.01), 200 full-batch epochs, binary cross-entropy")
        out.say()
        let candidates: [(name: String, model: Sequential<Double>)] = [
            ("2-1 (logistic regression)", try Sequential<Double>(inputShape: [2], seed: 0) {
                Dense(1, activation: .sigmoid)
            }),
            ("2-8-1 (tanh)", try Sequential<Double>(inputShape: [2], seed: 0) {
                Dense(8, activation: .tanh)
                Dense(1, activation: .sigmoid)
            }),
            ("2-64-64-1 (ReLU)", try Sequential<Double>(inputShape: [2], seed: 0) {
                Dense(64, activation: .relu)
                Dense(64, activation: .relu)
                Dense(1, activation: .sigmoid)
            }),
        ]
        out.say("model                       parameters  train loss  val loss  best val loss (epoch)  train acc  val acc")
        var series: [LineChart.Series] = []
        for (index, candidate) in candidates.enumerated() {
            let model = candidate.model
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .binaryCrossEntropy(), metrics: [.accuracy])
            let history = try model.fit(train.points, train.labels, epochs: 200, batchSize: 60,
                                        validationData: (validation.points, validation.labels), verbose: .silent, seed: 0)
            let validationLoss = history["val_loss"]
            let best = validationLoss.indices.min { validationLoss[$0] < validationLoss[$1] }!
            out.say("%@ %10d      %.3f     %.3f       %.3f (%3d)          %3.0f %%     %3.0f %%",
                    candidate.name.padding(toLength: 27, withPad: " ", startingAt: 0), model.trainableParameterCount,
                    history["loss"].last!, validationLoss.last!, validationLoss[best], best + 1,
                    100 * history["accuracy"].last!, 100 * history["val_accuracy"].last!)
            let epochs = history.epochs.map { Double($0 + 1) }, color = SVGPlot.color(index)
            series += [.init(name: "\(candidate.name): training", x: epochs, y: history["loss"], color: color),
                       .init(name: "\(candidate.name): validation", x: epochs, y: validationLoss, dashed: true, color: color)]
            if index == candidates.count - 1 {
                out.figure("learning-curves-regions.svg", svg: try DecisionBoundary.svg(
                    model: model, points: train.points, labels: train.labels, margin: 0.3,
                    title: "2-64-64-1 after 200 epochs: a boundary drawn around the noise"))
            }
        }
        out.figure("learning-curves.svg", LineChart(
            title: "Training (solid) and validation (dashed) loss", xLabel: "epoch", yLabel: "binary cross-entropy",
            series: series, yScale: .logarithmic))
    }
}

extension Tutorial {
    /// The small noisy data set that over-fits (`learning-curves`, `regularization`): 60 training
    /// and 300 validation points of two moons with noise 0.3.
    static func noisyMoons() -> (train: (points: Tensor<Double>, labels: Tensor<Double>),
                                 validation: (points: Tensor<Double>, labels: Tensor<Double>)) {
        (Synthetic2D.moons.generate(count: 60, noise: 0.3, seed: 1), Synthetic2D.moons.generate(count: 300, noise: 0.3, seed: 2))
    }
}
