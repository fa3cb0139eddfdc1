import ArgumentParser
import Axone
import Foundation

/// `axone experiment`: the experiments and examples of the course notes.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment", abstract: "Run an experiment from the course notes.",
        subcommands: [InitializationCommand.self, PerceptronCommand.self, XORCommand.self, LogisticCommand.self,
                      DropoutCommand.self, OptimizersCommand.self, TransferCommand.self, MultiTaskCommand.self,
                      AutoencoderCommand.self])
}

/// Options shared by the Fashion-MNIST experiments.
struct ExperimentOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Epochs.") var epochs = 10
    @Option(parsing: .unconditional, help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Fashion-MNIST directory.") var dataDirectory = FashionMNIST.defaultDirectory
    @Option(name: .shortAndLong, help: "Where to write the SVG plot.") var output: String?

    func validate() throws { try OptionError.require(epochs, "epochs", atLeast: 1) }

    func load() throws -> (train: LabeledImages, test: LabeledImages) {
        Parallelism.setThreadCount(2)
        return (try FashionMNIST.load(directory: dataDirectory, split: .train), try FashionMNIST.load(directory: dataDirectory, split: .test))
    }

    /// The first `count` training images (all of them if there are fewer) and the whole test split.
    func load(trainingImages count: Int) throws -> (train: LabeledImages, test: LabeledImages) {
        let (train, test) = try load()
        return (count < train.count ? train.subset(0..<count) : train, test)
    }
}

/// The notes' initialisation experiment: 10 layers × 500 units on N(0, 1) inputs.
struct InitializationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Activation statistics of a 10×500 net for five initialisations (seeds 001, 002).")
    @Option(parsing: .unconditional, help: "Input examples.") var examples = 1000
    @Option(name: .shortAndLong, help: "Directory for the histogram SVGs.") var output = "init-experiment"

    func validate() throws { try OptionError.require(examples, "examples", atLeast: 1) }

    func run() throws {
        let results = try InitializationExperiment.runAll(examples: examples)
        print(InitializationExperiment.table(results))
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        for (index, result) in results.enumerated() {
            print("\n" + result.report)
            try writeFile(result.histogramsSVG, to: "\(output)/\(index + 1)-histograms.svg")
        }
        try writeFile(InitializationExperiment.standardDeviationChart(results).svg(width: 720, height: 420), to: "\(output)/std.svg")
    }
}

/// Rosenblatt's perceptron on AND, OR and XOR.
struct PerceptronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perceptron", abstract: "The perceptron learns AND and OR and fails on XOR (seeds 000, 001, 003).")

    func run() throws {
        let corners: [[Double]] = [[0, 0], [0, 1], [1, 0], [1, 1]]
        for (name, labels) in [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("XOR", [0, 1, 1, 0])] {
            var perceptron = try Perceptron(inputs: 2)
            let mistakes = perceptron.train(points: corners, labels: labels, epochs: 100)
            let accuracy = perceptron.accuracy(points: corners, labels: labels)
            print("\(name): \(mistakes.last == 0 ? "converged after \(mistakes.count) epochs" : "no convergence in 100 epochs"), "
                  + "weights \(perceptron.weights), bias \(perceptron.bias), accuracy \(Int(accuracy * 100)) %")
        }
    }
}

/// An MLP solving XOR with one hidden layer.
struct XORCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xor",
        abstract: "A 2-2-1 network (tanh hidden layer, sigmoid output) learns XOR (seed 003:484), from several seeds.",
        discussion: "Two hidden units suffice, but gradient descent can stall in a local minimum from some starting points.")
    @Option(parsing: .unconditional, help: "Number of seeds (initialisations) to try.") var seeds = 10
    @Option(parsing: .unconditional, help: "Hidden units.") var hidden = 2

    func validate() throws {
        try OptionError.require(seeds, "seeds", atLeast: 1)
        try OptionError.require(hidden, "hidden", atLeast: 1)
    }

    func run() throws {
        let x = Tensor<Float>([[0, 0], [0, 1], [1, 0], [1, 1]]), y = Tensor<Float>([[0], [1], [1], [0]])
        var solved = 0
        for seed in UInt64(0)..<UInt64(seeds) {
            let model = try Sequential<Float>(inputShape: [2], seed: seed) {
                Dense(hidden, activation: .tanh)
                Dense(1, activation: .sigmoid)
            }
            model.compile(optimizer: Adam(learningRate: 0.1), loss: .binaryCrossEntropy(), metrics: [.accuracy])
            let history = try model.fit(x, y, epochs: 500, batchSize: 4, verbose: .silent, seed: seed)
            let outputs = try model.predict(x).scalars.map { String(format: "%.3f", $0) }.joined(separator: " ")
            let accuracy = history["accuracy"].last ?? 0
            if accuracy == 1 { solved += 1 }
            print(String(format: "seed %d: loss %.4f, accuracy %.0f %%, outputs for 00 01 10 11: %@", seed,
                         history["loss"].last ?? .nan, accuracy * 100, outputs))
        }
        print("2-\(hidden)-1 solved XOR from \(solved) of \(seeds) initialisations.")
    }
}

