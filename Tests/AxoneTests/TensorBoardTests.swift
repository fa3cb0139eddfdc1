import Foundation
import Testing
@testable import Axone

/// Records every batch's logged loss, to compare with the `batch_loss` scalars.
private final class BatchLossRecorder: Callback<Float> {
    var losses: [Double] = []
    override func batchDidEnd(_ batch: Int, logs: Logs, model: Model<Float>) throws { losses.append(logs["loss"]!) }
}

/// Event files read back with the `tensorboard` package's own readers (PyPI, in the cached venv).
@Suite struct TensorBoardTests {
    /// Prints, as JSON, each run directory of `sys.argv[1]` as TensorBoard's `EventAccumulator` loads
    /// it (scalars as float32 bit patterns; histograms as step, num, Σ bucket, min and max as float32
    /// bit patterns, bucket count, limit count, 1 when the buckets are in order) with each file's first
    /// event's `file_version`.
    static let readRunsScript = """
        import json, os, struct, sys
        from tensorboard.backend.event_processing import event_accumulator as ea, event_file_loader
        bits = lambda v: struct.unpack('<I', struct.pack('<f', v))[0]
        runs = {}
        for run in sorted(os.listdir(sys.argv[1])):
            path = os.path.join(sys.argv[1], run)
            accumulator = ea.EventAccumulator(path, size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0})
            accumulator.Reload()
            tags = accumulator.Tags()
            # Whether TensorBoard's buckets [min, limit 0], [limit 0, limit 1], …, [limit n-2, max] are well formed.
            ordered = lambda h: float(all(a < b for a, b in zip(h.bucket_limit, h.bucket_limit[1:]))
                                      and h.min <= h.bucket_limit[0] and (len(h.bucket) == 1 or h.bucket_limit[-2] <= h.max))
            histogram = lambda h: [h.num, sum(h.bucket), float(bits(h.min)), float(bits(h.max)), len(h.bucket),
                                   len(h.bucket_limit), ordered(h)]
            runs[run] = {
                "versions": [next(iter(event_file_loader.LegacyEventFileLoader(os.path.join(path, f)).Load())).file_version
                             for f in sorted(os.listdir(path))],
                "scalars": {t: [[e.step, bits(e.value)] for e in accumulator.Scalars(t)] for t in tags["scalars"]},
                "histograms": {t: [[e.step] + histogram(e.histogram_value) for e in accumulator.Histograms(t)]
                               for t in tags["histograms"]},
            }
        print(json.dumps(runs))
        """

    /// Prints the steps and values of the complete scalar events of the file `sys.argv[1]`.
    static let readFileScript = """
        import json, sys
        from tensorboard.backend.event_processing import event_file_loader
        events = event_file_loader.LegacyEventFileLoader(sys.argv[1]).Load()
        print(json.dumps([[e.step, e.summary.value[0].simple_value] for e in events if e.HasField("summary")]))
        """

    static func runPython(_ script: String, _ argument: String) throws -> Any {
        let output = try PythonOracle.run(script, arguments: [argument], importing: "tensorboard.backend.event_processing.event_accumulator",
                                          packages: ["tensorboard"])
        return try JSONSerialization.jsonObject(with: Data(output.utf8))
    }

    /// The tags of one kind (`scalars`, `histograms`) in a run read by ``readRunsScript``.
    static func tags(_ run: [String: Any]?, _ kind: String) -> Set<String> {
        Set((run?[kind] as? [String: Any]).map { Array($0.keys) } ?? [])
    }

