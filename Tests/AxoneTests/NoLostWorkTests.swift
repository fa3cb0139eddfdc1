import Foundation
import Testing
@testable import Axone

/// Training must never lose more than the step in progress: checkpoints every epoch, interrupted
/// runs that resume exactly, and files that stay whole whenever the process dies.
@Suite(.serialized) struct NoLostWorkTests {
    let directory: String

    init() throws {
        directory = temporaryPath("no-lost-work")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// 240 examples of 3 classes with 6 features.
    func data() -> (x: Tensor<Float>, y: Tensor<Float>) {
        var rng = SeededGenerator(seed: 21)
        let y = Tensor<Float>(shape: [240], scalars: (0..<240).map { Float($0 % 3) })
        let x = Tensor<Float>(shape: [240, 6], scalars: (0..<(240 * 6)).map { i in
            Float(i / 6 % 3) * 0.7 + Float.random(in: -1...1, using: &rng)
        })
        return (x, y)
    }

    func model() throws -> Sequential<Float> {
        let model = try Sequential<Float>(inputShape: [6], seed: 2) {
            Dense(16, activation: .relu)
            try Dropout(rate: 0.1)
            Dense(3)
        }
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        return model
    }

    @Test func modelCheckpointSavesEveryEpochOrOnlyImprovementsAsKerasDoes() throws {
        let (x, y) = data()
        let model = try model()
        var states: [[String: Tensor<Float>]] = []
        let everyEpoch = try ModelCheckpoint<Float>(path: "\(directory)/epoch-{epoch:02d}.safetensors")
        let best = try ModelCheckpoint<Float>(path: "\(directory)/best.safetensors", monitor: "val_loss", saveBestOnly: true)
        let record = LambdaCallback<Float> { _, _, model in states.append(model.state()) }
        let history = try model.fit(x, y, epochs: 6, batchSize: 32, validationSplit: 0.25,
                                    callbacks: [everyEpoch, best, record], verbose: .silent, seed: 3)
        #expect(everyEpoch.written == (1...6).map { "\(directory)/epoch-0\($0).safetensors" })
        for (epoch, path) in everyEpoch.written.enumerated() {
            let (loaded, training) = try ModelFile.load(from: path, as: Float.self)
            #expect(loaded.state() == states[epoch])
            #expect(training?.epoch == epoch + 1 && training?.seed == 3 && training?.progress == nil)
        }
        // Keras (keras/src/callbacks/model_checkpoint.py, mode "auto" → min for a loss): an epoch is
        // saved when its val_loss is below the best so far.
        let losses = history["val_loss"]
        let improving = losses.indices.filter { e in losses[..<e].allSatisfy { losses[e] < $0 } }
        #expect(best.best == improving.map { losses[$0] }.last)
        let (_, bestTraining) = try ModelFile.load(from: "\(directory)/best.safetensors", as: Float.self)
        #expect(bestTraining?.epoch == improving.last! + 1)
        #expect(throws: TrainingError.self) { try ModelCheckpoint<Float>(path: "x", period: 0) }
    }

    /// Stops `fit` after batch `batch` of epoch `epoch`.
    final class Interrupter: Callback<Float> {
        let epoch: Int, batch: Int
        var current = 0
        init(epoch: Int, batch: Int) { (self.epoch, self.batch) = (epoch, batch) }
        override func epochWillBegin(_ epoch: Int, model: Model<Float>) throws { current = epoch }
        override func batchDidEnd(_ batch: Int, logs: Logs, model: Model<Float>) throws {
            if current == epoch && batch == self.batch { model.requestInterruption() }
        }
    }

    @Test func anInterruptedFitResumesFromItsCheckpointExactly() throws {
        let (x, y) = data()
        let reference = try model()
        let expected = try reference.fit(x, y, epochs: 4, batchSize: 32, verbose: .silent, seed: 8)

        let interrupted = try model()
        let log = "\(directory)/interrupted.csv"
        var progress: EpochProgress?
        do {
            try interrupted.fit(x, y, epochs: 4, batchSize: 32, callbacks: [CSVLogger(path: log), Interrupter(epoch: 2, batch: 3)],
                                verbose: .silent, seed: 8)
        } catch TrainingError.interrupted(let stopped) {
            progress = stopped
        }
        #expect(progress?.epoch == 2 && progress?.step == 4)
        let path = "\(directory)/interrupted.safetensors"
        try ModelFile.save(interrupted, to: path, training: TrainingCheckpoint(
            optimizer: interrupted.configuration!.optimizer, epoch: 2, seed: 8, progress: progress))
        let (resumed, training) = try ModelFile.load(from: path, as: Float.self)
        #expect(training?.progress == progress)
        resumed.compile(optimizer: training!.optimizer, loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        try resumed.fit(x, y, epochs: 4, batchSize: 32, callbacks: [CSVLogger(path: log, append: true)], verbose: .silent,
                        seed: training!.seed, initialEpoch: training!.epoch, progress: training!.progress)
        #expect(resumed.state() == reference.state())
        #expect(try String(contentsOfFile: log, encoding: .utf8) == expected.csv)
        // A progress that does not continue initialEpoch is refused.
        #expect(throws: TrainingError.self) {
            try resumed.fit(x, y, epochs: 4, batchSize: 32, verbose: .silent, initialEpoch: 1, progress: progress)
        }
    }

    @Test func staleTemporaryFilesOfDeadWritersAreRemovedOnTheNextSave() throws {
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let target = "\(directory)/target.bin"
        let dead = "\(directory)/.target.bin.tmp-\(finished.processIdentifier)-1"
        let live = "\(directory)/.target.bin.tmp-\(getpid())-2"
        let other = "\(directory)/.other.bin.tmp-\(finished.processIdentifier)-3"
        for path in [dead, live, other] { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path)) }
        try AtomicFile.write(Data([4]), to: target)
        let manager = FileManager.default
        #expect(!manager.fileExists(atPath: dead))      // its writer is gone
        #expect(manager.fileExists(atPath: live))       // this process may still rename it
        #expect(manager.fileExists(atPath: other))      // another target's
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data([4]))
    }

    /// Writes a CSV of 400 examples, 32 features, 4 classes for the CLI runs.
    func writeCSV() throws -> String {
        var rng = SeededGenerator(seed: 31)
        var lines = [((0..<32).map { "f\($0)" } + ["label"]).joined(separator: ",")]
        for i in 0..<400 {
            lines.append(((0..<32).map { _ in String(Double.random(in: -1...1, using: &rng) + Double(i % 4) * 0.2) } + ["\(i % 4)"])
                .joined(separator: ","))
        }
        try lines.joined(separator: "\n").write(toFile: "\(directory)/data.csv", atomically: true, encoding: .utf8)
        return "data.csv"
    }

    /// Waits for `process` to end without holding a thread of the concurrency pool.
    func exit(of process: Process) async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(2)) }
    }

    /// Starts `axone` with `arguments` in the test directory (one thread: other tests run meanwhile).
    func start(_ arguments: [String]) throws -> Process {
        let process = try axoneProcess(arguments + ["--threads", "1"], in: directory).process
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func file(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)")) }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func aSignalStopsTrainingWithACheckpointThatResumesExactly(signal: Int32, status: Int32) async throws {
        let csv = try writeCSV()
        let options = ["--model", "mlp:32-64-4", "--csv", csv, "--batch-size", "16", "--verbose", "0"]
        // A run far too long to end by itself, signalled once its first checkpoint is on disk.
        let run = try start(["train"] + options + ["--epochs", "100000", "--output", "run.safetensors", "--history", "run.csv"])
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: "\(directory)/run.safetensors") && Date() < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(run.processIdentifier, signal)
        await exit(of: run)
        let message = String(decoding: (run.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(run.terminationReason == .exit && run.terminationStatus == status, "\(message)")
        #expect(message.contains("Interrupted by \(signal == SIGINT ? "SIGINT" : "SIGTERM") after step"), "\(message)")
        let (_, training) = try ModelFile.load(from: "\(directory)/run.safetensors", as: Float.self)
        let stopped = try #require(training?.progress, "the checkpoint holds the interrupted epoch's progress")

        // Resumed to two epochs past the interrupted one, it ends as a run never interrupted
        // (the order of epoch e depends on the seed and e alone, not on the number of epochs).
        let epochs = ["--epochs", "\(stopped.epoch + 2)"]
        let resumed = try await runAxoneAsync(["train", "--model", "run.safetensors", "--resume"] + options.dropFirst(2) + epochs
                                              + ["--output", "run.safetensors", "--history", "run.csv"], in: directory)
        #expect(resumed.status == 0, "\(resumed.error)")
        let reference = try await runAxoneAsync(["train"] + options + epochs + ["--output", "ref.safetensors", "--history", "ref.csv"],
                                                in: directory)
        #expect(reference.status == 0, "\(reference.error)")
        #expect(try file("run.safetensors") == file("ref.safetensors"))
        #expect(try file("run.csv") == file("ref.csv"))
    }

    @Test func aCheckpointKilledAtRandomMomentsAlwaysLoadsAsOneOfTheSavedStates() async throws {
        let csv = try writeCSV()
        let options = ["--csv", csv, "--epochs", "40", "--batch-size", "200", "--verbose", "0", "--history", "kill.csv"]
        // The states a run goes through: one checkpoint file per epoch (~0.9 MB each).
        let reference = try await runAxoneAsync(["train", "--model", "mlp:32-256-256-4"] + options
                                     + ["--checkpoint", "ref-{epoch}.safetensors", "--output", "ref-end.safetensors"], in: directory)
        #expect(reference.status == 0, "\(reference.error)")
        let states = try Set((1...40).map { try file("ref-\($0).safetensors") })
        #expect(states.count == 40)

        // Each run resumes from the first epoch's state, so it saves from its first epoch on, and
        // is killed at a random moment; a run that finishes leaves the last state.
        var rng = SeededGenerator(seed: 77)
        var loads = 0, leftovers = 0, midWriteKills = 0
        for _ in 0..<100 {
            let run = try start(["train", "--model", "ref-1.safetensors", "--resume"] + options + ["--output", "kill.safetensors"])
            // The first run is killed only once it has saved (a loaded machine starts slowly).
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: "\(directory)/kill.safetensors") && Date() < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            try await Task.sleep(for: .microseconds(UInt64.random(in: 0...400_000, using: &rng)))
            kill(run.processIdentifier, SIGKILL)
            await exit(of: run)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            let left = names.filter { $0.hasPrefix(".kill.safetensors.tmp-") }.count
            if left > leftovers { midWriteKills += 1 }
            leftovers = left
            guard names.contains("kill.safetensors") else { continue }
            #expect(states.contains(try file("kill.safetensors")), "the file on disk is not one of the saved states")
            #expect(throws: Never.self) { try ModelFile.load(from: "\(directory)/kill.safetensors", as: Float.self) }
            loads += 1
        }
        #expect(loads == 100, "only \(loads) kills came after the first checkpoint")
        print("checkpoint kills: \(loads) loads after 100 SIGKILLs, all whole; \(midWriteKills) kills landed mid-write")
        // A kill that lands mid-write leaves its temporary file; each new save deletes the dead
        // writers' ones, so at most the last run's is left, and none once a run saves again.
        #expect(leftovers <= 1)
        let finish = try await runAxoneAsync(["train", "--model", "ref-1.safetensors", "--resume"] + options
                                             + ["--output", "kill.safetensors"], in: directory)
        #expect(finish.status == 0)
        #expect(try file("kill.safetensors") == file("ref-40.safetensors"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }.isEmpty)
    }
}
