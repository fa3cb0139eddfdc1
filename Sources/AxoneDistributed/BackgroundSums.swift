import CMPI
import Foundation

/// A thread that runs the sums the compiled step starts during its backward pass, one after
/// another in the order they were started, each a blocking `MPI_Allreduce` (as Horovod's
/// background thread does). MPI moves a message on only inside an MPI call, so a non-blocking
/// `MPI_Iallreduce` hardly advances between two backward steps, while this thread keeps the
/// transfer going during them.
///
/// While the thread works, no other thread calls MPI: the step waits for it (``waitForAll()``)
/// before it makes any other collective call (`MPI_THREAD_SERIALIZED`).
final class BackgroundSums: @unchecked Sendable {
    /// One sum: its elements (in place), their count and type.
    private struct Job {
        let elements: UnsafeMutableRawPointer
        let count: Int32
        let datatype: MPI_Datatype
    }

    private let condition = NSCondition()
    /// The sums started since the last wait; `done` of them are summed.
    private var jobs: [Job] = [], done = 0
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)

    init() {
        jobs.reserveCapacity(64)
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "axone-mpi-sums"
        thread.start()
    }

    /// Queues the in-place sum of `count` elements of `datatype` at `elements`.
    func start(_ elements: UnsafeMutableRawPointer, count: Int32, datatype: MPI_Datatype) {
        condition.withLock {
            jobs.append(Job(elements: elements, count: count, datatype: datatype))
            condition.broadcast()
        }
    }

    /// Waits until every queued sum is done.
    func waitForAll() {
        condition.withLock {
            while done < jobs.count { condition.wait() }
            jobs.removeAll(keepingCapacity: true)
            done = 0
        }
    }

    /// Ends the thread (after ``waitForAll()``; before `MPI_Finalize`).
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        stopped.wait()
    }

    /// The thread's loop: the next queued sum, or sleep until one comes.
    private func run() {
        while true {
            condition.lock()
            while !stopping && done == jobs.count { condition.wait() }
            if stopping {
                condition.unlock()
                stopped.signal()
                return
            }
            let job = jobs[done]
            condition.unlock()
            _ = MPI_Allreduce(axone_mpi_in_place(), job.elements, job.count, job.datatype, axone_mpi_sum(), axone_mpi_comm_world())
            condition.withLock {
                done += 1
                condition.broadcast()
            }
        }
    }
}
