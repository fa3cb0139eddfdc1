import Axone
import Foundation

extension Tutorial {
    /// Seed 003: the Keras workflow of the note's MNIST logistic regression — `Sequential`, `add`,
    /// `compile`, `summary()`, `fit` with a validation split, `evaluate`, `predict` — with the
    /// `EarlyStopping` and `ModelCheckpoint` callbacks, on synthetic 28×28 "digits" made in code.
    static let kerasWorkflow = Tutorial(name: "keras-workflow", title: "The Keras workflow: compile, fit, evaluate, predict",
                                        source: "seed 003") { out in
        let (xTrain, yTrain) = syntheticDigits(count: 1000, seed: 1)
        let (xTest, yTest) = syntheticDigits(count: 500, seed: 2)
        out.say("Synthetic digits: 10 classes of 28×28 images (a noisy copy of each class's template),")
        out.say("pixels 0…255 divided by 255 and flattened to 784 values; %d training and %d test images",
                xTrain.shape[0], xTest.shape[0])
        out.say()
        let model = try Sequential<Float>([], inputShape: [784], name: "logistic_regression")
        try model.add(Dense(10, inputSize: 784, name: "fc1"))
        try model.add(ActivationLayer(.softmax))
        model.compile(optimizer: SGD(learningRate: 0.1), loss: .categoricalCrossEntropy(fromLogits: false), metrics: [.accuracy])
        for line in model.summary().split(separator: "\n") { out.say(String(line)) }
        out.say()

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("axone-keras-workflow-\(ProcessInfo.processInfo.globallyUniqueString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stopping = EarlyStopping<Float>(monitor: "val_loss", patience: 4, minDelta: 0.02, restoreBestWeights: true)
        let checkpoint = try ModelCheckpoint<Float>(path: directory + "/best-{epoch:02d}.safetensors", monitor: "val_loss",
                                                    saveBestOnly: true)
        let history = try model.fit(xTrain, yTrain, epochs: 50, batchSize: 128, validationSplit: 0.2,
                                    callbacks: [stopping, checkpoint], verbose: .silent, seed: 0)
        out.say("fit(epochs: 50, batchSize: 128, validationSplit: 0.2): 800 images train, the last 200 validate")
        out.say("epoch   loss  accuracy  val_loss  val_accuracy")
        for (row, epoch) in history.epochs.enumerated() {
            out.say("%5d  %.4f  %6.1f %%    %.4f      %6.1f %%", epoch + 1, history["loss"][row], 100 * history["accuracy"][row],
                    history["val_loss"][row], 100 * history["val_accuracy"][row])
        }
        if let stopped = stopping.stoppedEpoch, let best = stopping.best {
            out.say("EarlyStopping(patience: 4, minDelta: 0.02): stopped after epoch %d, best val_loss %.4f at epoch %d,",
                    stopped + 1, best.value, best.epoch + 1)
            out.say("  its weights restored")
        } else {
            out.say("EarlyStopping(patience: 4, minDelta: 0.02): ran all 50 epochs")
        }
        let files = checkpoint.written.map { URL(fileURLWithPath: $0).lastPathComponent }
        out.say("ModelCheckpoint(saveBestOnly: true) wrote %d files, the last %@", files.count, files.last ?? "none")
        out.figure("keras-workflow-curves.svg", svg: LearningCurves.svg(history: history, title: "Logistic regression on synthetic digits"))
        out.say()

        let scores = try model.evaluate(xTest, yTest)
        out.say("evaluate on the test images:  loss %.4f, accuracy %.2f %%", scores["loss"]!, 100 * scores["accuracy"]!)
        if let last = checkpoint.written.last {
            let reloaded = try ModelFile.load(from: last, as: Float.self).model
            reloaded.compile(optimizer: SGD(learningRate: 0.1), loss: .categoricalCrossEntropy(fromLogits: false), metrics: [.accuracy])
            let again = try reloaded.evaluate(xTest, yTest)
            out.say("the last checkpoint reloaded: loss %.4f, accuracy %.2f %%", again["loss"]!, 100 * again["accuracy"]!)
        }
        let probabilities = try model.predict(xTest.rows(0..<5))
        out.say("predict on the first 5 test images (class: probability):")
        for i in 0..<5 {
            let row = (0..<10).map { Double(probabilities[i, $0]) }
            let best = row.indices.max { row[$0] < row[$1] }!
            out.say("  image %d: predicted %d (%.2f), true class %.0f", i, best, row[best], Double(yTest[i]))
        }
    }

    /// `count` synthetic 28×28 "digits" of 10 classes: each class has a fixed random template,
    /// each image is its class's template plus Gaussian noise, clipped and quantised to 0…255 like
    /// MNIST's pixels, then divided by 255 and flattened (the note's `reshape(-1, 784)` and `/255`).
    /// Returns the images `[count, 784]` and their class indices `[count]`.
    static func syntheticDigits(count: Int, noise: Double = 1.5, seed: UInt64) -> (x: Tensor<Float>, y: Tensor<Float>) {
        var templates = SeededGenerator(seed: 0)
        let template = (0..<10).map { _ in (0..<784).map { _ in templates.nextUnit() } }
        var rng = SeededGenerator(seed: seed)
        var pixels: [Float] = [], labels: [Float] = []
        pixels.reserveCapacity(count * 784)
        for _ in 0..<count {
            let label = rng.nextIndex(below: 10)
            for value in template[label] {
                let byte = (255 * min(max(value + noise * rng.nextNormal(), 0), 1)).rounded()
                pixels.append(Float(byte / 255))
            }
            labels.append(Float(label))
        }
        return (Tensor(shape: [count, 784], scalars: pixels), Tensor(shape: [count], scalars: labels))
    }
}
