import ArgumentParser
import Axone
import Foundation

/// `axone experiment transfer`: Géron's Fashion-MNIST transfer-learning experiment (seed 002:426-510).
struct TransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Transfer learning: model A on 8 Fashion-MNIST classes, model B on sandal vs shirt from 200 images.",
        discussion: """
            Model A (784-300-100-50-50-50-8, ReLU, Glorot-uniform) learns every class but sandal (5) and shirt (6). \
            Model B learns sandal vs shirt from 200 training images, once from scratch and once reusing A: \
            A is cloned, its head replaced by Dense(1, sigmoid), the reused layers frozen for a few epochs, then \
            unfrozen and fine-tuned (seed 002's recipe). Test accuracy is on all 2000 test sandals and shirts.
            """)

    @Option(parsing: .unconditional, help: "Seeds to repeat the experiment with.") var seeds = 3
    @Option(parsing: .unconditional, help: "Epochs of model A.") var epochsA = 5
    @Option(parsing: .unconditional, help: "Epochs with the reused layers frozen.") var frozenEpochs = 4
    @Option(parsing: .unconditional, help: "Epochs of fine-tuning after unfreezing (and of B trained from scratch: frozen + fine-tuning).")
    var fineTuneEpochs = 16
    @Option(parsing: .unconditional, help: "Learning rate of the frozen phase.") var learningRate = 1e-3
    @Option(parsing: .unconditional, help: "Learning rate of the fine-tuning phase.") var fineTuneLearningRate = 1e-3
    @Option(help: "Fashion-MNIST directory.") var dataDirectory = FashionMNIST.defaultDirectory

    func validate() throws {
        try OptionError.require(seeds, "seeds", atLeast: 1)
        try OptionError.require(epochsA, "epochs-a", atLeast: 1)
        try OptionError.require(frozenEpochs, "frozen-epochs", atLeast: 0)
        try OptionError.require(fineTuneEpochs, "fine-tune-epochs", atLeast: 0)
        try OptionError.requirePositive(learningRate, "learning-rate")
        try OptionError.requirePositive(fineTuneLearningRate, "fine-tune-learning-rate")
    }

    func run() throws {
        Parallelism.setThreadCount(2)
        let train = try FashionMNIST.load(directory: dataDirectory, split: .train)
        let test = try FashionMNIST.load(directory: dataDirectory, split: .test)
        let otherClasses = [0, 1, 2, 3, 4, 7, 8, 9]
        let trainA = try train.relabelled(keeping: otherClasses), testA = try test.relabelled(keeping: otherClasses)
        let sandalsAndShirts = try train.relabelled(keeping: [5, 6]), testB = try test.relabelled(keeping: [5, 6])
        print("A: \(trainA.count) images of 8 classes; B: 200 of \(sandalsAndShirts.count) sandal/shirt images; B test: \(testB.count)")
        var rows: [(seed: UInt64, a: Double, scratch: Double, transfer: Double)] = []
        for seed in UInt64(0)..<UInt64(seeds) {
            let trainB = sandalsAndShirts.subset(Array(0..<200))
            let modelA = try network(head: Dense(8), seed: seed)
            modelA.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
            try modelA.fit(trainA, epochs: epochsA, batchSize: 128, verbose: .silent, seed: seed)
            let accuracyA = try modelA.evaluate(testA)["accuracy"]!

            let scratch = try network(head: Dense(1, activation: .sigmoid), seed: seed &+ 100)
            scratch.compile(optimizer: Adam(learningRate: learningRate), loss: .binaryCrossEntropy(), metrics: [.accuracy])
            try scratch.fit(trainB, epochs: frozenEpochs + fineTuneEpochs, batchSize: 32, verbose: .silent, seed: seed)

            let reused = try modelA.clone()
            let modelB = try Sequential<Float>(Array(reused.layers.dropLast()) + [Dense(1, activation: .sigmoid)], seed: seed &+ 200)
            for layer in modelB.layers.dropLast() { layer.isTrainable = false }
            modelB.compile(optimizer: Adam(learningRate: learningRate), loss: .binaryCrossEntropy(), metrics: [.accuracy])
            try modelB.fit(trainB, epochs: frozenEpochs, batchSize: 32, verbose: .silent, seed: seed)
            for layer in modelB.layers { layer.isTrainable = true }
            modelB.compile(optimizer: Adam(learningRate: fineTuneLearningRate), loss: .binaryCrossEntropy(), metrics: [.accuracy])
            try modelB.fit(trainB, epochs: frozenEpochs + fineTuneEpochs, batchSize: 32, verbose: .silent, seed: seed,
                           initialEpoch: frozenEpochs)
            let row = (seed, accuracyA, try scratch.evaluate(testB)["accuracy"]!, try modelB.evaluate(testB)["accuracy"]!)
            rows.append(row)
            print(String(format: "seed %d: A (8 classes) %.2f %% | B from scratch %.2f %% | B with transfer %.2f %%",
                         seed, row.1 * 100, row.2 * 100, row.3 * 100))
        }
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(max(values.count, 1)) * 100 }
        print(String(format: "mean over %d seeds: B from scratch %.2f %%, B with transfer %.2f %% (transfer better in %d/%d)",
                     rows.count, mean(rows.map(\.scratch)), mean(rows.map(\.transfer)),
                     rows.filter { $0.transfer > $0.scratch }.count, rows.count))
    }

    /// 784-300-100-50-50-50 (ReLU) followed by `head`.
    private func network(head: Dense<Float>, seed: UInt64) throws -> Sequential<Float> {
        try Sequential<Float>([Dense(300, activation: .relu), Dense(100, activation: .relu), Dense(50, activation: .relu),
                               Dense(50, activation: .relu), Dense(50, activation: .relu), head], inputShape: [784], seed: seed)
    }
}
