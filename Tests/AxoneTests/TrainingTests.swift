import Foundation
import Testing
@testable import Axone

/// Small classification data: 3 Gaussian blobs in 2-D (generated in code).
func blobs(count: Int = 90, seed: UInt64 = 0) -> (x: Tensor<Float>, y: Tensor<Float>) {
    let data: (points: Tensor<Float>, labels: Tensor<Float>) = Synthetic2D.blobs.generate(count: count, noise: 0.2, classes: 3, seed: seed)
    return (data.points, data.labels)
}

func smallModel(seed: UInt64 = 1, dropout: Double = 0) throws -> Sequential<Float> {
    let model = try Sequential<Float>(inputShape: [2], seed: seed) {
        Dense(8, activation: .tanh)
        try Dropout(rate: dropout)
        Dense(3)
    }
    model.compile(optimizer: Adam(learningRate: 0.05), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
    return model
}

func weights(_ model: Layer<Float>) -> [Tensor<Float>] { model.namedParameters().map(\.variable.value) }

@Suite struct TrainingTests {
    @Test func anMLPSolvesXOR() throws {
        // Seed 003:484 — XOR is not linearly separable; one hidden layer solves it.
        let x = Tensor<Float>([[0, 0], [0, 1], [1, 0], [1, 1]]), y = Tensor<Float>(shape: [4], scalars: [0, 1, 1, 0])
        let model = try Sequential<Float>(inputShape: [2], seed: 3) {
            Dense(4, activation: .tanh)
            Dense(2)
        }
        model.compile(optimizer: Adam(learningRate: 0.05), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        let history = try model.fit(x, y, epochs: 300, batchSize: 4, verbose: .silent)
        #expect(history["loss"].last! < 0.05)
        #expect(try model.evaluate(x, y)["accuracy"] == 1)
        #expect(try model.predict(x).argmaxRows() == [0, 1, 1, 0])
    }

    @Test func theSameSeedGivesABitIdenticalHistory() throws {
        let (x, y) = blobs()
        func run() throws -> (History, [Tensor<Float>]) {
            let model = try smallModel(dropout: 0.2)
            let history = try model.fit(x, y, epochs: 4, batchSize: 16, validationSplit: 0.2, verbose: .silent, seed: 7)
            return (history, weights(model))
        }
        let (a, wa) = try run(), (b, wb) = try run()
        #expect(a == b)
        #expect(wa == wb)
        let other = try smallModel(dropout: 0.2)
        #expect(try other.fit(x, y, epochs: 4, batchSize: 16, verbose: .silent, seed: 8)["loss"] != a["loss"])
    }

    @Test func trainingInTwoCallsEqualsOneCall() throws {
        // fit(…, initialEpoch:) continues the shuffling sequence; the optimiser keeps its moments.
        let (x, y) = blobs()
        let once = try smallModel(dropout: 0.1)
        try once.fit(x, y, epochs: 4, batchSize: 16, verbose: .silent, seed: 5)
        let twice = try smallModel(dropout: 0.1)
        try twice.fit(x, y, epochs: 2, batchSize: 16, verbose: .silent, seed: 5)
        try twice.fit(x, y, epochs: 4, batchSize: 16, verbose: .silent, seed: 5, initialEpoch: 2)
        #expect(weights(once) == weights(twice))
    }

    @Test func earlyStoppingRestoresTheBestEpoch() throws {
        let (x, y) = blobs()
        // Validation labels are rotated, so the better the model fits, the worse the validation loss.
        let flipped = Tensor(shape: y.shape, scalars: y.scalars.map { Float((Int($0) + 1) % 3) })
        let model = try smallModel()
        var snapshots: [[Tensor<Float>]] = []
        let recorder = LambdaCallback<Float> { _, _, model in snapshots.append(weights(model)) }
        let stopping = EarlyStopping<Float>(monitor: "val_loss", patience: 2, restoreBestWeights: true)
        let history = try model.fit(x, y, epochs: 20, batchSize: 16, validationData: (x, flipped),
                                    callbacks: [recorder, stopping], verbose: .silent)
        let best = try #require(stopping.best)
        #expect(history.epochs.count == best.epoch + 3)          // best, then `patience` worse epochs (Keras)
        #expect(stopping.stoppedEpoch == best.epoch + 2)
        #expect(best.value == history["val_loss"].min())
        #expect(weights(model) == snapshots[best.epoch])
        #expect(weights(model) != snapshots.last!)
    }

    /// Keras `EarlyStopping` (keras/src/callbacks/early_stopping.py, `on_epoch_end`): `wait += 1` each
    /// epoch, reset to 0 by an improvement (`current - min_delta < best` for a loss), and
    /// `if self.wait >= self.patience and epoch > 0: stop`. Traced by hand on the losses below with
    /// patience 3: improvements at epochs 0, 1 and 4, then waits 1, 2, 3 at epochs 5, 6, 7, so
    /// Keras stops at the end of epoch 7 (8 epochs run). Patience 0 stops at the first epoch that
    /// does not improve (epoch 2).
    @Test(arguments: [(3, 7), (0, 2)])
    func earlyStoppingFollowsKerasPatienceRule(patience: Int, stopEpoch: Int) throws {
        let losses = [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.72, 0.71, 0.73, 0.74]
        let model = try smallModel()
        let stopping = EarlyStopping<Float>(monitor: "loss", patience: patience)
        try stopping.trainingWillBegin(model: model)
        var ran = 0
        for (epoch, loss) in losses.enumerated() where !model.stopTraining {
            try stopping.epochDidEnd(epoch, logs: Logs([("loss", loss)]), model: model)
            ran += 1
        }
        #expect(stopping.stoppedEpoch == stopEpoch)
        #expect(ran == stopEpoch + 1)
        #expect(stopping.best?.epoch == (patience == 0 ? 1 : 4))
    }

    /// Keras `ReduceLROnPlateau` (keras/src/callbacks/reduce_lr_on_plateau.py): after the cooldown
    /// check, a non-improving epoch does `wait += 1` and `if self.wait >= self.patience` multiplies the
    /// rate by `factor` and resets `wait`. With patience 2 and no epoch improving after the first,
    /// the rate drops at the end of epochs 2 and 4, so the `lr` logged (before the callback runs)
    /// reads 0.1 ×3, 0.05 ×2, 0.025.
    @Test func reduceLROnPlateauHalvesAfterPatienceFlatEpochs() throws {
        let (x, y) = blobs()
        let model = try smallModel()
        model.compile(optimizer: SGD(learningRate: 0.1), loss: .categoricalCrossEntropy())
        // minDelta 10: no epoch counts as an improvement after the first.
        let plateau = ReduceLROnPlateau<Float>(monitor: "loss", factor: 0.5, patience: 2, minDelta: 10)
        let history = try model.fit(x, y, epochs: 6, batchSize: 30, callbacks: [plateau], verbose: .silent)
        #expect(history["lr"] == [0.1, 0.1, 0.1, 0.05, 0.05, 0.025])
    }

    @Test func csvLoggerWritesOneRowPerEpoch() throws {
        let (x, y) = blobs()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("axone-log-\(UUID()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let history = try smallModel().fit(x, y, epochs: 3, batchSize: 16, validationSplit: 0.2,
                                           callbacks: [CSVLogger(path: path)], verbose: .silent)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "epoch,loss,accuracy,val_loss,val_accuracy,lr")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("0,\(history["loss"][0]),"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == history.csv)
    }

    @Test func terminateOnNaNStopsWithAClearError() throws {
        let x = Tensor<Float>([[1], [2], [3]]), y = Tensor<Float>([[1], [2], [3]])
        let model = try Sequential<Float>(inputShape: [1], seed: 0) { Dense(1) }
        model.compile(optimizer: SGD(learningRate: 1e30), loss: .meanSquaredError)
        let guardCallback = TerminateOnNaN<Float>()
        #expect(throws: TrainingError.self) {
            try model.fit(x, y, epochs: 50, batchSize: 3, callbacks: [guardCallback], verbose: .silent)
        }
        #expect(guardCallback.terminatedAt != nil)
        #expect(TrainingError.nonFiniteLoss(epoch: 0, batch: 1).description.contains("lower the learning rate"))
    }

    /// Gradient descent on MSE with a step far past 2/λ_max diverges geometrically: for Dense(1) on
    /// x = y = [1, 2, 3], the Hessian 2·[[14/3, 2], [2, 1]] has λ_max ≈ 11.1, so lr = 1 multiplies the
    /// error along that direction by ≈ −10 each step. The loss (finite in Double) passes 10× the first
    /// epoch's within a few epochs, and the hook hears of it once, with the epoch and step.
    @Test func divergentLossIsReportedOnceThroughTheHook() throws {
        let x = Tensor<Double>([[1], [2], [3]])
        let model = try Sequential<Double>(inputShape: [1], seed: 0) { Dense(1) }
        model.compile(optimizer: SGD(learningRate: 1), loss: .meanSquaredError)
        var warnings: [DivergenceWarning] = []
        model.divergenceHandler = { warnings.append($0) }
        let history = try model.fit(x, x, epochs: 20, batchSize: 3, verbose: .silent)
        let losses = history["loss"]
        let warning = try #require(warnings.first)
        #expect(warnings.count == 1)
        #expect(losses.allSatisfy(\.isFinite) && losses.last! > 1e6 * losses[0])
        let first = try #require(losses.firstIndex { $0 > 10 * losses[0] })   // one batch per epoch
        #expect(warning.epoch == first && warning.step == 0)
        #expect(warning.loss == losses[first] && warning.reference == losses[0] && warning.nonFiniteLayer == nil)
        #expect(warning.description.contains("epoch \(first + 1), step 1"))

        // Fitted one epoch at a time (as the playground does), a run does not know its first
        // epoch's loss: the same divergence is not compared with a late epoch's loss.
        let stepwise = try Sequential<Double>(inputShape: [1], seed: 0) { Dense(1) }
        stepwise.compile(optimizer: SGD(learningRate: 1), loss: .meanSquaredError)
        var late: [DivergenceWarning] = []
        stepwise.divergenceHandler = { late.append($0) }
        for epoch in 0..<20 { try stepwise.fit(x, x, epochs: epoch + 1, batchSize: 3, verbose: .silent, initialEpoch: epoch) }
        #expect(late.isEmpty)   // epoch 0 alone (one batch) never grows past its own first batch
        #expect(stepwise.state() == model.state())
    }

    /// A loss that overflows Float is reported as non-finite, naming the first layer whose output on
    /// the batch is not finite: at lr 1e30 the second step pushes the Dense weights past Float's
    /// range, so its own output is infinite.
    @Test func nonFiniteLossNamesTheFirstNonFiniteLayer() throws {
        let x = Tensor<Float>([[1], [2], [3]])
        let model = try Sequential<Float>(inputShape: [1], seed: 0) { Dense(1) }
        model.compile(optimizer: SGD(learningRate: 1e30), loss: .meanSquaredError)
        var warnings: [DivergenceWarning] = []
        model.divergenceHandler = { warnings.append($0) }
        try model.fit(x, x, epochs: 10, batchSize: 3, verbose: .silent)
        let warning = try #require(warnings.first)
        #expect(warnings.count == 1 && !warning.loss.isFinite)
        #expect(warning.nonFiniteLayer == "layers.0 (\(model.layers[0].displayName))")
        #expect(warning.description.contains("first non-finite output: layers.0"))
    }

    @Test func badDataGivesTypedErrors() throws {
        let (x, y) = blobs()
        let model = try smallModel()
        let outOfRange = Tensor(shape: y.shape, scalars: y.scalars.map { $0 == 2 ? 7 : $0 })
        #expect(throws: TrainingError.labelOutOfRange(label: 7, classes: 3)) { try model.fit(x, outOfRange, verbose: .silent) }
        #expect(throws: TrainingError.dataShape(expected: [2], got: [5], what: "training data features")) {
            try model.fit(Tensor<Float>.zeros([90, 5]), y, verbose: .silent)
        }
        #expect(throws: TensorError.self) { try model.fit(x, y.rows(0..<10), verbose: .silent) }
        #expect(throws: TrainingError.dataShape(expected: [2], got: [4, 3], what: "inputs")) {
            try model.predict(Tensor<Float>.zeros([4, 3]))
        }
        let uncompiled = try Sequential<Float>(inputShape: [2]) { Dense(3) }
        #expect(throws: TrainingError.notCompiled) { try uncompiled.fit(x, y, verbose: .silent) }
        #expect(TrainingError.labelOutOfRange(label: 7, classes: 3).description
                == "label 7.0 is out of range for a model with 3 outputs (expected an integer in 0..<3)")
    }

    @Test func predictIsBatchIndependentAndUsesInferenceMode() throws {
        let (x, _) = blobs()
        let model = try smallModel(dropout: 0.5)
        let a = try model.predict(x, batchSize: 7), b = try model.predict(x, batchSize: 1000)
        #expect(a == b)
        #expect(model.isTraining)   // restored after predict
        let once = try model.predictMonteCarlo(x, samples: 1)
        #expect(once != a)          // dropout is active in Monte-Carlo passes
        let averaged = try model.predictMonteCarlo(x, samples: 400)
        // The average of inverted-dropout passes approaches the deterministic prediction (Float, absolute 0.15).
        #expect(zip(averaged.scalars, a.scalars).allSatisfy { abs($0 - $1) < 0.15 })
    }

    @Test func classWeightsScaleEachExamplesLoss() throws {
        let (x, y) = blobs(count: 30)
        let model = try smallModel()
        model.compile(optimizer: SGD(learningRate: 0), loss: .categoricalCrossEntropy())
        let plain = try model.fit(x, y, epochs: 1, batchSize: 30, verbose: .silent)["loss"][0]
        let doubled = try model.fit(x, y, epochs: 1, batchSize: 30, classWeight: [0: 2, 1: 2, 2: 2], verbose: .silent)["loss"][0]
        #expect(abs(doubled - 2 * plain) < 1e-5)
        // Only class 0 weighted 3×: loss = (Σ_{y=0} 3·lᵢ + Σ_{y≠0} lᵢ)/n, computed here from the per-example losses.
        let logits = try model.predict(x)
        let perExample = (0..<30).map { i in -Double(logits.logSoftmax()[i, Int(y.scalars[i])]) }
        let expected = (0..<30).map { y.scalars[$0] == 0 ? 3 * perExample[$0] : perExample[$0] }.reduce(0, +) / 30
        let weighted = try model.fit(x, y, epochs: 1, batchSize: 30, classWeight: [0: 3], verbose: .silent)["loss"][0]
        #expect(abs(weighted - expected) < 1e-5)
    }

    @Test func validationSplitHoldsOutTheLastExamples() throws {
        let (x, y) = blobs()
        let model = try smallModel()
        let history = try model.fit(x, y, epochs: 2, batchSize: 16, validationSplit: 0.2, verbose: .silent)
        let last = try model.evaluate(x.rows(72..<90), y.rows(72..<90))
        #expect(abs(history["val_loss"].last! - last["loss"]!) < 1e-6)
        #expect(history.keys == ["loss", "accuracy", "val_loss", "val_accuracy", "lr"])
    }
}

