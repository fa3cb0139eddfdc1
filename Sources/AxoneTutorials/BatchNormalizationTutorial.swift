import Axone
import Foundation

extension Tutorial {
    /// Seed 002 ("Normalisation par lots"): the note names batch normalisation and shows Keras's
    /// `BatchNormalization()` between Dense layers; the formulas are Ioffe and Szegedy's (2015).
    /// Axone's `BatchNormalization` against `x̂ = (x − μ_B)/√(σ²_B + ε)`, `y = γ·x̂ + β` computed
    /// by hand on a batch of 4, its running statistics and inference behaviour, the parameter counts
    /// of the note's Keras model (4 per feature, 2 trainable), and the deep sigmoid network of
    /// `vanishing-gradients` trained with and without it.
    static let batchNormalization = Tutorial(name: "batch-normalization", title: "Batch normalisation", source: "seed 002") { out in
        try normalizeByHand(&out)
        out.say()
        try runningStatistics(&out)
        out.say()
        try kerasParameterCounts(&out)
        out.say()
        try trainWithAndWithoutNormalization(&out)
    }

    /// The formula on a batch of 4 examples and 3 features, against the layer in training mode; the
    /// running statistics after that batch, and the layer in inference mode.
    private static func normalizeByHand(_ out: inout TutorialOutput) throws {
        let x = Tensor<Double>(shape: [4, 3], scalars: [1, 20, -3, 2, 24, -1, 4, 18, -2, 5, 22, 2])
        let (gamma, beta) = ([1.0, 2, 0.5], [0.0, 1, -1])
        let layer = try BatchNormalization<Double>()
        _ = try Sequential<Double>([layer], inputShape: [3])
        layer.gamma!.value = Tensor(shape: [3], scalars: gamma)
        layer.beta!.value = Tensor(shape: [3], scalars: beta)
        let columns = (0..<3).map { j in (0..<4).map { x[$0, j] } }
        let mean = columns.map { $0.reduce(0, +) / 4 }
        let variance = zip(columns, mean).map { column, m in column.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 4 }
        let byHand = (0..<4).map { i in
            (0..<3).map { j in gamma[j] * (x[i, j] - mean[j]) / (variance[j] + layer.epsilon).squareRoot() + beta[j] }
        }
        out.say("A batch of 4 examples with 3 features, γ = %@, β = %@, ε = %g:", vector(gamma), vector(beta), layer.epsilon)
        for i in 0..<4 { out.say("  x%d = %@", i + 1, vector((0..<3).map { x[i, $0] })) }
        out.say("By hand: μ_B = %@, σ²_B = %@ (the mean of the squared deviations)", vector(mean), vector(variance))
        out.say("  y = γ·(x − μ_B)/√(σ²_B + ε) + β:")
        for (i, row) in byHand.enumerated() { out.say("  y%d = %@", i + 1, vector(row)) }
        let training = withoutGradients { layer(Variable(x)).value }
        let difference = TwoLayerNetwork.largestDifference(training, Tensor(shape: [4, 3], scalars: byHand.flatMap { $0 }))
        out.say("Axone's BatchNormalization in training mode: largest difference from the hand computation %@",
                difference < 1e-12 ? "below 1e-12" : String(difference))
        out.say()
        out.say("Running statistics after this one batch (momentum 0.1, starting from 0 and 1):")
        out.say("  mean     %@ = 0.9·0 + 0.1·μ_B", vector(layer.runningMean!.value.scalars))
        out.say("  variance %@ = 0.9·1 + 0.1·(4/3)·σ²_B, with the unbiased batch variance",
                vector(layer.runningVariance!.value.scalars))
        layer.eval()
        let inference = withoutGradients { layer(Variable(x)).value }
        out.say("Inference mode uses them instead of the batch's: y1 = %@, against %@ in training mode",
                vector((0..<3).map { inference[0, $0] }), vector(byHand[0]))
    }

