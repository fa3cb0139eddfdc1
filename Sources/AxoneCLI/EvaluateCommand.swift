import ArgumentParser
import Axone
import Foundation

/// `axone evaluate`: the loss and metrics of a saved model on a data set.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Report a saved model's loss and metrics on a data set (the test split for named data sets).",
        discussion: "Example: axone evaluate --model fmnist.safetensors --dataset fashion-mnist")

    @OptionGroup var model: ModelOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Loss: \(Loss.names.joined(separator: ", ")).") var loss = "categorical_crossentropy"
    @Option(help: "Metrics, comma-separated: \(Metric.names.joined(separator: ", ")).") var metrics = "accuracy"
    @Option(parsing: .unconditional, help: "Threads.") var threads = 2

    func validate() throws { try OptionError.requireThreads(threads) }

    func run() throws {
        Parallelism.setThreadCount(threads)
        guard model.isSavedModel else { throw ValidationError("--model must be a saved .safetensors model or an .onnx model") }
        let loss = try Loss(name: loss)
        let network = try model.make(seed: 0)
        network.compile(optimizer: SGD(), loss: loss, metrics: try metrics.split(separator: ",").map { try Metric(name: String($0)) })
        let examples = try data.load(split: .test, classification: loss.acceptsClassIndices)
        let result = try network.evaluate(examples)
        for (key, value) in result.entries { print("\(key): \(String(format: "%.6f", value))") }
    }
}

/// `axone predict`: writes a saved model's outputs as CSV.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Write a saved model's predictions as CSV: the predicted class, then one column per output.",
        discussion: "Example: axone predict --model fmnist.safetensors --dataset fashion-mnist --output predictions.csv")

    @OptionGroup var model: ModelOptions
    @OptionGroup var data: DataOptions
    @Option(name: [.short, .long], help: "Where to write the CSV.") var output = "predictions.csv"
    @Flag(help: "Write softmax probabilities instead of raw outputs.") var probabilities = false
    @Option(parsing: .unconditional, help: "Threads.") var threads = 2

    func validate() throws { try OptionError.requireThreads(threads) }

    func run() throws {
        Parallelism.setThreadCount(threads)
        guard model.isSavedModel else { throw ValidationError("--model must be a saved .safetensors model or an .onnx model") }
        let network = try model.make(seed: 0)
        var outputs = try network.predict(try data.loadFeatures())
        if probabilities { outputs = outputs.softmax() }
        let classes = outputs.shape[1]
        var lines = [(["class"] + (0..<classes).map { "output_\($0)" }).joined(separator: ",")]
        for (row, predicted) in outputs.argmaxRows().enumerated() {
            lines.append(([String(predicted)] + (0..<classes).map { "\(outputs[row, $0])" }).joined(separator: ","))
        }
        try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: output)
        print("Wrote \(outputs.shape[0]) predictions to \(output).")
    }
}

/// `axone summary`: prints a model's layers and parameter counts.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's layers, output shapes and parameter counts (Keras style).",
        discussion: "Examples: axone summary --model mlp:784-256-128-10 ; axone summary --model fmnist.safetensors")

    @OptionGroup var model: ModelOptions

    /// A saved model or a graph is built; a preset or chain architecture is summarised from its
    /// specification, without creating its weights (so even a model too large for memory can be described).
    func run() throws {
        let json = model.isSavedModel ? nil : try architectureJSON(model.model)
        if let json, !GraphArchitecture.describesGraph(json) {
            print(try Architecture(json: json).summary())
        } else {
            print(try model.make(seed: 0).summary())
        }
    }
}
