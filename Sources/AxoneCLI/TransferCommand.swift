import ArgumentParser
import Axone
import Foundation

extension TransferExperiment.Base: ExpressibleByArgument {}

/// `axone experiment transfer`: Géron's Fashion-MNIST transfer-learning experiment (seed 002:426-510),
/// on a dense or a convolutional base (``TransferExperiment``).
struct TransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Transfer learning: model A on 8 Fashion-MNIST classes, model B on sandal vs shirt from 200 images.",
        discussion: """
            Model A learns every class but sandal (5) and shirt (6): with --base mlp, 784-300-100-50-50-50-8 (ReLU, \
            Glorot-uniform); with --base cnn, Conv 32 3×3, max-pool, Conv 64 3×3, max-pool, Flatten, Dense 128, Dense 8. \
            Model B learns sandal vs shirt from 200 training images, once from scratch and once reusing A: \
            A is cloned, its top replaced (mlp: Dense(1, sigmoid); cnn: the convolutional base kept, Dense 64 and \
            Dense(1, sigmoid) new), the reused layers frozen for a few epochs, then unfrozen and fine-tuned \
            (seed 002's recipe). Test accuracy is on all 2000 test sandals and shirts.
            """)

    @Option(help: "The reused network: mlp or cnn.") var base = TransferExperiment.Base.mlp
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
        let tasks = try TransferExperiment.Tasks(train: FashionMNIST.load(directory: dataDirectory, split: .train),
                                                 test: FashionMNIST.load(directory: dataDirectory, split: .test))
        print("A: \(tasks.trainA.count) images of 8 classes; B: \(tasks.trainB.count) sandal/shirt images; B test: \(tasks.testB.count)")
        var settings = TransferExperiment.Settings()
        settings.epochsA = epochsA
        settings.frozenEpochs = frozenEpochs
        settings.fineTuneEpochs = fineTuneEpochs
        settings.learningRate = learningRate
        settings.fineTuneLearningRate = fineTuneLearningRate
        var outcomes: [TransferExperiment.Outcome] = []
        for seed in UInt64(0)..<UInt64(seeds) {
            outcomes.append(try TransferExperiment.run(base, tasks: tasks, settings: settings, seed: seed))
            print(TransferExperiment.line(outcomes[outcomes.count - 1]))
        }
        print(TransferExperiment.meanLine(outcomes, base: base))
    }
}
