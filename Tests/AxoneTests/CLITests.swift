import Foundation
import Testing
@testable import Axone

/// The `axone` executable built next to the tests (see ``builtExecutable(_:)``).
func axoneBinary() throws -> String { try builtExecutable("axone") }

/// The executable product `name` built next to the tests — in the same build folder, whatever
/// `--scratch-path` named it, else `.build/debug` (`make test` builds it first).
func builtExecutable(_ name: String) throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let besideTests = Bundle.main.bundleURL.appendingPathComponent(name).path
    let binary = FileManager.default.isExecutableFile(atPath: besideTests)
        ? besideTests : root.appendingPathComponent(".build/debug/\(name)").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw TensorError.invalidArgument("\(binary) is missing: run `swift build` before `swift test` (make test does)")
    }
    return binary
}

/// An `axone` process (not started) with `arguments`, run in `directory`, its output and errors piped.
func axoneProcess(_ arguments: [String], in directory: String) throws -> (process: Process, output: Pipe, error: Pipe) {
    pipedProcess(try axoneBinary(), arguments, in: directory)
}

/// A process (not started) running `executable` with `arguments` in `directory`, its output and errors piped.
func pipedProcess(_ executable: String, _ arguments: [String], in directory: String) -> (process: Process, output: Pipe, error: Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    return (process, out, err)
}

/// ``runAxone(_:in:)`` for async tests: waits for the process without holding a thread of the
/// concurrency pool (on a 2-core machine the pool has two, and the playground tests need them).
func runAxoneAsync(_ arguments: [String], in directory: String) async throws -> (status: Int32, output: String, error: String) {
    await runAsync(try axoneProcess(arguments, in: directory))
}

/// Runs a piped process to its end (see ``runAxoneAsync(_:in:)``); returns its exit status and output.
func runAsync(_ piped: (process: Process, output: Pipe, error: Pipe)) async -> (status: Int32, output: String, error: String) {
    let (process, out, err) = piped
    // Drained while the process runs, so a chatty process never blocks on a full pipe.
    async let output = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
    async let error = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        process.terminationHandler = { _ in done.resume() }
        do { try process.run() } catch { process.terminationHandler = nil; done.resume() }
    }
    try? out.fileHandleForWriting.close()
    try? err.fileHandleForWriting.close()
    let (stdout, stderr) = await (output, error)
    #expect(process.terminationReason == .exit, "\(process.executableURL?.lastPathComponent ?? "") \(process.arguments ?? []) crashed")
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// Runs `axone` with `arguments` in `directory` and returns its exit status and output.
func runAxone(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String, error: String) {
    let (process, out, err) = try axoneProcess(arguments, in: directory)
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning { process.terminate(); throw TensorError.invalidArgument("axone \(arguments) hung") }
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationReason == .exit, "axone \(arguments) crashed")
    return (process.terminationStatus, output, error)
}

@Suite(.serialized) struct CLITests {
    let directory: String

    init() throws {
        directory = temporaryPath("cli")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Two separable classes in 2-D.
        var lines = ["x,y,label"]
        for i in 0..<60 { let c = i % 2; lines.append("\(Double(c) * 2 - 1 + Double(i % 7) * 0.01),\(0.5 - Double(c)),\(c)") }
        try lines.joined(separator: "\n").write(toFile: "\(directory)/train.csv", atomically: true, encoding: .utf8)
    }