    @Test func crc32cMatchesPublishedVectors() {
        #expect(CRC32C.checksum("123456789".utf8) == 0xE306_9283)
        // RFC 3720 (iSCSI), appendix B.4.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map(UInt8.init)) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map(UInt8.init)) == 0x113F_DB5C)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func tensorBoardReadsBackTheScalarsAndHistogramsOfARun() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let (x, y) = blobs(count: 60, seed: 2)
        let model = try Sequential<Float>(inputShape: [2], seed: 4) {
            Dense(8, activation: .tanh)
            Dense(3)
        }
        model.compile(optimizer: Adam(learningRate: 0.05), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        let probe = x.rows(0..<5)
        let batches = BatchLossRecorder()
        let epochs = 3, stepsPerEpoch = 3   // 48 training examples in batches of 16
        let history = try model.fit(x, y, epochs: epochs, batchSize: 16, validationSplit: 0.2, callbacks: [
            LearningRateScheduler { 0.05 / Double($0 + 1) }, batches,
            TensorBoard(logDirectory: directory + "/run", activationInput: probe),
        ], verbose: .silent)
        let runs = try #require(try Self.runPython(Self.readRunsScript, directory + "/run") as? [String: [String: Any]])
        #expect(Set(runs.keys) == ["train", "validation"])
        let train = try #require(runs["train"]), validation = try #require(runs["validation"])
        #expect(train["versions"] as? [String] == ["brain.Event:2"])
        #expect(validation["versions"] as? [String] == ["brain.Event:2"])

        // Scalars: the float32 of each logged value, exactly.
        func bits(_ values: [Double]) -> [Int] { values.map { Int(Float($0).bitPattern) } }
        func series(_ run: [String: Any], _ tag: String) -> (steps: [Int], bits: [Int]) {
            let points = (run["scalars"] as? [String: [[Int]]])?[tag] ?? []
            return (points.map { $0[0] }, points.map { $0[1] })
        }
        #expect(Self.tags(train, "scalars") == ["batch_loss", "batch_learning_rate", "epoch_loss", "epoch_accuracy", "epoch_learning_rate"])
        #expect(Self.tags(validation, "scalars") == ["epoch_loss", "epoch_accuracy"])
        for (run, tag, key) in [(train, "epoch_loss", "loss"), (train, "epoch_accuracy", "accuracy"),
                                (train, "epoch_learning_rate", "lr"), (validation, "epoch_loss", "val_loss"),
                                (validation, "epoch_accuracy", "val_accuracy")] {
            #expect(series(run, tag).steps == Array(0..<epochs), "\(tag)")
            #expect(series(run, tag).bits == bits(history[key]), "\(tag)")
        }
        let steps = Array(1...epochs * stepsPerEpoch)
        #expect(series(train, "batch_loss").steps == steps)
        #expect(series(train, "batch_loss").bits == bits(batches.losses))
        #expect(series(train, "batch_learning_rate").steps == steps)
        #expect(series(train, "batch_learning_rate").bits == bits(steps.map { 0.05 / Double(($0 - 1) / stepsPerEpoch + 1) }))

        // Histograms, every epoch: each counts every value of its parameter or layer output, between
        // their float32 extremes, in at most 30 buckets in order.
        let histograms = try #require(train["histograms"] as? [String: [[Double]]])
        let parameters = model.namedParameters()
        let counts = parameters.map { ("weights/" + $0.name, $0.variable.value.count) }
            + [("activations/layers.0", 5 * 8), ("activations/layers.1", 5 * 3)]
        #expect(Set(histograms.keys) == Set(counts.map(\.0)))
        for (tag, count) in counts {
            let events = try #require(histograms[tag])
            #expect(events.map { Int($0[0]) } == Array(0..<epochs), "\(tag)")
            for event in events {
                #expect(event[1] == Double(count) && event[2] == Double(count), "\(tag)")
                #expect((1...30).contains(event[5]) && event[5] == event[6] && event[7] == 1, "\(tag)")
            }
        }
        for (name, parameter) in parameters {
            let last = try #require(histograms["weights/" + name]?.last)
            let extremes = [parameter.value.scalars.min()!, parameter.value.scalars.max()!].map { Double($0.bitPattern) }
            #expect(Array(last[3...4]) == extremes, "\(name)")
        }
    }

    @Test func aFileCutShortKeepsItsCompleteRecordsReadable() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let writer = try EventFileWriter(directory: directory)
        for step in 0..<5 { try writer.addScalar("loss", Double(step) / 4, step: step) }
        writer.close()
        // The last record loses its final 3 bytes, as if the process died while writing it.
        let handle = try #require(FileHandle(forUpdatingAtPath: writer.path))
        try handle.truncate(atOffset: try handle.seekToEnd() - 3)
        try handle.close()
        let events = try #require(try Self.runPython(Self.readFileScript, writer.path) as? [[Double]])
        #expect(events == [[0, 0], [1, 0.25], [2, 0.5], [3, 0.75]])
    }

    @Test func settingsItCannotFollowAreRefusedBeforeAnythingIsWritten() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let (x, y) = blobs(count: 12)
        let input = Input<Float>(shape: [2], seed: 0)
        let graph = try Model(inputs: [input], outputs: [Dense(3)(input)])
        graph.compile(optimizer: Adam(), loss: .categoricalCrossEntropy())
        for (model, board) in [(try smallModel(), TensorBoard<Float>(logDirectory: directory, batchPeriod: -1)),
                               (try smallModel(), TensorBoard(logDirectory: directory, histogramPeriod: -1)),
                               (try smallModel(), TensorBoard(logDirectory: directory, buckets: 0)),
                               (graph, TensorBoard(logDirectory: directory, activationInput: x))] {
            #expect { try model.fit(x, y, callbacks: [board], verbose: .silent) } throws: { error in
                guard case TrainingError.invalidArgument(let message) = error else { return false }
                return message.hasPrefix("TensorBoard:")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func anUncreatableLogDirectoryIsATypedError() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        #expect(FileManager.default.createFile(atPath: directory + "/taken", contents: Data()))
        let model = try smallModel()
        let (x, y) = blobs(count: 12)
        do {
            try model.fit(x, y, epochs: 1, callbacks: [TensorBoard(logDirectory: directory + "/taken")], verbose: .silent)
            Issue.record("fit wrote into a directory that is a file")
        } catch IOError.cannotCreateDirectory(let path, _) {
            #expect(path == directory + "/taken/train")
        }
    }
}
