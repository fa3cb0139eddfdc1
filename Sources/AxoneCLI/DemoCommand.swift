import ArgumentParser
import Axone
import Foundation

/// `axone demo`: the README's main command — trains an MLP on Fashion-MNIST (or, offline, on 2-D
/// spirals); `--model cnn` or `--model lenet` trains a convolutional network on Fashion-MNIST instead.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train an MLP on Fashion-MNIST (784-256-128-10, ReLU, He init, Adam 1e-3, batch 128) and report test accuracy.",
        discussion: """
            With --dataset spirals it trains on two interleaved spirals generated in code instead. --model cnn trains \
            the 2-conv network (Conv 32 3×3 → MaxPool → Conv 64 3×3 → MaxPool → Dense 128 → Dense 10) and --model lenet \
            LeNet-5 (6-16-120-84-10), both on Fashion-MNIST images [28, 28, 1] with their recipe (Adam, batch 128, the \
            learning rate halved every few epochs, dropout for cnn; the options override it); --curves writes their \
            learning curves as SVG.
            """)

    enum DemoDataset: String, ExpressibleByArgument, CaseIterable { case fashionMNIST = "fashion-mnist", spirals }
    enum DemoModel: String, ExpressibleByArgument, CaseIterable { case mlp, cnn, lenet }

    @Option(help: "fashion-mnist (from /usr/share/datasets/fashion-mnist) or spirals.")
    var dataset: DemoDataset = .fashionMNIST
    @Option(parsing: .unconditional, help: "Training epochs (default: 10 for the MLP on Fashion-MNIST, 300 for spirals, the recipe's for a CNN).") var epochs: Int?
    @Option(parsing: .unconditional, help: "Seed of the weights and shuffling.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Threads (the results are the same bits at any count).") var threads = 2
    @Option(help: "Fashion-MNIST directory.") var dataDirectory = FashionMNIST.defaultDirectory
    @Option(help: "mlp, or on Fashion-MNIST a convolutional network: cnn (2 conv layers) or lenet (LeNet-5).")
    var model: DemoModel = .mlp
    @Option(parsing: .unconditional, help: "Initial learning rate of a convolutional network (default: its recipe's).") var learningRate: Double?
    @Option(help: "Where to write a convolutional network's learning curves (SVG).") var curves: String?
    @Option(parsing: .unconditional, help: "Dropout rate after each pooling layer of a convolutional network (default: its recipe's).")
    var dropout: Double?
    @Option(parsing: .unconditional, help: "Dropout rate after each hidden Dense layer of a convolutional network (default: its recipe's).")
    var denseDropout: Double?
    @Option(parsing: .unconditional, help: "Epochs between halvings of a convolutional network's learning rate (default: its recipe's).")
    var halveEvery: Int?
    @Option(parsing: .unconditional, help: "Largest shift of a training image in pixels, for a convolutional network (default: its recipe's).")
    var maxShift: Int?
    @Option(parsing: .unconditional, help: "Probability of mirroring a training image, for a convolutional network (default: its recipe's).")
    var flipProbability: Double?

    func validate() throws {
        try epochs.map { try OptionError.require($0, "epochs", atLeast: 1) }
        try OptionError.requireThreads(threads)
        try learningRate.map { try OptionError.requirePositive($0, "learning-rate") }
        for (name, rate) in [("dropout", dropout), ("dense-dropout", denseDropout)] {
            guard let rate else { continue }
            guard (0..<1).contains(rate) else { throw OptionError(description: "--\(name) must be in [0, 1), got \(rate)") }
            if model == .mlp { throw OptionError(description: "--\(name) must be used with --model cnn or lenet") }
        }
        for (name, value, minimum) in [("halve-every", halveEvery, 1), ("max-shift", maxShift, 0)] {
            guard let value else { continue }
            try OptionError.require(value, name, atLeast: minimum)
            if model == .mlp { throw OptionError(description: "--\(name) must be used with --model cnn or lenet") }
        }
        if let flipProbability {
            guard (0...1).contains(flipProbability) else {
                throw OptionError(description: "--flip-probability must be in [0, 1], got \(flipProbability)")
            }
            if model == .mlp { throw OptionError(description: "--flip-probability must be used with --model cnn or lenet") }
        }
        if model != .mlp, dataset != .fashionMNIST {
            throw OptionError(description: "--dataset must be fashion-mnist with --model \(model.rawValue), got \(dataset.rawValue)")
        }
        if curves != nil, model == .mlp { throw OptionError(description: "--curves must be used with --model cnn or lenet") }
    }

    func run() throws {
        Parallelism.setThreadCount(threads)
        print("\(threads) threads, OpenBLAS kernel \(BLASKernel.name)\(BLASKernel.wasChosenByAxone ? " (chosen by Axone from the CPU's features)" : "").")
        switch (dataset, model) {
        case (.fashionMNIST, .mlp): try fashionMNIST()
        case (.fashionMNIST, .cnn): try convolutional(.twoConv)
        case (.fashionMNIST, .lenet): try convolutional(.leNet5)
        case (.spirals, _): try spirals()
        }
    }

    /// Trains `network` on Fashion-MNIST images with its recipe (``FashionMNISTNetwork/recipe``),
    /// as far as the options leave it.
    private func convolutional(_ network: FashionMNISTNetwork) throws {
        let train = try FashionMNIST.load(directory: dataDirectory, split: .train).channelsLast
        let test = try FashionMNIST.load(directory: dataDirectory, split: .test).channelsLast
        print("Fashion-MNIST: \(train.count) training and \(test.count) test images as \(train.featureShape).")
        var recipe = network.recipe
        recipe.epochs = epochs ?? recipe.epochs
        recipe.learningRate = learningRate ?? recipe.learningRate
        recipe.halvingEpochs = halveEvery ?? recipe.halvingEpochs
        recipe.dropout = .init(features: dropout ?? recipe.dropout.features, hidden: denseDropout ?? recipe.dropout.hidden)
        recipe.maxShift = maxShift ?? recipe.maxShift
        recipe.flipProbability = flipProbability ?? recipe.flipProbability
        let model = try network.model(seed: seed, dropout: recipe.dropout)
        model.compile(optimizer: Adam(learningRate: recipe.learningRate), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        print(model.summary())
        print("Adam \(recipe.learningRate), halved every \(recipe.halvingEpochs) epochs, \(recipe.epochs) epochs of 128 images"
              + (recipe.augmentation.map { ", shifted by up to \($0.maxShift) pixels and mirrored with probability \($0.flipProbability)" } ?? "")
              + ".")
        let schedule = LearningRateScheduler<Float>(.step(initial: recipe.learningRate, factor: 0.5, stepSize: recipe.halvingEpochs))
        let history = if let augmentation = recipe.augmentation {
            try model.fit(try AugmentedImages(train, augmentation: augmentation, seed: seed), epochs: recipe.epochs, batchSize: 128,
                          validationData: test, callbacks: [schedule], seed: seed)
        } else {
            try model.fit(train, epochs: recipe.epochs, batchSize: 128, validationData: test, callbacks: [schedule], seed: seed)
        }
        let result = try model.evaluate(test)
        print(String(format: "Test accuracy: %.2f %% (test loss %.4f)", result["accuracy"]! * 100, result["loss"]!))
        if let curves {
            try writeFile(LearningCurves.svg(history: history, title: "\(network.rawValue) on Fashion-MNIST, seed \(seed)"), to: curves)
        }
    }

    private func fashionMNIST() throws {
        let train = try FashionMNIST.load(directory: dataDirectory, split: .train)
        let test = try FashionMNIST.load(directory: dataDirectory, split: .test)
        print("Fashion-MNIST: \(train.count) training and \(test.count) test images of \(train.rows)×\(train.columns).")
        let model = try Sequential<Float>(inputShape: [784], seed: seed) {
            // He initialisation for ReLU layers, as seed 002 recommends (and its Keras code uses).
            Dense(256, activation: .relu, kernelInitializer: .heNormal)
            Dense(128, activation: .relu, kernelInitializer: .heNormal)
            Dense(10, kernelInitializer: .heNormal)
        }
        model.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        print(model.summary())
        try model.fit(train, epochs: epochs ?? 10, batchSize: 128, validationData: test, seed: seed)
        let result = try model.evaluate(test)
        print(String(format: "Test accuracy: %.2f %% (test loss %.4f)", result["accuracy"]! * 100, result["loss"]!))
    }

    private func spirals() throws {
        let train: (points: Tensor<Float>, labels: Tensor<Float>) = Synthetic2D.spirals.generate(count: 1000, noise: 0.02, seed: seed)
        let test: (points: Tensor<Float>, labels: Tensor<Float>) = Synthetic2D.spirals.generate(count: 500, noise: 0.02, seed: seed &+ 1)
        let model = try Sequential<Float>(inputShape: [2], seed: seed) {
            Dense(64, activation: .tanh)
            Dense(64, activation: .tanh)
            Dense(2)
        }
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        print(model.summary())
        print("Training on 1000 points of two interleaved spirals (test: 500 other points).")
        let epochs = epochs ?? 300
        let every = max(epochs / 10, 1)
        let history = try model.fit(train.points, train.labels, epochs: epochs, batchSize: 50,
                                    callbacks: [LearningRateScheduler(.step(initial: 0.01, factor: 0.5, stepSize: 100))],
                                    verbose: .progressBarOnly, seed: seed)
        for (epoch, loss) in zip(history.epochs, history["loss"]) where epoch % every == 0 || epoch == epochs - 1 {
            print(String(format: "epoch %4d: loss %.4f  accuracy %.4f", epoch + 1, loss, history["accuracy"][epoch]))
        }
        let result = try model.evaluate(test.points, test.labels)
        print(String(format: "Test accuracy: %.2f %% (test loss %.4f)", result["accuracy"]! * 100, result["loss"]!))
    }
}
