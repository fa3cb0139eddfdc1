import Testing
@testable import Axone

/// Seed 002's transfer recipe on a convolutional base (``TransferExperiment``), on slices of
/// Fashion-MNIST small enough for a debug build.
@Suite struct TransferExperimentTests {
    /// The first 1,500 training images (about 1,200 of the 8 classes of task A, 300 sandals and
    /// shirts of which B takes 200) and the first 500 test images.
    static func tasks() throws -> TransferExperiment.Tasks {
        try TransferExperiment.Tasks(train: FashionMNIST.load(split: .train).subset(0..<1500),
                                     test: FashionMNIST.load(split: .test).subset(0..<500))
    }

    /// Model B reuses A's convolutional base frozen: during the frozen phase the base's weights do
    /// not move (they stay A's, bit for bit) while the new head learns sandal vs shirt (training
    /// accuracy above 85 %; these are easy to tell apart); after unfreezing, fine-tuning moves them.
    @Test func frozenConvolutionalBaseStaysWhileTheNewHeadLearns() throws {
        let tasks = try Self.tasks()
        #expect(tasks.trainB.count == 200 && tasks.trainA.classCount == 8 && tasks.testB.classCount == 2)
        let modelA = try TransferExperiment.network(.cnn, classes: 8, seed: 0)
        modelA.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        try modelA.fit(tasks.trainA, epochs: 1, batchSize: 64, verbose: .silent)
        let weightsA = modelA.namedParameters().prefix(4).map(\.variable.value)   // the two convolutions' kernels and biases

        let modelB = try TransferExperiment.reusing(modelA, base: .cnn, seed: 1)
        #expect(modelB.layers.map(\.typeName) == ["Reshape", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"])
        #expect(modelB.layers.prefix(6).allSatisfy { !$0.isTrainable } && modelB.layers.suffix(2).allSatisfy(\.isTrainable))
        #expect(modelB.trainableParameterCount == 1_600 * 64 + 64 + 65)          // only the new head trains
        let base = { modelB.namedParameters().prefix(4).map(\.variable.value) }
        #expect(base() == weightsA)

        modelB.compile(optimizer: Adam(learningRate: 1e-3), loss: .binaryCrossEntropy(), metrics: [.accuracy])
        let history = try modelB.fit(tasks.trainB, epochs: 4, batchSize: 32, verbose: .silent)
        #expect(base() == weightsA, "the frozen base's weights did not move")
        #expect(modelA.namedParameters().prefix(4).map(\.variable.value) == weightsA, "A is left untouched")
        #expect(history["accuracy"].last! > 0.85, "the new head learns: \(history["accuracy"])")
        #expect(history["loss"].last! < history["loss"].first!)

        for layer in modelB.layers { layer.isTrainable = true }
        modelB.compile(optimizer: Adam(learningRate: 1e-4), loss: .binaryCrossEntropy(), metrics: [.accuracy])
        try modelB.fit(tasks.trainB, epochs: 5, batchSize: 32, verbose: .silent, initialEpoch: 4)
        #expect(base() != weightsA, "fine-tuning moves the base")
    }

    /// The whole experiment for one seed, on the MLP base (quick): every accuracy is a fraction of
    /// the test images, and the report lines read as `axone experiment transfer` prints them.
    @Test func oneSeedOfTheExperiment() throws {
        var settings = TransferExperiment.Settings()
        (settings.epochsA, settings.frozenEpochs, settings.fineTuneEpochs) = (1, 1, 1)
        let outcome = try TransferExperiment.run(.mlp, tasks: Self.tasks(), settings: settings, seed: 3)
        #expect(outcome.seed == 3)
        #expect((0.3...1).contains(outcome.accuracyA))                         // 8 classes: chance is 12.5 %
        for accuracy in [outcome.scratch, outcome.transfer] { #expect((0.5...1).contains(accuracy)) }
        #expect(TransferExperiment.line(outcome).hasPrefix("seed 3: A (8 classes) "))
        #expect(TransferExperiment.meanLine([outcome], base: .mlp).hasPrefix("mean over 1 seeds (mlp base): B from scratch "))
        #expect(throws: DataError.self) {
            try TransferExperiment.Tasks(train: FashionMNIST.load(split: .test).subset(0..<100), test: FashionMNIST.load(split: .test).subset(0..<10))
        }
    }
}
