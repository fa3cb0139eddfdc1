import ArgumentParser
import Axone
import Foundation

/// `axone experiment multitask`: seed 000's multi-task learning — one trunk with a class head and
/// a group head, against a single-task network per head.
struct MultiTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "multitask",
        abstract: "Multi-task learning on Fashion-MNIST: one trunk with 10-class and 4-group heads against two single-task networks.",
        discussion: """
            The groups are tops (T-shirt/top, pullover, dress, coat, shirt), bottoms (trouser), shoes (sandal, sneaker, \
            ankle boot) and bags. Every network has the trunk 784-256-128 (ReLU) and a linear head per task; the \
            multi-task network is trained on the sum of its heads' cross-entropies. Prints each head's test accuracy \
            (mean ± std over the seeds) after the command line, and writes the test accuracy per epoch as an SVG chart.
            """)
    @OptionGroup var options: ExperimentOptions
    @Option(parsing: .unconditional, help: "Training images: the first N of the 60,000.") var train = 60000
    @Option(parsing: .unconditional, help: "Seeds to repeat the experiment with, from --seed on.") var seeds = 3
    @Option(help: "Where to write every measurement (seed, network, head, epoch, test accuracy) as CSV.") var csv: String?

    func validate() throws {
        try OptionError.require(train, "train", atLeast: 1)
        try OptionError.require(seeds, "seeds", atLeast: 1)
    }

    func run() throws {
        let (train, test) = try options.load(trainingImages: self.train)
        let settings = MultiTaskExperiment.Settings(epochs: options.epochs)
        print("\(counted(train.count, "training image")), \(counted(test.count, "test image")), \(counted(settings.epochs, "epoch")), "
              + "trunk \(([train.pixelsPerImage] + settings.trunk).map(String.init).joined(separator: "-")) (ReLU)")
        var runs: [MultiTaskExperiment.Run] = []
        for seed in (0..<UInt64(seeds)).map({ options.seed &+ $0 }) {
            let seedRuns = try MultiTaskExperiment.run(train: train, test: test, settings: settings, seed: seed)
            for run in seedRuns { print(run) }
            runs += seedRuns
        }
        print("\n$ axone " + CommandLine.arguments.dropFirst().map(shellQuoted).joined(separator: " "))
        print(MultiTaskExperiment.table(runs))
        try writeFile(SVGPlot.grid(MultiTaskExperiment.charts(runs), columns: 2,
                                   title: "Multi-task vs single-task: test accuracy, mean over \(counted(seeds, "seed"))"),
                      to: options.output ?? "multitask.svg")
        if let csv { try writeFile(MultiTaskExperiment.csv(runs), to: csv) }
    }
}
