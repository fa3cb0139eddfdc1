import Foundation
import Testing
@testable import Axone

/// `axone train --distributed` under Open MPI's `mpirun`, on loopback only (`lo`, never an external
/// interface), as root where the tests run as root.
@Suite(.serialized) struct DistributedTrainingTests {
    let directory: String
    /// What every run trains: the compiled step (a Dense stack with softmax cross-entropy).
    let compiled = ["--model", "mlp:8-32-3", "--csv", "classes.csv", "--batch-size", "128", "--seed", "5", "--verbose", "0",
                   "--threads", "1"]

    init() throws {
        directory = temporaryPath("mpi")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writeCSV("classes.csv", examples: 512) { features in features.firstIndex(of: features.max()!)! % 3 }
        try writeCSV("half.csv", examples: 256) { features in features.firstIndex(of: features.max()!)! % 3 }
        try writeCSV("binary.csv", examples: 512) { features in features[0] + features[1] > 0 ? 1 : 0 }
        try writeCSV("long.csv", examples: 8192) { features in features.firstIndex(of: features.max()!)! % 3 }
    }

    /// Writes `examples` rows of 8 seeded features and the label `label(features)`.
    func writeCSV(_ name: String, examples: Int, label: ([Double]) -> Int) throws {
        var rng = SeededGenerator(seed: 17)
        let rows = (0..<examples).map { _ in
            let features = (0..<8).map { _ in Double.random(in: -1...1, using: &rng) }
            return (features.map { String($0) } + [String(label(features))]).joined(separator: ",")
        }
        try rows.joined(separator: "\n").write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
    }

    /// `mpirun` on loopback running `axone` once per app context: a process count and its arguments.
    /// `extraOptions` go to `mpirun` itself.
    func mpirun(_ contexts: [(processes: Int, arguments: [String])],
                extraOptions: [String] = []) throws -> (process: Process, output: Pipe, error: Pipe) {
        let axone = try axoneBinary()
        let options = ["--allow-run-as-root", "--oversubscribe", "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", "lo",
                       "--mca", "oob_tcp_if_include", "lo"] + extraOptions
        let apps = contexts.map { ["-np", String($0.processes), axone] + $0.arguments }
        return pipedProcess("/usr/bin/mpirun", options + apps.joined(separator: [":"]), in: directory)
    }

    func file(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)")) }

