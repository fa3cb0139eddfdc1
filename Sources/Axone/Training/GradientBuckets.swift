import Foundation
import Synchronization

/// Data-parallel training's sums of a compiled step's gradients, in buckets started while the
/// backward pass still runs, as PyTorch's DistributedDataParallel does.
///
/// The trainable parameters are ordered as the backward pass completes their gradients (the last
/// layers' first) and cut into buckets of about the synchronizer's
/// ``GradientSynchronizer/bucketBytes``. During the step each shard reports
/// the calls its backward pass has done (``didFinish(call:shard:)``); once every shard is past
/// the call that completes a bucket, the thread that runs the step adds the shards' gradients of
/// that bucket (shard 0's, plus shard 1's, … in that order, as a step without buckets does) and
/// starts its sum over the processes (``GradientSynchronizer/startSum(_:)``), which goes on while
/// the backward pass does. Buckets start in the same order on every
/// process, as MPI requires of collective calls. The last bucket also carries the step's losses
/// and the stop flag. ``finish(losses:outputs:)`` waits for the sums and copies them back into
/// shard 0's gradients.
///
/// A weight whose gradient the step computes over all its shards' rows after the backward pass
/// (the compiled step's deferred weight: `summedApart`) is already whole in shard 0's gradient: its
/// bucket adds no other shard's and starts only from ``finish(losses:training:)``.
///
/// Every process sums the same values in the same buckets, so the result does not depend on the
/// bucket size; it is the same as one sum of everything whenever the synchronizer's sum is exact per
/// element (Open MPI with two processes: a + b = b + a).
final class GradientBuckets<Scalar: TensorScalar>: @unchecked Sendable {
    /// A bucket: its parameters, the call whose backward step completes the last of them, and the
    /// buffer its sum is made in.
    private struct Bucket {
        let parameters: [Int]
        let completedBy: Int
        let buffer: UnsafeMutableBufferPointer<Scalar>
    }

    private let programs: [CompiledProgram<Scalar>]
    private let buckets: [Bucket]
    /// The parameter whose gradient shard 0 holds whole (see the type's description).
    private let summedApart: Int?
    private let outputCount: Int
    /// The size at which the buckets close.
    let bucketBytes: Int
    /// Per shard, the last call whose backward step it has done (calls run from the last to the
    /// first; `Int.max` before the pass, −1 after it).
    private let progress: Mutex<[Int]>
    private var started = 0
    private var synchronizer: GradientSynchronizer?
    private var stepThread = pthread_self()

    /// Buckets closing at `bucketBytes` for the shards `programs` of a step with `outputCount` losses,
    /// parameter `summedApart` (if any) whole in shard 0's gradient after the backward pass.
    init(_ programs: [CompiledProgram<Scalar>], outputCount: Int, bucketBytes: Int, summedApart: Int? = nil) {
        self.programs = programs
        self.summedApart = summedApart
        self.outputCount = outputCount
        self.bucketBytes = bucketBytes
        let completion = programs[0].gradientCompletion
        let order = completion.keys.sorted { (completion[$0]!, $1) > (completion[$1]!, $0) }
        // A bucket closes once it holds `bucketBytes`, between two calls' parameters (a layer's stay together).
        var groups: [[Int]] = [[]], bytes = 0
        for parameter in order {
            if bytes >= bucketBytes, let previous = groups.last?.last, completion[previous] != completion[parameter] {
                groups.append([])
                bytes = 0
            }
            groups[groups.count - 1].append(parameter)
            bytes += programs[0].parameterGradient(parameter)!.count * MemoryLayout<Scalar>.stride
        }
        buckets = groups.indices.map { index in
            let parameters = groups[index], isLast = index == groups.count - 1
            let count = parameters.reduce(isLast ? outputCount + 1 : 0) { $0 + programs[0].parameterGradient($1)!.count }
            // −1: after the backward pass (from `finish`), when a parameter is summed apart.
            let completedBy = parameters.contains { $0 == summedApart } ? -1 : parameters.map { completion[$0]! }.min() ?? -1
            return Bucket(parameters: parameters, completedBy: completedBy, buffer: .allocate(capacity: count))
        }
        progress = Mutex([Int](repeating: .max, count: programs.count))
    }

    deinit {
        for bucket in buckets { bucket.buffer.deallocate() }
    }

    /// The number of buckets (each one sum per step).
    var count: Int { buckets.count }

    /// Prepares a step whose sums go through `synchronizer`, run by the calling thread.
    func begin(_ synchronizer: GradientSynchronizer) {
        self.synchronizer = synchronizer
        started = 0
        stepThread = pthread_self()
        progress.withLock { shards in
            for index in shards.indices { shards[index] = .max }
        }
    }

    /// Shard `shard` has done the backward step of `call`: starts the buckets this completes when
    /// called on the step's thread.
    func didFinish(call: Int, shard: Int) {
        progress.withLock { $0[shard] = call }
        guard pthread_equal(pthread_self(), stepThread) != 0 else { return }
        startCompletedBuckets(losses: nil, stop: 0)
    }

    /// Ends the step once every shard's backward pass is done: starts the buckets left (the last
    /// with the shards' `losses`, `shards × outputs` values, and the stop flag of `training`),
    /// waits for every sum, and writes the sums into shard 0's gradients and `losses[0..<outputs]`.
    func finish(losses: UnsafeMutableBufferPointer<Scalar>, training: DataParallelTraining<Scalar>) {
        progress.withLock { shards in
            for index in shards.indices { shards[index] = -1 }
        }
        startCompletedBuckets(losses: losses, stop: training.takeStopFlag())
        synchronizer?.finishSums()
        for bucket in buckets {
            var offset = 0
            for parameter in bucket.parameters {
                let gradient = programs[0].parameterGradient(parameter)!
                _ = gradient.update(fromContentsOf: bucket.buffer[offset..<(offset + gradient.count)])
                offset += gradient.count
            }
        }
        let last = buckets[buckets.count - 1].buffer
        for index in 0..<outputCount { losses[index] = last[last.count - outputCount - 1 + index] }
        training.receiveStopFlag(last[last.count - 1])
        synchronizer = nil
    }

    /// Starts, in order, the buckets that every shard has completed. The last one starts only
    /// from ``finish(losses:training:)``, which gives the losses and the stop flag it carries.
    private func startCompletedBuckets(losses: UnsafeMutableBufferPointer<Scalar>?, stop: Scalar) {
        while started < buckets.count {
            let bucket = buckets[started], isLast = started == buckets.count - 1
            guard !isLast || losses != nil else { return }
            guard progress.withLock({ $0.allSatisfy { $0 <= bucket.completedBy } }) else { return }
            var offset = 0
            for parameter in bucket.parameters {
                let first = programs[0].parameterGradient(parameter)!
                let total = UnsafeMutableBufferPointer(rebasing: bucket.buffer[offset..<(offset + first.count)])
                _ = total.update(fromContentsOf: first)
                for program in programs.dropFirst() where parameter != summedApart {
                    Scalar.accumulate(UnsafeBufferPointer(program.parameterGradient(parameter)!), into: total)
                }
                offset += total.count
            }
            if isLast, let losses {
                for index in 0..<outputCount {
                    bucket.buffer[offset + index] = programs.indices.reduce(Scalar(0)) { $0 + losses[$1 * outputCount + index] }
                }
                bucket.buffer[offset + outputCount] = stop
            }
            synchronizer?.startSum(bucket.buffer)
            started += 1
        }
    }
}
