import Axone
import Foundation

extension Tutorial {
    /// Seed 002 (lines 402-623 of the notes): where VGG16's parameters are, then the note's recipe on a small
    /// VGG-style base — trained on six shapes, frozen, given a new head with the functional API
    /// (`Flatten()(base.output())`, `Dense`, `Model(inputs: base.inputs, outputs: …)`), trained on
    /// four new shapes from 32 images, unfrozen and fine-tuned at a lower learning rate — against the
    /// same network trained from scratch on the 32 images, over 3 seeds.
    static let transferLearning = Tutorial(name: "transfer-learning", title: "Transfer learning: reusing a trained convolutional base",
                                           source: "seed 002") { out in
        let vgg = try VGG16(includeTop: false, inputShape: [32, 32, 3])
        let convolutions = vgg.trainableParameterCount
        let top = (7 * 7 * 512 + 1) * 4_096 + (4_096 + 1) * 4_096 + (4_096 + 1) * 1_000   // fc1, fc2, predictions
        out.say("VGG16(includeTop: false): %d convolutions in 5 blocks, %@ parameters whatever the image size;",
                vgg.layerNames.filter { $0.contains("conv") }.count, groupedThousands(convolutions))
        out.say("the top on 224×224 images (7·7·512 features into fc1, fc2, predictions) adds %@: %@ in all,",
                groupedThousands(top), groupedThousands(convolutions + top))
        out.say("%.1f %% of them in the three Dense layers", 100 * Double(top) / Double(convolutions + top))
        out.say()

        let source: [SyntheticShape] = [.horizontalBar, .verticalBar, .diagonal, .antidiagonal, .plus, .cross]
        let target: [SyntheticShape] = [.square, .corner, .tee, .vee]
        let (xSource, ySource) = SyntheticShape.images(of: source, count: 600, seed: 1)
        let sourceValidation = SyntheticShape.images(of: source, count: 300, seed: 2)
        let base = try vggStyleBase(seed: 0)
        let sourceModel = try classifier(on: base, classes: source.count)
        compile(sourceModel, learningRate: 1e-2)
        try sourceModel.fit(xSource, ySource, epochs: 6, batchSize: 32, verbose: .silent, seed: 0)
        let sourceScores = try sourceModel.evaluate(sourceValidation.x, sourceValidation.y)
        out.say("Source task: 6 shapes (2 bars, 2 diagonals, plus, cross), 12×12 images, %d for training;", xSource.shape[0])
        out.say("the base and a head of 6 classes, %@ parameters, 6 epochs of Adam (lr 1e-2, batch 32):",
                groupedThousands(sourceModel.trainableParameterCount))
        out.say("  validation loss %.4f, accuracy %.1f %% on %d new images", sourceScores["loss"]!, 100 * sourceScores["accuracy"]!,
                sourceValidation.x.shape[0])
        out.say()

        let validation = SyntheticShape.images(of: target, count: 80, seed: 3)
        out.say("Target task: 4 new shapes (square, corner, tee, vee), 8 training images of each, %d validation images.",
                validation.x.shape[0])
        var scratchRuns: [History] = [], transferRuns: [History] = []
        for seed in UInt64(0)..<3 {
            let (x, y) = SyntheticShape.images(of: target, count: 32, seed: 10 + seed)
            func train(_ model: Model<Float>, learningRate: Double, epochs: Range<Int>) throws -> History {
                compile(model, learningRate: learningRate)
                return try model.fit(x, y, epochs: epochs.upperBound, batchSize: 8, validationData: validation, verbose: .silent,
                                     seed: seed, initialEpoch: epochs.lowerBound)
            }
            let scratch = try classifier(on: vggStyleBase(seed: 100 + seed), classes: target.count)
            scratchRuns.append(try train(scratch, learningRate: 5e-3, epochs: 0..<16))

            let reused = try base.clone()
            let transfer = try classifier(on: reused, classes: target.count)
            reused.isTrainable = false
            if seed == 0 {
                out.say("The trained base, frozen (reused.isTrainable = false), with a new head of 4 classes:")
                for line in transfer.summary().split(separator: "\n") { out.say(String(line)) }
            }
            var history = try train(transfer, learningRate: 5e-3, epochs: 0..<8)
            reused.isTrainable = true
            if seed == 0 {
                out.say("Unfrozen (reused.isTrainable = true): %@ trainable parameters, %@ non-trainable",
                        groupedThousands(transfer.trainableParameterCount), groupedThousands(transfer.nonTrainableParameterCount))
                out.say()
            }
            let tuned = try train(transfer, learningRate: 5e-4, epochs: 8..<16)
            for (row, epoch) in tuned.epochs.enumerated() { history.append(epoch: epoch, logs: tuned.keys.map { ($0, tuned[$0][row]) }) }
            transferRuns.append(history)
        }

        out.say("16 epochs of Adam, batch 8 (transfer: 8 with the base frozen at lr 5e-3, then 8 unfrozen at lr 5e-4);")
        out.say("means over 3 seeds, each drawing the 32 training images, the shuffling and the scratch weights:")
        out.say("                              val_loss after epoch        val_accuracy after epoch")
        out.say("                                1      4      8     16             8       16")
        for (name, runs) in [("from scratch (lr 5e-3)", scratchRuns), ("transfer", transferRuns)] {
            let loss = mean(runs, "val_loss"), accuracy = mean(runs, "val_accuracy")
            out.say("  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + "%7.3f%7.3f%7.3f%7.3f%14.1f %%%7.1f %%",
                    loss[0], loss[3], loss[7], loss[15], 100 * accuracy[7], 100 * accuracy[15])
        }
        out.say("from scratch, the training loss after epoch 16: %.3f", mean(scratchRuns, "loss")[15])
        let epochs = (1...16).map(Double.init)
        out.figure("transfer-learning-curves.svg", LineChart(
            title: "Four new shapes from 32 images: from scratch or on a trained base", xLabel: "epoch", yLabel: "cross-entropy (mean of 3 seeds)",
            series: [.init(name: "from scratch: validation", x: epochs, y: mean(scratchRuns, "val_loss"), color: SVGPlot.color(0)),
                     .init(name: "from scratch: training", x: epochs, y: mean(scratchRuns, "loss"), dashed: true, color: SVGPlot.color(0)),
                     .init(name: "transfer: validation", x: epochs, y: mean(transferRuns, "val_loss"), color: SVGPlot.color(1)),
                     .init(name: "transfer: training", x: epochs, y: mean(transferRuns, "loss"), dashed: true, color: SVGPlot.color(1))]))
    }