/// The README's library example, on a 2,000-image slice so it runs in seconds.
@Test func theReadmeExampleTrainsAndSaves() throws {
    let train = try FashionMNIST.load(split: .train).subset(Array(0..<2000))
    let test = try FashionMNIST.load(split: .test).subset(Array(0..<500))
    let model = try Sequential<Float>(inputShape: [784], seed: 0) {
        Dense(256, activation: .relu)
        Dense(128, activation: .relu)
        try Dropout(rate: 0.2)
        Dense(10)
    }
    model.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
    #expect(model.summary().contains(" Total params: 235,146"))
    let path = temporaryPath("history.csv"), modelPath = temporaryPath("fmnist.safetensors")
    defer { for p in [path, modelPath] { try? FileManager.default.removeItem(atPath: p) } }
    let history = try model.fit(train, epochs: 3, batchSize: 128, validationData: test,
                                callbacks: [EarlyStopping(patience: 3, restoreBestWeights: true), CSVLogger(path: path)],
                                verbose: .silent)
    #expect(history["val_accuracy"].last! > 0.7)
    #expect(try model.evaluate(test)["accuracy"]! > 0.7)
    try ModelFile.save(model, to: modelPath)
    #expect(try ModelFile.load(from: modelPath, as: Float.self).model.predict(test.allImages()) == model.predict(test.allImages()))
}