    func expectFailure(_ arguments: [String], mentions fragments: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try runAxone(arguments, in: directory)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let message = result.error.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(message.hasPrefix("Error:") && !message.contains("\n"), "one clear line: \(message)", sourceLocation: sourceLocation)
        for fragment in fragments { #expect(message.contains(fragment), "\(message)", sourceLocation: sourceLocation) }
    }

    /// A graph architecture (two paths joined by `Concatenate`) trains, evaluates, predicts and is
    /// summarised through the same commands as a chain.
    @Test func aGraphArchitectureFileTrainsThroughTheCommands() throws {
        let graph = #"""
        {"inputs": [{"name": "points", "shape": [2]}],
         "layers": [{"type": "Dense", "name": "wide", "units": 8, "activation": "relu"},
                    {"type": "Dense", "name": "narrow", "units": 4, "activation": "tanh"},
                    {"type": "Concatenate", "name": "joined"},
                    {"type": "Dense", "name": "classes", "units": 2}],
         "calls": [{"layer": "wide", "inputs": ["points[0][0]"]}, {"layer": "narrow", "inputs": ["points[0][0]"]},
                   {"layer": "joined", "inputs": ["wide[0][0]", "narrow[0][0]"]}, {"layer": "classes", "inputs": ["joined[0][0]"]}],
         "outputs": ["classes[0][0]"]}
        """#
        try graph.write(toFile: "\(directory)/graph.json", atomically: true, encoding: .utf8)
        let summary = try runAxone(["summary", "--model", "graph.json"], in: directory)
        #expect(summary.status == 0 && summary.output.contains("Connected to"), "\(summary)")
        #expect(summary.output.contains(" Total params: 62"))      // (2·8 + 8) + (2·4 + 4) + (12·2 + 2)
        let train = try runAxone(["train", "--model", "graph.json", "--csv", "train.csv", "--epochs", "5", "--batch-size", "16",
                                  "--learning-rate", "0.05", "--verbose", "0", "--output", "g.safetensors"], in: directory)
        #expect(train.status == 0, "\(train.error)")
        let evaluation = try runAxone(["evaluate", "--model", "g.safetensors", "--csv", "train.csv"], in: directory)
        #expect(evaluation.status == 0 && evaluation.output.contains("accuracy: 1.000000"), "\(evaluation)")
        let prediction = try runAxone(["predict", "--model", "g.safetensors", "--csv", "train.csv", "--output", "p.csv"], in: directory)
        #expect(prediction.status == 0, "\(prediction.error)")
        let loaded = try ModelFile.load(from: "\(directory)/g.safetensors", as: Float.self).model
        #expect(try loaded.graphArchitecture().calls.count == 4)
    }

    /// Experiments show fit's progress bar on a terminal and erase it, and print only their own
    /// results into a pipe. The terminal is a pseudo-terminal made by util-linux's `script`.
    @Test func experimentsShowProgressOnATerminalOnly() throws {
        let arguments = ["plot", "boundary", "--data", "xor", "--count", "40", "--epochs", "3", "-o", "boundary.svg"]
        let piped = try runAxone(arguments, in: directory)
        #expect(piped.status == 0 && piped.output == "training accuracy \(piped.output.dropFirst(18))")
        #expect(!piped.output.contains("Epoch"))
        let command = ([try axoneBinary()] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let terminal = pipedProcess("/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"], in: directory)
        try terminal.process.run()
        let shown = String(decoding: terminal.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        terminal.process.waitUntilExit()
        #expect(terminal.process.terminationStatus == 0)
        #expect(shown.contains("Epoch 3/3 2/2 ["), "\(shown)")   // the bar of the last epoch's last batch
        #expect(shown.contains("\r\u{1B}[Ktraining accuracy"), "\(shown)")   // erased before the result
        #expect(!shown.contains("Epoch 1/3 - "))   // no epoch lines
    }

    @Test func trainEvaluatePredictAndSummaryOnACSVFile() throws {
        let train = try runAxone(["train", "--model", "mlp:2-8-2", "--csv", "train.csv", "--epochs", "3", "--batch-size", "16",
                                  "--learning-rate", "0.05", "--verbose", "2", "--output", "m.safetensors", "--history", "h.csv"],
                                 in: directory)
        #expect(train.status == 0, "\(train.error)")
        #expect(train.output.contains("Epoch 3/3 - "))
        let history = try String(contentsOfFile: "\(directory)/h.csv", encoding: .utf8).split(separator: "\n")
        #expect(history.count == 4 && history[0] == "epoch,loss,accuracy,lr")
        let evaluation = try runAxone(["evaluate", "--model", "m.safetensors", "--csv", "train.csv"], in: directory)
        #expect(evaluation.status == 0 && evaluation.output.contains("accuracy: 1.000000"), "\(evaluation)")
        let prediction = try runAxone(["predict", "--model", "m.safetensors", "--csv", "train.csv", "--output", "p.csv"], in: directory)
        #expect(prediction.status == 0)
        let rows = try String(contentsOfFile: "\(directory)/p.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 61 && rows[0] == "class,output_0,output_1" && rows[1].hasPrefix("0,") && rows[2].hasPrefix("1,"))
        let summary = try runAxone(["summary", "--model", "m.safetensors"], in: directory)
        #expect(summary.output.contains(" Total params: 42"))      // (2·8 + 8) + (8·2 + 2)
        #expect(try runAxone(["gradcheck"], in: directory).output.contains("PASS"))
    }

    /// `--tensorboard` logs the history's epoch values, as TensorBoard reads them back, with weight
    /// and activation histograms.
    @Test func trainWritesTheHistoryToTensorBoard() throws {
        let train = try runAxone(["train", "--model", "mlp:2-8-2", "--csv", "train.csv", "--epochs", "3", "--batch-size", "16",
                                  "--validation-split", "0.2", "--verbose", "0", "--output", "m.safetensors",
                                  "--history", "h.csv", "--tensorboard", "tb"], in: directory)
        #expect(train.status == 0, "\(train.error)")
        let history = try History(csvString: String(contentsOfFile: "\(directory)/h.csv", encoding: .utf8))
        let runs = try #require(try TensorBoardTests.runPython(TensorBoardTests.readRunsScript, "\(directory)/tb")
                                as? [String: [String: Any]])
        for (run, tag, key) in [("train", "epoch_loss", "loss"), ("train", "epoch_learning_rate", "lr"),
                                ("validation", "epoch_accuracy", "val_accuracy")] {
            let points = try #require((runs[run]?["scalars"] as? [String: [[Int]]])?[tag], "\(run) \(tag)")
            #expect(points.map { $0[1] } == history[key].map { Int(Float($0).bitPattern) }, "\(run) \(tag)")
        }
        #expect(TensorBoardTests.tags(runs["train"], "histograms")
                == ["weights/layers.0.weight", "weights/layers.0.bias", "weights/layers.1.weight", "weights/layers.1.bias",
                    "activations/layers.0", "activations/layers.1"])
    }

    /// SGD at 1e10 makes the loss NaN within the first epoch: axone warns (naming the epoch, the
    /// step and the first non-finite layer) and, with --terminate-on-nan, stops with an error.
    @Test func divergenceIsReportedAndTerminateOnNaNStops() throws {
        let arguments = ["train", "--model", "mlp:2-8-2", "--csv", "train.csv", "--epochs", "5", "--batch-size", "16",
                         "--optimizer", "sgd", "--learning-rate", "1e10", "--verbose", "0", "--output", "nan.safetensors"]
        let warned = try runAxone(arguments, in: directory)
        #expect(warned.status == 0)
        #expect(warned.error.contains("warning: training diverged at epoch 1, step "), "\(warned.error)")
        #expect(warned.error.components(separatedBy: "warning:").count == 2)   // once
        let stopped = try runAxone(arguments + ["--terminate-on-nan"], in: directory)
        #expect((1...125).contains(stopped.status))
        #expect(stopped.error.contains("Error: the loss became NaN or infinite at epoch 1"), "\(stopped.error)")
    }

    /// README: `axone predict --model m --images FILE -o p.csv` — the short option, and labels optional.
    @Test func predictReadsUnlabelledImagesAndTakesTheShortOutputOption() throws {
        let pixels = (0..<(12 * 4)).map { UInt8(($0 * 37) % 256) }
        try IDXFile(dimensions: [12, 2, 2], bytes: pixels).write(toPath: "\(directory)/images.idx")
        try IDXFile(dimensions: [12], bytes: (0..<12).map { UInt8($0 % 2) }).write(toPath: "\(directory)/labels.idx")
        let train = try runAxone(["train", "--model", "mlp:4-2", "--images", "images.idx", "--labels", "labels.idx", "--epochs", "1",
                                  "--verbose", "0", "--output", "img.safetensors", "--history", "img.csv"], in: directory)
        #expect(train.status == 0, "\(train.error)")
        let unlabelled = try runAxone(["predict", "--model", "img.safetensors", "--images", "images.idx", "-o", "u.csv"], in: directory)
        #expect(unlabelled.status == 0, "\(unlabelled.error)")
        let labelled = try runAxone(["predict", "--model", "img.safetensors", "--images", "images.idx", "--labels", "labels.idx",
                                     "-o", "l.csv"], in: directory)
        #expect(labelled.status == 0, "\(labelled.error)")
        let rows = try String(contentsOfFile: "\(directory)/u.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 13 && rows[0] == "class,output_0,output_1")
        #expect(try String(contentsOfFile: "\(directory)/l.csv", encoding: .utf8) == rows.joined(separator: "\n") + "\n")
    }

    @Test func multitaskExperimentPrintsItsTableAfterItsCommandLineAndWritesItsFigures() async throws {
        let arguments = ["experiment", "multitask", "--train", "1000", "--epochs", "1", "--seeds", "1", "-o", "mt.svg", "--csv", "mt.csv"]
        let multitask = try await runAxoneAsync(arguments, in: directory)
        #expect(multitask.status == 0, "\(multitask.error)")
        let lines = multitask.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "1000 training images, 10000 test images, 1 epoch, trunk 784-256-128 (ReLU)")
        #expect(lines.filter { $0.hasPrefix("seed 0, ") }.count == 3, "one line per network")
        // The table follows the command line that produced it.
        let command = try #require(lines.firstIndex(of: "$ axone " + arguments.joined(separator: " ")), "\(lines)")
        #expect(lines[command + 1] == "Test accuracy (%), mean ± std over 1 seed")
        #expect(lines[command + 3].hasPrefix("classes (10)") && lines[command + 4].hasPrefix("groups (4)"))
        let chart = try #require(ParsedSVG.parse(String(contentsOfFile: "\(directory)/mt.svg", encoding: .utf8)))
        #expect(chart.count("rect", class: "plot-area") == 2)
        let csv = try String(contentsOfFile: "\(directory)/mt.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 4 && csv[1].hasPrefix("0,multi-task,classes,1,"))
    }

    @Test func autoencoderExperimentReportsItsErrorAndDrawsInputsOverReconstructions() async throws {
        let autoencoder = try await runAxoneAsync(["experiment", "autoencoder", "--train", "1000", "--epochs", "1", "--images", "4",
                                                   "-o", "ae.svg"], in: directory)
        #expect(autoencoder.status == 0, "\(autoencoder.error)")
        #expect(autoencoder.output.contains("784-64-784 autoencoder, 1000 training images, 1 epoch: ")
                && autoencoder.output.contains("Test reconstruction MSE 0."), "\(autoencoder.output)")
        let grid = try #require(ParsedSVG.parse(String(contentsOfFile: "\(directory)/ae.svg", encoding: .utf8)))
        #expect(grid.count("rect", class: "image") == 2 * 4)
        #expect(grid.texts.contains("input") && grid.texts.contains("reconstruction"))
    }

    @Test func badInputsGiveOneClearErrorAndANonZeroExit() throws {
        try Data([0, 0, 8, 3, 0, 0, 0, 9, 1, 2]).write(to: URL(fileURLWithPath: "\(directory)/bad-idx"))
        try expectFailure(["train", "--model", "mlp:784-10", "--images", "bad-idx", "--labels", "bad-idx"], mentions: ["bad-idx"])
        try "a,b,label\n1,2,0\n3,oops,1\n".write(toFile: "\(directory)/cell.csv", atomically: true, encoding: .utf8)
        try expectFailure(["train", "--model", "mlp:2-2", "--csv", "cell.csv"], mentions: ["cell.csv:3:2", "oops"])
        try "a,b,label\n1,2,0\n3,4,5\n".write(toFile: "\(directory)/label.csv", atomically: true, encoding: .utf8)
        try expectFailure(["train", "--model", "mlp:2-2", "--csv", "label.csv"], mentions: ["label 5.0 is out of range"])
        try expectFailure(["train", "--model", "mlp:3-2", "--csv", "train.csv"], mentions: ["[2]", "[3]"])
        try "not a model".write(toFile: "\(directory)/junk.safetensors", atomically: true, encoding: .utf8)
        try expectFailure(["evaluate", "--model", "junk.safetensors", "--csv", "train.csv"], mentions: ["junk.safetensors"])
        let negative = try runAxone(["train", "--model", "mlp:2-2", "--csv", "train.csv", "--learning-rate=-1"], in: directory)
        #expect(negative.status != 0 && negative.error.hasPrefix("Error: --learning-rate must be a positive number"), "\(negative.error)")
    }

    /// Writes the files the bad-input table refers to: architectures, a truncated model and a
    /// checkpoint whose optimiser is out of range.
    func writeBadFiles() throws {
        let architectures = [
            "zero-input": #"{"input_shape": [0], "layers": [{"type": "Dense", "units": 2}]}"#,
            "zero-units": #"{"input_shape": [2], "layers": [{"type": "Dense", "units": 0}]}"#,
            "negative-units": #"{"input_shape": [2], "layers": [{"type": "Dense", "units": -4}]}"#,
            "huge": #"{"input_shape": [1000000], "layers": [{"type": "Dense", "units": 1000000}]}"#,
            "dropout": #"{"input_shape": [2], "layers": [{"type": "Dropout", "rate": 2}, {"type": "Dense", "units": 2}]}"#,
            "batchnorm": #"{"input_shape": [2], "layers": [{"type": "BatchNormalization", "momentum": -1}]}"#,
            "maxout": #"{"input_shape": [2], "layers": [{"type": "Maxout", "units": 2, "pieces": 0}]}"#,
            "malformed": #"{"input_shape": [2], "layers": [{"type": "Dense", "units": "ten"}]}"#,
        ]
        for (name, json) in architectures { try json.write(toFile: "\(directory)/\(name).json", atomically: true, encoding: .utf8) }
        let model = try Sequential<Float>(architecture: Architecture(preset: "mlp:2-8-2"))
        try ModelFile.save(model, to: "\(directory)/good.safetensors")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/good.safetensors"))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: "\(directory)/truncated.safetensors"))
        try ModelFile.save(model, to: "\(directory)/bad-optimizer.safetensors",
                           training: TrainingCheckpoint(optimizer: RMSProp(alpha: 3), epoch: 1, seed: 0))
    }

    /// Every bad value a user can give reaches a validator: the process exits (never killed by a
    /// signal) with a status in 1...125 and one error line naming the problem (ArgumentParser may
    /// add its usage lines after it).
    @Test func badInputsAreRefusedWithoutATrap() throws {
        try writeBadFiles()
        let train = ["train", "--model", "mlp:2-8-2", "--csv", "train.csv", "--epochs", "1", "--verbose", "0"]
        let cases: [(arguments: [String], fragments: [String])] = [
            (train + ["--max-norm", "0"], ["maxNorm must be a number > 0, got 0.0"]),
            (train + ["--learning-rate", "-1"], ["--learning-rate must be a positive number, got -1.0"]),
            (train + ["--learning-rate", "inf"], ["--learning-rate", "inf"]),
            (train + ["--l1", "-1"], ["l1", "-1.0"]),
            (train + ["--l2", "nan"], ["l2", "nan"]),
            (train + ["--optimizer", "momentum", "--momentum", "2"], ["SGD: momentum must be in [0, 1), got 2.0"]),
            (train + ["--optimizer", "nesterov", "--momentum", "0"], ["Nesterov"]),
            (train + ["--weight-decay", "-1"], ["weight decay", "-1.0"]),
            (train + ["--batch-size", "0"], ["--batch-size must be at least 1, got 0"]),
            (train + ["--epochs", "-1"], ["--epochs must be at least 1, got -1"]),
            (train + ["--threads", "0"], ["--threads", "got 0"]),
            (train + ["--validation-split", "2"], ["--validation-split must be in [0, 1), got 2.0"]),
            (train + ["--verbose", "7"], ["--verbose", "got 7"]),
            (train + ["--early-stopping", "-2"], ["--early-stopping", "-2"]),
            (train + ["--reduce-lr-patience", "-1"], ["--reduce-lr-patience", "-1"]),
            (train + ["--seed", "-3"], ["'-3'", "--seed"]),
            (train + ["--label-column", "-1"], ["index -1"]),
            (["train", "--model", "mlp:784-0-10", "--csv", "train.csv"], ["mlp:784-0-10"]),
            (["summary", "--model", "zero-input.json"], ["input_shape", "[0]"]),
            (["summary", "--model", "zero-units.json"], ["units must be positive, got 0"]),
            (["train", "--model", "negative-units.json", "--csv", "train.csv"], ["units must be positive, got -4"]),
            (["summary", "--model", "dropout.json"], ["rate", "2.0"]),
            (["summary", "--model", "batchnorm.json"], ["momentum", "-1.0"]),
            (["summary", "--model", "maxout.json"], ["pieces", "0"]),
            (["summary", "--model", "malformed.json"], ["architecture", "units"]),
            (["train", "--model", "huge.json", "--csv", "train.csv"], ["needs 4.0 TB", "this machine has"]),
            (["evaluate", "--model", "truncated.safetensors", "--csv", "train.csv"], ["truncated.safetensors"]),
            (["evaluate", "--model", "bad-optimizer.safetensors", "--csv", "train.csv"], ["RMSProp: alpha must be in [0, 1), got 3.0"]),
            (["train", "--model", "bad-optimizer.safetensors", "--resume", "--csv", "train.csv"], ["RMSProp: alpha"]),
            (["evaluate", "--model", "good.safetensors", "--csv", "train.csv", "--threads", "-1"], ["--threads", "-1"]),
            (["experiment", "transfer", "--seeds", "0"], ["--seeds must be at least 1, got 0"]),
            (["experiment", "transfer", "--fine-tune-learning-rate", "-1"], ["--fine-tune-learning-rate", "-1.0"]),
            (["experiment", "xor", "--seeds", "-1"], ["--seeds", "-1"]),
            (["experiment", "xor", "--hidden", "0"], ["--hidden must be at least 1, got 0"]),
            (["experiment", "init", "--examples", "0"], ["--examples", "0"]),
            (["experiment", "dropout", "--epochs", "0"], ["--epochs", "0"]),
            (["experiment", "logistic", "--learning-rate", "-0.1"], ["--learning-rate", "-0.1"]),
            (["experiment", "multitask", "--seeds", "0"], ["--seeds must be at least 1, got 0"]),
            (["experiment", "multitask", "--train", "-5"], ["--train", "-5"]),
            (["experiment", "autoencoder", "--images", "11"], ["--images must be in 1...10, got 11"]),
            (["experiment", "autoencoder", "--code", "0"], ["--code must be at least 1, got 0"]),
            (["demo", "--threads", "0"], ["--threads"]),
            (["demo", "--epochs", "-5"], ["--epochs", "-5"]),
            (["demo", "--model", "cnn", "--dataset", "spirals"], ["--dataset must be fashion-mnist with --model cnn"]),
            (["demo", "--curves", "curves.svg"], ["--curves must be used with --model cnn or lenet"]),
            (["demo", "--model", "lenet", "--learning-rate", "0"], ["--learning-rate must be a positive number"]),
            (["demo", "--dropout", "0.3"], ["--dropout must be used with --model cnn or lenet"]),
            (["demo", "--model", "cnn", "--dense-dropout", "1"], ["--dense-dropout must be in [0, 1), got 1.0"]),
            (["demo", "--model", "lenet", "--halve-every", "0"], ["--halve-every must be at least 1, got 0"]),
            (["gradcheck", "--step", "0"], ["--step must be a positive number, got 0.0"]),
            (["plot", "boundary", "--count", "0"], ["--count", "0"]),
            (["plot", "boundary", "--noise", "-1"], ["--noise", "-1.0"]),
            (["doctor", "--model", "mlp:2-2", "--csv", "train.csv", "--examples", "0"], ["--examples", "0"]),
            (["inspect", "--model", "mlp:2-2", "--csv", "train.csv", "--examples", "-1"], ["--examples", "-1"]),
        ]
        for (arguments, fragments) in cases {
            let result = try runAxone(arguments, in: directory)
            #expect((1...125).contains(result.status), "axone \(arguments): status \(result.status)")
            let lines = result.error.split(separator: "\n").filter { line in
                !["Usage:", "Help:", "  See "].contains { line.hasPrefix($0) }
            }
            #expect(lines.count == 1 && lines[0].hasPrefix("Error: "), "axone \(arguments): \(result.error)")
            for fragment in fragments { #expect(result.error.contains(fragment), "axone \(arguments): \(result.error)") }
        }
        let summary = try runAxone(["summary", "--model", "huge.json"], in: directory)
        #expect(summary.status == 0 && summary.output.contains(" Total params: 1,000,001,000,000"), "\(summary)")
    }
}