    func parameters(_ name: String) throws -> [String: [Float]] {
        let model = try ModelFile.load(from: "\(directory)/\(name)", as: Float.self).model
        return Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.variable.value.scalars) })
    }

    /// The largest difference between the weights of two model files, which must name the same parameters.
    func largestDifference(_ reference: String, _ result: String) throws -> Float {
        let (a, b) = (try parameters(reference), try parameters(result))
        #expect(Set(a.keys) == Set(b.keys))
        return a.map { name, values in zip(values, b[name] ?? []).map { abs($0 - $1) }.max() ?? .infinity }.max() ?? .infinity
    }

    /// N processes with global batch B take the steps of one process with batch B: with two
    /// processes of 64 rows each (the compiled step's two shards of 128), the same bits — weights,
    /// optimiser state and history, validation columns included: the 384 held-out examples are two
    /// evaluation batches (256 and 128), one per process, whose totals are exchanged and added in
    /// batch order as one process adds them. With 8-300-300-3 the gradients are summed in two
    /// buckets, the first started during the backward pass (`GradientBuckets`): the same bits too.
    @Test(arguments: [([], "mlp:8-32-3"), (["--validation-split", "0.75"], "mlp:8-32-3"), ([], "mlp:8-300-300-3")])
    func twoProcessesOfTheCompiledStepEndAsOneProcessBitForBit(validation: [String], model: String) async throws {
        let options = ["--model", model] + compiled.dropFirst(2) + validation + ["--epochs", "3"]
        let tag = (validation.isEmpty ? "" : "-validated") + (model == "mlp:8-32-3" ? "" : "-buckets")
        let one = try await runAxoneAsync(["train"] + options + ["--output", "one\(tag).safetensors", "--history", "one\(tag).csv"],
                                          in: directory)
        #expect(one.status == 0, "\(one.error)")
        let two = await runAsync(try mpirun([(2, ["train", "--distributed"] + options
                                                   + ["--output", "two\(tag).safetensors", "--history", "two\(tag).csv"])]))
        #expect(two.status == 0, "\(two.error)")
        #expect(try file("two\(tag).safetensors") == file("one\(tag).safetensors"))
        let history = try file("two\(tag).csv")
        #expect(history == (try file("one\(tag).csv")))
        #expect(String(decoding: history, as: UTF8.self).contains("val_loss") == !validation.isEmpty)
    }

    /// The tape (`--run-eagerly`) splits each batch's sums differently from one process, so the
    /// weights agree within rounding: measured ≤ 1e-6 after 3 epochs.
    @Test func twoProcessesOfTheTapeAgreeWithOneProcessWithinRounding() async throws {
        let options = ["--model", "mlp:8-32-1", "--loss", "binary_crossentropy(from_logits=true)", "--csv", "binary.csv",
                       "--batch-size", "100", "--epochs", "3", "--verbose", "0", "--threads", "1", "--run-eagerly"]
        let one = try await runAxoneAsync(["train"] + options + ["--output", "one-tape.safetensors", "--history", "one-tape.csv"],
                                          in: directory)
        #expect(one.status == 0, "\(one.error)")
        let two = await runAsync(try mpirun([(2, ["train", "--distributed"] + options
                                                   + ["--output", "two-tape.safetensors", "--history", "two-tape.csv"])]))
        #expect(two.status == 0, "\(two.error)")
        let difference = try largestDifference("one-tape.safetensors", "two-tape.safetensors")
        print("tape, 2 processes vs 1: max |Δw| = \(difference)")
        #expect(difference <= 1e-5)
    }

    /// Four processes of 32 rows each sum each batch's gradients in another order than one process's
    /// two 64-row shards, so they agree within rounding (Float, absolute 1e-5 on the weights after 3
    /// epochs; measured 3e-8), and their history keeps a header and one line per epoch.
    @Test func fourProcessesOfTheCompiledStepAgreeWithOneProcessWithinRounding() async throws {
        let epochs = ["--epochs", "3"]
        let one = try await runAxoneAsync(["train"] + compiled + epochs + ["--output", "one-of-four.safetensors"], in: directory)
        #expect(one.status == 0, "\(one.error)")
        let four = await runAsync(try mpirun([(4, ["train", "--distributed"] + compiled + epochs
                                                    + ["--output", "four.safetensors", "--history", "four.csv"])]))
        #expect(four.status == 0, "\(four.error)")
        let difference = try largestDifference("one-of-four.safetensors", "four.safetensors")
        print("compiled step, 4 processes vs 1: max |Δw| = \(difference)")
        #expect(difference <= 1e-5)
        #expect(String(decoding: try file("four.csv"), as: UTF8.self).split(separator: "\n").count == 4)
    }

    /// Processes started with another model or other data stop at the start, every one with an
    /// error, instead of training apart or hanging.
    @Test(arguments: [(["--model", "mlp:8-16-3"], "architecture"), (["--csv", "half.csv"], "training examples: 256 here, 512 there")])
    func processesThatDisagreeStopAtTheStart(other: [String], fragment: String) async throws {
        let start = Date()
        // Each process's errors also go to a file of their own: on the terminal, mpirun interleaves
        // the two processes' lines character by character.
        let outputs = "\(directory)/disagree-\(other[0].dropFirst(2))"
        let result = await runAsync(try mpirun([(1, ["train", "--distributed"] + compiled + ["--output", "x.safetensors"]),
                                                (1, ["train", "--distributed"] + compiled + other + ["--output", "x.safetensors"])],
                                               extraOptions: ["--output-filename", outputs]))
        #expect(result.status != 0)
        let job = try #require(try FileManager.default.contentsOfDirectory(atPath: outputs).first)
        let errors = try [0, 1].map { try String(contentsOfFile: "\(outputs)/\(job)/rank.\($0)/stderr", encoding: .utf8) }
        #expect(errors[1].contains("disagrees with process 0 on the \(fragment)"), "\(errors[1])")
        #expect(errors[0].contains("1 of 2 processes disagree with process 0"), "\(errors[0])")
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/x.safetensors"))
    }

    /// Starts two processes training for ever, and returns once the first checkpoint is on disk
    /// and the next epoch has begun: the job, its error pipe and the processes' ids.
    func startEndlessJob(_ options: [String], output: String) async throws -> (job: Process, errors: Pipe, processes: [Int32]) {
        let (job, _, errors) = try mpirun([(2, ["train", "--distributed"] + options + ["--epochs", "100000", "--output", output])])
        job.standardOutput = FileHandle.nullDevice
        try job.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: "\(directory)/\(output)") && Date() < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .milliseconds(30))
        let children = await runAsync(pipedProcess("/usr/bin/pgrep", ["-P", String(job.processIdentifier)], in: directory))
        let processes = children.output.split(separator: "\n").compactMap { Int32($0) }
        #expect(processes.count == 2, "the processes: \(processes)")
        return (job, errors, processes)
    }

    /// Waits (60 s at most) for `job` to end; returns how long it took and its error output.
    func end(of job: Process, errors: Pipe) async throws -> (seconds: Double, message: String) {
        let start = Date()
        while job.isRunning && Date().timeIntervalSince(start) < 60 { try await Task.sleep(for: .milliseconds(5)) }
        if job.isRunning { job.terminate() }
        try? errors.fileHandleForWriting.close()
        return (Date().timeIntervalSince(start), String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// A process killed mid-epoch ends the job with an error within seconds; the last checkpoint
    /// stays whole, and three processes resume from it.
    @Test func aProcessKilledMidEpochEndsTheJobAndThreeProcessesResume() async throws {
        let options = ["--model", "mlp:8-32-3", "--csv", "long.csv", "--batch-size", "128", "--verbose", "0", "--threads", "1"]
        let (job, errors, processes) = try await startEndlessJob(options, output: "run.safetensors")
        kill(try #require(processes.max()), SIGKILL)
        let (seconds, message) = try await end(of: job, errors: errors)
        print("a killed process ended the job in \(String(format: "%.2f", seconds)) s: \(message.prefix(400))")
        #expect(seconds < 30)
        #expect(job.terminationStatus != 0)
        #expect(message.contains("signal 9"), "\(message)")

        let saved = try #require(try ModelFile.load(from: "\(directory)/run.safetensors", as: Float.self).training)
        let resumed = await runAsync(try mpirun([(3, ["train", "--distributed", "--model", "run.safetensors", "--resume"]
                                                      + options.dropFirst(2) + ["--epochs", "\(saved.epoch + 1)", "--output", "end.safetensors"])]))
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(try ModelFile.load(from: "\(directory)/end.safetensors", as: Float.self).training?.epoch == saved.epoch + 1)
    }

    /// Ctrl-C reaches every process: they agree to stop after the same step, process 0 writes the
    /// epoch's progress, and the resumed job ends with the bits of a job never interrupted.
    @Test func aSignalStopsEveryProcessAfterTheSameStepAndTheJobResumesExactly() async throws {
        let options = ["--model", "mlp:8-32-3", "--csv", "long.csv", "--batch-size", "128", "--verbose", "0", "--threads", "1",
                       "--history", "signal.csv"]
        let (job, errors, processes) = try await startEndlessJob(options, output: "signal.safetensors")
        for process in processes { kill(process, SIGINT) }
        let (seconds, message) = try await end(of: job, errors: errors)
        #expect(seconds < 30)
        #expect(job.terminationStatus == 130, "\(message)")
        #expect(message.contains("Interrupted by SIGINT after step"), "\(message)")
        let stopped = try #require(try ModelFile.load(from: "\(directory)/signal.safetensors", as: Float.self).training?.progress)

        let epochs = ["--epochs", "\(stopped.epoch + 2)"]
        let resumed = await runAsync(try mpirun([(2, ["train", "--distributed", "--model", "signal.safetensors", "--resume"]
                                                      + options.dropFirst(2) + epochs + ["--output", "signal.safetensors"])]))
        #expect(resumed.status == 0, "\(resumed.error)")
        let reference = await runAsync(try mpirun([(2, ["train", "--distributed"] + options.dropLast(2) + epochs
                                                        + ["--output", "reference.safetensors", "--history", "reference.csv"])]))
        #expect(reference.status == 0, "\(reference.error)")
        #expect(try file("signal.safetensors") == file("reference.safetensors"))
        #expect(try file("signal.csv") == file("reference.csv"))
    }

    /// Two hosts in network namespaces (scripts/mpi-two-hosts.sh): the job spans both and ends with
    /// the weights of one process; the script removes what it made.
    @Test(.enabled(if: getuid() == 0, "network namespaces need root"))
    func twoHostsInNetworkNamespacesTrainAsOneProcess() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = await runAsync(pipedProcess("/bin/sh", [root.appendingPathComponent("scripts/mpi-two-hosts.sh").path,
                                                             try axoneBinary()], in: directory))
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        #expect(result.output.contains("two hosts: the same weights as one process"), "\(result.output)")
    }
}
