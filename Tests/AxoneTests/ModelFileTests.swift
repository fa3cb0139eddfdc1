import Foundation
import Testing
@testable import Axone

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("axone-\(UUID())-\(name)").path
}

@Suite struct ModelFileTests {
    /// Every layer type of the catalogue, trained a little so no value is at its initial state.
    func everyLayerModel() throws -> Sequential<Float> {
        let model = try Sequential<Float>(inputShape: [2, 3], seed: 11) {
            Flatten()
            Dense(8, activation: .selu, kernelInitializer: .lecunNormal)
            try BatchNormalization()
            PReLU()
            try Dropout(rate: 0.2)
            try Maxout(5, pieces: 2)
            try RReLU()
            try GaussianNoise(standardDeviation: 0.05)
            ActivationLayer(.tanh)
            Dense(3)
        }
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy())
        return model
    }

    func data(count: Int = 48) -> (x: Tensor<Float>, y: Tensor<Float>) {
        var rng = SeededGenerator(seed: 5)
        return (Tensor.randomNormal([count, 2, 3], using: &rng),
                Tensor(shape: [count], scalars: (0..<count).map { Float($0 % 3) }))
    }

    @Test func saveLoadPredictIsBitIdenticalForEveryLayerType() throws {
        let (x, y) = data()
        let model = try everyLayerModel()
        try model.fit(x, y, epochs: 2, batchSize: 16, verbose: .silent)
        let path = temporaryPath("model.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, to: path)
        let (loaded, training) = try ModelFile.load(from: path, as: Float.self)
        #expect(training == nil)
        #expect(try loaded.predict(x) == model.predict(x))
        #expect(loaded.summary() == model.summary())
        // Any safetensors reader sees the layout of SPEC §10.
        let file = try SafeTensors(contentsOf: path)
        #expect(file.names.contains("layers.1.weight") && file.names.contains("layers.2.runningMean"))
        #expect(file.entry(named: "layers.1.weight")?.shape == [6, 8])
        #expect(file.metadata["axone.layout"] == ModelFile.layout)
    }

    @Test func resumingFromACheckpointIsBitIdentical() throws {
        // 4 epochs, save, load, 4 more == 8 epochs in one go: weights, Adam moments, dropout masks,
        // shuffling and an epoch-based learning-rate schedule all continue exactly.
        let (x, y) = data()
        let schedule = { LearningRateScheduler<Float>(.step(initial: 0.01, factor: 0.5, stepSize: 3)) }
        let straight = try everyLayerModel()
        try straight.fit(x, y, epochs: 8, batchSize: 16, callbacks: [schedule()], verbose: .silent, seed: 3)

        let first = try everyLayerModel()
        let optimizer = try #require(first.configuration?.optimizer)
        let history = try first.fit(x, y, epochs: 4, batchSize: 16, callbacks: [schedule()], verbose: .silent, seed: 3)
        let path = temporaryPath("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(first, to: path, training: TrainingCheckpoint(optimizer: optimizer, epoch: history.epochs.count, seed: 3))

        let (resumed, checkpoint) = try ModelFile.load(from: path, as: Float.self)
        let training = try #require(checkpoint)
        #expect(training.epoch == 4 && training.optimizer.iterations == 12)
        resumed.compile(optimizer: training.optimizer, loss: .categoricalCrossEntropy())
        try resumed.fit(x, y, epochs: 8, batchSize: 16, callbacks: [schedule()], verbose: .silent, seed: training.seed,
                        initialEpoch: training.epoch)
        #expect(resumed.state() == straight.state())
        #expect(training.optimizer.stateTensors(Float.self).map(\.tensor)
                == straight.configuration!.optimizer.stateTensors(Float.self).map(\.tensor))
    }

    @Test func aValidSafetensorsFileThatIsNotAModelIsRejectedClearly() throws {
        let path = temporaryPath("bad.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.write([(name: "w", tensor: Tensor<Float>.zeros([2]))], to: path)
        #expect(throws: ModelFileError.missingMetadata(path: path, key: "axone.architecture")) {
            try ModelFile.load(from: path, as: Float.self)
        }
        let model = try Sequential<Float>(inputShape: [2]) { Dense(3) }
        let architecture = try model.architecture().json
        try SafeTensors.write([(name: "layers.0.weight", tensor: Tensor<Float>.zeros([2, 3]))],
                              metadata: ["axone.architecture": architecture], to: path)
        #expect(throws: ModelFileError.missingTensor(path: path, name: "layers.0.bias")) {
            try ModelFile.load(from: path, as: Float.self)
        }
        try SafeTensors.write([(name: "layers.0.weight", tensor: Tensor<Float>.zeros([3, 2])),
                               (name: "layers.0.bias", tensor: Tensor<Float>.zeros([3]))],
                              metadata: ["axone.architecture": architecture], to: path)
        #expect(throws: ModelFileError.shapeMismatch(path: path, name: "layers.0.weight", expected: [2, 3], got: [3, 2])) {
            try ModelFile.load(from: path, as: Float.self)
        }
    }

    @Test func aFailedSaveKeepsThePreviousFile() throws {
        let path = temporaryPath("keep.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try Sequential<Float>(inputShape: [2], seed: 1) { Dense(3) }
        try ModelFile.save(model, to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let unbuilt = try Sequential<Float>([Dense(3)])
        #expect(throws: TrainingError.notBuilt) { try ModelFile.save(unbuilt, to: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}

@Suite struct TransferLearningTests {
    /// Seed 002:426-510: reuse all layers of model A but the last, add a new head, freeze, train,
    /// unfreeze, fine-tune; clone A first so that training B leaves A unchanged.
    @Test func theSeedsRecipe() throws {
        let (x, y) = blobs(count: 60)
        let modelA = try smallModel(seed: 2)
        try modelA.fit(x, y, epochs: 5, batchSize: 20, verbose: .silent)
        let originalA = modelA.state()

        let clone = try modelA.clone()
        #expect(clone.state() == originalA)
        let binary = Tensor<Float>(shape: y.shape, scalars: y.scalars.map { $0 == 0 ? 1 : 0 })
        let modelB = try Sequential<Float>(Array(clone.layers.dropLast()) + [Dense(1, activation: .sigmoid)], seed: 4)
        for layer in modelB.layers.dropLast() { layer.isTrainable = false }
        #expect(modelB.trainableParameterCount == 9)                    // the new head: 8 weights + 1 bias
        #expect(modelB.nonTrainableParameterCount == 2 * 8 + 8)          // the frozen Dense(2→8)
        #expect(modelB.summary().contains(" Non-trainable params: 24"))
        let frozen = modelB.layers[0].state()
        modelB.compile(optimizer: Adam(learningRate: 0.01), loss: .binaryCrossEntropy(), metrics: [.accuracy])
        try modelB.fit(x, binary.reshaped([-1, 1]), epochs: 5, batchSize: 20, verbose: .silent)
        #expect(modelB.layers[0].state() == frozen)                      // frozen layers did not move
        for layer in modelB.layers { layer.isTrainable = true }
        modelB.compile(optimizer: Adam(learningRate: 1e-4), loss: .binaryCrossEntropy(), metrics: [.accuracy])
        try modelB.fit(x, binary.reshaped([-1, 1]), epochs: 2, batchSize: 20, verbose: .silent)
        #expect(modelB.layers[0].state() != frozen)                      // fine-tuning moves them
        #expect(modelA.state() == originalA)                             // A never changed
    }
}
