import Foundation
import Testing
@testable import Axone

/// The `axone` executable built next to the tests — in the same build folder, whatever
/// `--scratch-path` named it, else `.build/debug` (`make test` builds it first).
func axoneBinary() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let besideTests = Bundle.main.bundleURL.appendingPathComponent("axone").path
    let binary = FileManager.default.isExecutableFile(atPath: besideTests)
        ? besideTests : root.appendingPathComponent(".build/debug/axone").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw TensorError.invalidArgument("\(binary) is missing: run `swift build` before `swift test` (make test does)")
    }
    return binary
}

/// An `axone` process (not started) with `arguments`, run in `directory`, its output and errors piped.
func axoneProcess(_ arguments: [String], in directory: String) throws -> (process: Process, output: Pipe, error: Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try axoneBinary())
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
    let (process, out, err) = try axoneProcess(arguments, in: directory)
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
    #expect(process.terminationReason == .exit, "axone \(arguments) crashed")
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
}
