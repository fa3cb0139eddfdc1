import ArgumentParser
import Axone
import AxoneDistributed
import Foundation

/// The options of a training benchmark's data-parallel run.
struct DistributedOptions: ParsableArguments {
    @Flag(help: "Train data-parallel over the processes of an mpirun job.") var distributed = false
    @Option(name: .customLong("bucket-kib"),
            help: "With --distributed: close the gradient buckets at this many KiB (0: one bucket, summed after the backward pass).")
    var bucketKiB = 256
}

/// What `--distributed` adds to a training benchmark: the MPI job's communicator, and the cost of
/// its all-reduce of a step's gradients.
struct DistributedBenchmark {
    let communicator: MPICommunicator

    /// Joins the `mpirun` job (before the benchmark starts its threads), with `options`' bucket size.
    init(_ options: DistributedOptions) throws {
        communicator = try MPICommunicator()
        communicator.bucketBytes = options.bucketKiB > 0 ? options.bucketKiB * 1024 : .max
    }

    /// Makes `model` sum its gradients over the job's processes.
    func synchronize(_ model: Model<Float>) { model.gradientSynchronizer = communicator }

    /// Whether this process prints (process 0).
    var prints: Bool { communicator.writesFiles }

    /// Times 50 more all-reduces of `model`'s gradients (plus the 2 loss values) back to back, prints
    /// the lines ALLREDUCE,when,processes,calls,bytes_per_call,ms_per_call,GB_per_s for training
    /// (the time the sums added to the steps: the slower process's wait included, the part
    /// overlapped with the backward pass not), for training per step (over `steps` steps), and alone,
    /// and leaves the job.
    func reportAllReduce(of model: Model<Float>, steps: Int) {
        defer { communicator.finalize() }
        let training = communicator.statistics
        var gradients = [Float](repeating: 1, count: model.trainableParameters.reduce(2) { $0 + $1.variable.value.count })
        for _ in 0..<50 { gradients.withUnsafeMutableBufferPointer { communicator.sum($0) } }
        guard prints else { return }
        var alone = communicator.statistics
        (alone.calls, alone.bytes, alone.seconds) = (alone.calls - training.calls, alone.bytes - training.bytes,
                                                     alone.seconds - training.seconds)
        var perStep = training
        (perStep.calls, perStep.bytes, perStep.seconds) = (1, training.bytes / max(steps, 1), training.seconds / Double(max(steps, 1)))
        print("allreduce,when,processes,calls,bytes_per_call,ms_per_call,GB_per_s")
        for (when, sums) in [("training", training), ("training_per_step", perStep), ("alone", alone)] {
            let perCall = sums.seconds / Double(max(sums.calls, 1)), bytes = sums.bytes / max(sums.calls, 1)
            print("ALLREDUCE,\(when)," + String(format: "%d,%d,%d,%.3f,%.3f", communicator.processCount, sums.calls, bytes,
                                                 perCall * 1e3, Double(bytes) / perCall / 1e9))
        }
    }
}
