import Axone
import AxoneDistributed
import Foundation

/// What `--distributed` adds to a training benchmark: the MPI job's communicator, and the cost of
/// its all-reduce of a step's gradients.
struct DistributedBenchmark {
    let communicator: MPICommunicator

    /// Joins the `mpirun` job (before the benchmark starts its threads).
    init() throws { communicator = try MPICommunicator() }

    /// Makes `model` sum its gradients over the job's processes.
    func synchronize(_ model: Model<Float>) { model.gradientSynchronizer = communicator }

    /// Whether this process prints (process 0).
    var prints: Bool { communicator.writesFiles }

    /// Times 50 more all-reduces of `model`'s gradients (plus the 2 loss values) back to back, prints
    /// the lines ALLREDUCE,when,processes,calls,bytes_per_call,ms_per_call,GB_per_s for training
    /// (the slower process's wait included) and alone, and leaves the job.
    func reportAllReduce(of model: Model<Float>) {
        defer { communicator.finalize() }
        let training = communicator.statistics
        var gradients = [Float](repeating: 1, count: model.trainableParameters.reduce(2) { $0 + $1.variable.value.count })
        for _ in 0..<50 { gradients.withUnsafeMutableBufferPointer { communicator.sum($0) } }
        guard prints else { return }
        var alone = communicator.statistics
        (alone.calls, alone.bytes, alone.seconds) = (alone.calls - training.calls, alone.bytes - training.bytes,
                                                     alone.seconds - training.seconds)
        print("allreduce,when,processes,calls,bytes_per_call,ms_per_call,GB_per_s")
        for (when, sums) in [("training", training), ("alone", alone)] {
            let perCall = sums.seconds / Double(max(sums.calls, 1)), bytes = sums.bytes / max(sums.calls, 1)
            print("ALLREDUCE,\(when)," + String(format: "%d,%d,%d,%.3f,%.3f", communicator.processCount, sums.calls, bytes,
                                                 perCall * 1e3, Double(bytes) / perCall / 1e9))
        }
    }
}