    /// A VGG-style convolutional base for 12×12 single-channel images, its layers named as VGG16's:
    /// two blocks of a 3×3 `same` ReLU convolution (6, then 12 filters) and a 2×2 max pooling, an
    /// output of `[3, 3, 12]`; weights drawn from `seed`.
    private static func vggStyleBase(seed: UInt64) throws -> Model<Float> {
        let input = Input<Float>(shape: [SyntheticShape.side, SyntheticShape.side, 1], name: "input_1", seed: seed)
        var x = input
        for (block, filters) in [6, 12].enumerated() {
            x = try Conv2D(filters: filters, kernelSize: 3, padding: .same, activation: .relu, name: "block\(block + 1)_conv1")(x)
            x = try MaxPooling2D(poolSize: 2, strides: 2, name: "block\(block + 1)_pool")(x)
        }
        return try Model(inputs: [input], outputs: [x], name: "base")
    }

    /// Seed 002's recipe on `base`: `Flatten`, `Dense(32, relu)` and `Dense(classes, softmax)` on its
    /// output, and the model from its inputs to the new output.
    private static func classifier(on base: Model<Float>, classes: Int) throws -> Model<Float> {
        let flat1 = try Flatten()(base.output())
        let class1 = try Dense(32, activation: .relu)(flat1)
        let output = try Dense(classes, activation: .softmax)(class1)
        return try Model(inputs: base.inputs, outputs: [output])
    }

    /// Adam at `learningRate`, cross-entropy on the softmax's probabilities, accuracy.
    private static func compile(_ model: Model<Float>, learningRate: Double) {
        model.compile(optimizer: Adam(learningRate: learningRate), loss: .categoricalCrossEntropy(fromLogits: false), metrics: [.accuracy])
    }

    /// The epoch-by-epoch mean of `key` over `runs`.
    private static func mean(_ runs: [History], _ key: String) -> [Double] {
        runs[0][key].indices.map { epoch in runs.map { $0[key][epoch] }.reduce(0, +) / Double(runs.count) }
    }
}
