import ArgumentParser
import Axone
import Foundation

/// Writes `text` atomically and says so.
func writeFile(_ text: String, to path: String) throws {
    try AtomicFile.write(Data(text.utf8), to: path)
    print("Wrote \(path).")
}

/// The first `count` examples of a data source as tensors.
func firstExamples(_ data: CommandData, count: Int) -> (x: Tensor<Float>, y: Tensor<Float>) {
    let batch = data.batch(Array(0..<min(count, data.count))[...])
    return (batch.features, batch.targets)
}

/// `axone doctor`: the seeds' sanity checks on a model and its data.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Run the notes' sanity checks: initial loss ≈ ln C, L2 raises the loss, overfit 20 examples, gradient check.",
        discussion: "Example: axone doctor --model mlp:784-256-128-10 --dataset fashion-mnist")

    @OptionGroup var model: ModelOptions
    @OptionGroup var data: DataOptions
    @Option(parsing: .unconditional, help: "Training examples used by the checks.") var examples = 1000
    @Option(parsing: .unconditional, help: "Learning rate of the overfitting check.") var learningRate = 1e-3
    @Option(parsing: .unconditional, help: "Steps of the overfitting check.") var steps = 300
    @Option(parsing: .unconditional, help: "Seed of the weights.") var seed: UInt64 = 0

    func validate() throws {
        try OptionError.require(examples, "examples", atLeast: 1)
        try OptionError.requirePositive(learningRate, "learning-rate")
        try OptionError.require(steps, "steps", atLeast: 0)
    }

    func run() throws {
        Parallelism.setThreadCount(2)
        let network = try model.makeSequential(seed: seed, for: "sanity-check")
        network.compile(optimizer: Adam(learningRate: learningRate), loss: .categoricalCrossEntropy())
        let (x, y) = firstExamples(try data.load(split: .train, classification: true), count: examples)
        let report = try SanityChecks.run(model: network, features: x, labels: y,
                                          options: .init(overfitSteps: steps, overfitLearningRate: learningRate))
        print(report)
        if !report.allPassed { throw ExitCode.failure }
    }
}

/// `axone plot`: learning curves and decision boundaries as SVG.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot", abstract: "Draw learning curves or decision boundaries as SVG.",
        subcommands: [CurvesPlot.self, BoundaryPlot.self])

    struct CurvesPlot: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "curves", abstract: "Plot train/validation loss and metrics per epoch from a history CSV.",
            discussion: "Example: axone plot curves history.csv -o curves.svg")
        @Argument(help: "A history CSV (Keras CSVLogger layout, as axone train writes).") var history: String
        @Option(name: .shortAndLong, help: "The SVG to write.") var output = "curves.svg"
        @Option(help: "The title.") var title = "Learning curves"

        func run() throws {
            let text = try String(contentsOfFile: history, encoding: .utf8)
            try writeFile(try LearningCurves.svg(csvString: text, title: title), to: output)
        }
    }

    struct BoundaryPlot: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "boundary", abstract: "Train a small MLP on a 2-D data set and draw its decision regions.",
            discussion: "Example: axone plot boundary --data spirals --model mlp:2-32-32-2:tanh -o spirals.svg")
        @Option(help: "xor, moons, circles, spirals or blobs.") var data = Synthetic2D.spirals
        @Option(help: "A preset or architecture JSON with 2 inputs.") var model = "mlp:2-32-32-2:tanh"
        @Option(parsing: .unconditional, help: "Points.") var count = 400
        @Option(parsing: .unconditional, help: "Noise.") var noise = 0.1
        @Option(parsing: .unconditional, help: "Epochs.") var epochs = 300
        @Option(parsing: .unconditional, help: "Seed.") var seed: UInt64 = 0
        @Option(name: .shortAndLong, help: "The SVG to write.") var output = "boundary.svg"

        func validate() throws {
            try OptionError.require(count, "count", atLeast: 2)
            try OptionError.require(noise, "noise", "a finite number ≥ 0") { $0 >= 0 && $0.isFinite }
            try OptionError.require(epochs, "epochs", atLeast: 1)
        }

        func run() throws {
            let (points, labels): (Tensor<Float>, Tensor<Float>) = data.generate(count: count, noise: noise, seed: seed)
            let network = try makeModel(model, seed: seed)
            network.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
            let history = try network.fit(points, labels, epochs: epochs, batchSize: 32, verbose: .progressBarOnly, seed: seed)
            print(String(format: "training accuracy %.2f %%", (history["accuracy"].last ?? 0) * 100))
            try writeFile(try DecisionBoundary.svg(model: network, points: points, labels: labels,
                                                   title: "\(data.rawValue) — \(model)"), to: output)
        }
    }
}

extension Synthetic2D: ExpressibleByArgument {}

/// `axone inspect`: activation and gradient statistics per layer, with histograms.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Per-layer activation and gradient statistics (mean, std, saturated, dead) with SVG histograms.",
        discussion: "Example: axone inspect --model fmnist.safetensors --dataset fashion-mnist -o layers")

    @OptionGroup var model: ModelOptions
    @OptionGroup var data: DataOptions
    @Option(parsing: .unconditional, help: "Examples in the batch measured.") var examples = 1000
    @Option(name: .shortAndLong, help: "Prefix of the SVG files written (…-activations.svg, …-gradients.svg).") var output = "inspect"

    func validate() throws {
        try OptionError.require(examples, "examples", atLeast: 1)
    }

    func run() throws {
        let network = try model.makeSequential(seed: 0, for: "inspect")
        let (x, y) = firstExamples(try data.load(split: .train, classification: true), count: examples)
        let statistics = try NetworkStatistics.measure(network, input: x, targets: y, loss: .categoricalCrossEntropy())
        print(statistics)
        try writeFile(statistics.histogramsSVG(.activations), to: "\(output)-activations.svg")
        try writeFile(statistics.histogramsSVG(.activationGradients), to: "\(output)-gradients.svg")
    }
}