/// Logistic regression on Fashion-MNIST (the notes' Keras example, on MNIST there: 92.2 %).
struct LogisticCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logistic", abstract: "Logistic regression (784→10 softmax, SGD) on Fashion-MNIST (seed 003:1192-1312).")
    @OptionGroup var options: ExperimentOptions
    @Option(parsing: .unconditional, help: "SGD learning rate.") var learningRate = 0.1

    func validate() throws { try OptionError.requirePositive(learningRate, "learning-rate") }

    func run() throws {
        let (train, test) = try options.load()
        let model = try Sequential<Float>([Dense(10, inputSize: 784, name: "fc1")], seed: options.seed)
        model.compile(optimizer: SGD(learningRate: learningRate), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        print(model.summary())
        try model.fit(train, epochs: options.epochs, batchSize: 128, validationData: test, verbose: .oneLinePerEpoch, seed: options.seed)
        let result = try model.evaluate(test)
        print(String(format: "Test accuracy %.2f %%, test loss %.4f", result["accuracy"]! * 100, result["loss"]!))
    }
}

/// Learning curves with and without dropout.
struct DropoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout", abstract: "Learning curves of an MLP with and without dropout on a 5000-image Fashion-MNIST subset.")
    @OptionGroup var options: ExperimentOptions

    func run() throws {
        let (train, test) = try options.load()
        let subset = train.subset(Array(0..<5000))
        var charts: [LineChart] = []
        for rate in [0.0, 0.5] {
            let model = try Sequential<Float>(inputShape: [784], seed: options.seed) {
                Dense(512, activation: .relu)
                try Dropout(rate: rate)
                Dense(512, activation: .relu)
                try Dropout(rate: rate)
                Dense(10)
            }
            model.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
            let history = try model.fit(subset, epochs: options.epochs, batchSize: 128, validationData: test, verbose: .progressBarOnly,
                                        seed: options.seed)
            let epochs = history.epochs.map { Double($0 + 1) }
            print(String(format: "dropout %.1f: final train loss %.4f, validation loss %.4f, validation accuracy %.2f %%",
                         rate, history["loss"].last!, history["val_loss"].last!, history["val_accuracy"].last! * 100))
            charts.append(LineChart(title: "Dropout \(rate)", xLabel: "epoch", yLabel: "loss", series: [
                .init(name: "train", x: epochs, y: history["loss"]),
                .init(name: "validation", x: epochs, y: history["val_loss"], dashed: true)]))
        }
        try writeFile(SVGPlot.grid(charts, columns: 2, title: "Without and with dropout (5000 training images)"),
                      to: options.output ?? "dropout.svg")
    }
}

/// SGD, momentum, Nesterov, Adagrad, RMSProp and Adam on the same task.
struct OptimizersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimizers", abstract: "Loss curves of six optimisers training the same MLP on Fashion-MNIST.")
    @OptionGroup var options: ExperimentOptions

    func run() throws {
        let (train, _) = try options.load()
        let subset = train.subset(Array(0..<10000))
        let optimizers: [(String, () -> Optimizer)] = [
            ("SGD 0.01", { SGD(learningRate: 0.01) }), ("momentum 0.9", { SGD(learningRate: 0.01, momentum: 0.9) }),
            ("Nesterov 0.9", { SGD(learningRate: 0.01, momentum: 0.9, nesterov: true) }), ("Adagrad", { Adagrad(learningRate: 0.01) }),
            ("RMSProp", { RMSProp(learningRate: 1e-3) }), ("Adam", { Adam(learningRate: 1e-3) })]
        var series: [LineChart.Series] = []
        for (name, make) in optimizers {
            let model = try Sequential<Float>(architecture: Architecture(preset: "mlp:784-256-10"), seed: options.seed)
            model.compile(optimizer: make(), loss: .categoricalCrossEntropy())
            let history = try model.fit(subset, epochs: options.epochs, batchSize: 128, verbose: .progressBarOnly, seed: options.seed)
            print(name.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: " loss after epoch 1: %.4f, after epoch %d: %.4f", history["loss"][0],
                         options.epochs, history["loss"].last!))
            series.append(.init(name: name, x: history.epochs.map { Double($0 + 1) }, y: history["loss"]))
        }
        let chart = LineChart(title: "Training loss by optimiser (10000 images, batch 128)", xLabel: "epoch", yLabel: "loss",
                              series: series)
        try writeFile(chart.svg(width: 720, height: 440), to: options.output ?? "optimizers.svg")
    }
}
