import Axone
import Foundation

/// Trains `model` on `data` with Adam 1e-3 and softmax cross-entropy (the peers' task), timing each
/// epoch and printing its line when `prints`; with `profiles`, each epoch's line is followed by its
/// steps' phases (see ``TrainingProfiler``) in milliseconds per epoch; with `floor`, each epoch is
/// preceded by its GEMM floor's timing (outside the epoch's time), shown on its line. Returns the
/// seconds of each epoch.
func timedFit<Data: BatchProvider>(_ model: Model<Float>, on data: Data, epochs: Int, batchSize: Int, seed: UInt64,
                                   prints: Bool = true, profiles: Bool = false, floor: EpochFloor? = nil) throws -> [Double]
where Data.Scalar == Float {
    var epochSeconds: [Double] = []
    var last = DispatchTime.now()
    let profiler = profiles ? TrainingProfiler() : nil
    model.trainingProfiler = profiler
    defer { model.trainingProfiler = nil }
    let timer = LambdaCallback<Float>(onEpochStart: { _, _ in
        floor?.measure()
        profiler?.reset()
        last = DispatchTime.now()
    }) { epoch, logs, _ in
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - last.uptimeNanoseconds) / 1e9
        epochSeconds.append(seconds)
        guard prints else { return }
        let floorSeconds = floor?.measurements.last.map { String(format: "  GEMM floor %.3f s (×%.2f)", $0, seconds / $0) } ?? ""
        print(String(format: "epoch %2d  %.3f s  loss %.4f", epoch + 1, seconds, logs["loss"] ?? .nan) + floorSeconds)
        if let profiler {
            print("  phases (ms per epoch): " + TrainingProfiler.Phase.allCases.map {
                "\($0) \(String(format: "%.1f", profiler.seconds(in: $0) * 1e3))"
            }.joined(separator: ", ") + String(format: "; steps %.1f of %.1f", profiler.totalSeconds * 1e3, seconds * 1e3))
        }
    }
    try model.fit(data, epochs: epochs, batchSize: batchSize, callbacks: [timer], verbose: .silent, seed: seed)
    return epochSeconds
}

/// The median of a figure per epoch over epochs 2…N (the first one compiles and warms up), or the only epoch.
func medianEpoch(_ perEpoch: [Double]) -> Double {
    let timed = perEpoch.count > 1 ? Array(perEpoch.dropFirst()) : perEpoch
    return timed.sorted()[timed.count / 2]
}

/// The test accuracy of `model`'s first output on `images` and the median seconds of predicting
/// them all at batch 1000 (7 timed runs after a warm-up).
func timedInference(_ model: Model<Float>, images: Tensor<Float>, labels: [Int]) -> (accuracy: Double, seconds: Double) {
    var accuracy = 0.0
    let seconds = medianSeconds(repeats: 7) {
        let predicted = (try? model.predict([images], batchSize: 1000))?[0].argmaxRows() ?? []
        accuracy = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
    return (accuracy, seconds)
}

/// Prints the median latency of `predict` on one example and on 64: what a call costs beyond its
/// arithmetic (checking the parameters, finding the executor) shows at these sizes.
func printPredictLatency(_ model: Model<Float>, images: Tensor<Float>) {
    let one = images.rows(0..<1), block = images.rows(0..<Swift.min(64, images.shape[0]))
    let single = medianSeconds(repeats: 2_000) { _ = try? model.predict([one], batchSize: 1) }
    let small = medianSeconds(repeats: 500) { _ = try? model.predict([block], batchSize: 64) }
    print(String(format: "predict latency (median): 1 example %.1f µs, %d examples %.1f µs", single * 1e6, block.shape[0], small * 1e6))
}

/// Prints the peers' RESULT columns for one run (`bench/peers/fmnist.py` prints the same).
func printResult(name: String = "axone", threads: Int, medianEpoch: Double, trainCount: Int, accuracy: Double,
                 inferenceSeconds: Double, testCount: Int) {
    print("OpenBLAS kernel: \(BLASKernel.name)\(BLASKernel.wasChosenByAxone ? " (chosen by Axone)" : "")")
    print("framework,threads,median_epoch_s,samples_per_s,test_acc_pct,infer_samples_per_s,peak_rss_mib")
    print(String(format: "RESULT,%@,%d,%.4f,%.0f,%.2f,%.0f,%.0f", name, threads, medianEpoch, Double(trainCount) / medianEpoch,
                 accuracy * 100, Double(testCount) / inferenceSeconds, peakResidentMiB()))
}

/// The process's peak resident set size in MiB (`VmHWM` in /proc/self/status).
func peakResidentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
    return kib / 1024
}