/// The README's functional example (two heads: classes and groups), on a 2,000-image slice.
@Test func theReadmeFunctionalExampleTrainsTwoHeads() throws {
    let train = try FashionMNIST.load(split: .train).subset(Array(0..<2000))
    let test = try FashionMNIST.load(split: .test).subset(Array(0..<500))
    func targets(_ split: LabeledImages) -> [Tensor<Float>] {
        [Tensor(shape: [split.count], scalars: split.labels.map(Float.init)),
         Tensor(shape: [split.count], scalars: split.labels.map { Float(FashionMNIST.groupOfClass[$0]) })]
    }
    let inputs = Input<Float>(shape: [784], seed: 0)
    var x = try Dense(256, activation: .relu)(inputs)
    x = try Dense(128, activation: .relu)(x)
    let classes = try Dense(10, name: "classes")(x)
    let groups = try Dense(4, name: "groups")(x)
    let twoHeads = try Model(inputs: [inputs], outputs: [classes, groups])
    try twoHeads.compile(optimizer: Adam(learningRate: 1e-3),
                         losses: ["classes": .categoricalCrossEntropy(), "groups": .categoricalCrossEntropy()],
                         lossWeights: ["groups": 0.5], metrics: ["classes": [.accuracy], "groups": [.accuracy]])
    #expect(twoHeads.summary().contains(" Total params: 235,662"))   // 235,146 + the 4-unit head (128·4 + 4)
    let history = try twoHeads.fit([train.allImages()], targets(train), epochs: 3, batchSize: 128, validationSplit: 0.1,
                                   verbose: .silent)
    #expect(history.keys.contains("val_groups_accuracy"))
    let logs = try twoHeads.evaluate([test.allImages()], targets(test))
    #expect(logs["classes_accuracy"]! > 0.7 && logs["groups_accuracy"]! > 0.85, "\(logs)")
    let predictions = try twoHeads.predict([test.allImages()])
    #expect(predictions.map(\.shape) == [[500, 10], [500, 4]])
}