    /// The running statistics of a layer fed 200 batches drawn from a known distribution.
    private static func runningStatistics(_ out: inout TutorialOutput) throws {
        let layer = try BatchNormalization<Double>()
        _ = try Sequential<Double>([layer], inputShape: [3])
        let (mu, sigma) = ([5.0, -2, 10], [3.0, 0.5, 2])
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<200 {
            let batch = Tensor<Double>(shape: [32, 3], scalars: (0..<96).map { mu[$0 % 3] + sigma[$0 % 3] * rng.nextNormal() })
            _ = withoutGradients { layer(Variable(batch)) }
        }
        out.say("200 training batches of 32 drawn from N(μ, σ²) with μ = %@, σ² = %@:", vector(mu), vector(sigma.map { $0 * $0 }))
        out.say("  running mean %@, running variance %@", vector(layer.runningMean!.value.scalars),
                vector(layer.runningVariance!.value.scalars))
    }

    /// The note's Keras model (002:364-371) on 784 inputs, its summary and each normalisation's counts.
    private static func kerasParameterCounts(_ out: inout TutorialOutput) throws {
        let model = try Sequential<Float>(inputShape: [784]) {
            Dense(300, activation: .elu(alpha: 1), kernelInitializer: .heNormal)
            try BatchNormalization()
            Dense(100, activation: .elu(alpha: 1), kernelInitializer: .heNormal)
            try BatchNormalization()
            Dense(10, activation: .softmax)
        }
        out.say("The note's Keras model on 784 inputs:")
        for line in model.summary().split(separator: "\n") { out.say(String(line)) }
        for case let normalization as BatchNormalization<Float> in model.layers {
            out.say("  BatchNormalization of %d features: %d trainable (γ, β), %d non-trainable (running mean and variance)",
                    normalization.gamma!.shape[0], normalization.trainableParameterCount, normalization.nonTrainableParameterCount)
        }
    }

    /// The ten sigmoid layers of `vanishing-gradients`, trained with and without a normalisation
    /// after each; then the normalised one evaluated with batch and with running statistics.
    private static func trainWithAndWithoutNormalization(_ out: inout TutorialOutput) throws {
        let epochs = 30, last = DeepStack.depth
        out.say("The %d sigmoid layers of vanishing-gradients (Glorot), with and without BatchNormalization after each;", last)
        out.say("gradient per weight of layers 1 and %d at initialisation; loss after epochs 1, 10 and %d of SGD η = 0.1, batch 64:",
                last, epochs)
        var curves: [LineChart.Series] = []
        var models: [Sequential<Double>] = []
        for normalized in [false, true] {
            let name = normalized ? "with BatchNormalization" : "without"
            let model = try DeepStack(activation: .sigmoid, initializer: .glorotUniform, batchNormalization: normalized).network()
            let gradients = try DeepStack.weightGradientNorms(model)
            let history = try model.fit(DeepStack.moons.x, DeepStack.moons.y, epochs: epochs, batchSize: 64, verbose: .silent, seed: 0)
            let loss = history["loss"]
            out.say("  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + "%.2e %.2e   %.4f %.4f %.4f",
                    gradients[0], gradients[last - 1], loss[0], loss[9], loss[epochs - 1])
            curves.append(.init(name: name, x: history.epochs.map { Double($0 + 1) }, y: loss))
            models.append(model)
        }
        out.figure("batch-normalization-loss.svg", LineChart(
            title: "Ten sigmoid layers on the two moons, SGD η = 0.1", xLabel: "epoch", yLabel: "binary cross-entropy (training)",
            series: curves))

        let (model, (points, labels)) = (models[1], DeepStack.moons)
        func trainingModeLoss() -> Double {   // batch statistics; the running ones take a step towards them
            withoutGradients { model.configuration!.loss(model(Variable(points)), labels).value.scalar }
        }
        out.say("The trained network with BatchNormalization, loss on all %d points:", points.shape[0])
        out.say("  with the running statistics (inference mode, evaluate)                  %.4f", try model.evaluate(points, labels)["loss"]!)
        out.say("  with the statistics of these %d points (training mode)                 %.4f", points.shape[0], trainingModeLoss())
        for _ in 0..<30 { _ = trainingModeLoss() }
        out.say("  with the running statistics after 30 more passes in training mode       %.4f", try model.evaluate(points, labels)["loss"]!)
    }

    /// `values` as `(a, b, c)` with 4 significant digits.
    private static func vector(_ values: [Double]) -> String {
        "(" + values.map { String(format: "%.4g", $0) }.joined(separator: ", ") + ")"
    }
}
