import COpenBLAS
import Foundation
import Synchronization

/// How many threads Axone computes with (process-wide).
///
/// Axone runs OpenBLAS single-threaded and spreads work over its own worker pool instead: planned
/// passes (Dense stacks trained with softmax cross-entropy) split each batch into row shards, and
/// other matrix products split the rows of their result. The pool hands work to whichever thread is
/// free, so a core that the host takes away costs its share of speed rather than stalling the
/// others, and idle workers sleep instead of spinning for long. The count defaults to the number of
/// active cores.
///
/// Results are bit-identical whatever the count, by construction: training shards depend on the
/// batch size alone, and split products and inference run in blocks of 64 rows that start at row 0,
/// so every BLAS call has the same shape whichever thread runs it.
public enum Parallelism {
    private static let current = Mutex<WorkerPool?>(nil)

    /// Sets the thread count (values below 1 mean 1).
    public static func setThreadCount(_ count: Int) {
        let count = max(1, count)
        current.withLock { pool in
            openblas_set_num_threads(1)
            if pool?.threadCount != count {
                pool?.retire()
                pool = WorkerPool(workers: count - 1)
            }
        }
    }

    /// The number of threads in use.
    public static var threadCount: Int { pool.threadCount }

    /// The worker pool, started on first use with one thread per active core; starting it makes
    /// OpenBLAS single-threaded.
    static var pool: WorkerPool {
        current.withLock { pool in
            if let pool { return pool }
            openblas_set_num_threads(1)
            let created = WorkerPool(workers: max(1, ProcessInfo.processInfo.activeProcessorCount) - 1)
            pool = created
            return created
        }
    }

    /// Runs `body(0)`, …, `body(count − 1)` on the worker pool, the calling thread included, and
    /// returns when all have finished. Iterations are handed out one at a time to whichever thread
    /// is free; BLAS calls inside them are single-threaded. A loop started inside another, or while
    /// another thread runs one, runs serially on its caller.
    ///
    /// ```swift
    /// Parallelism.parallelFor(shards.count) { i in train(shards[i]) }   // shards side by side
    /// ```
    public static func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        pool.parallelFor(count, body)
    }

    /// ``parallelFor(_:_:)`` for a body kept between calls (a stored closure, as in a training
    /// step's loops): the pool holds the body as it is, so the call allocates nothing.
    static func parallelForStored(_ count: Int, _ body: @escaping (Int) -> Void) {
        pool.parallelForStored(count, body)
    }

    /// ``parallelFor(_:_:)`` for a body that captures nothing: it gets `context` (what the loop
    /// works on, valid for the call) with each iteration's index, so the call allocates nothing.
    static func parallelFor(_ count: Int, context: UnsafeMutableRawPointer,
                            _ body: @convention(c) (UnsafeMutableRawPointer, Int) -> Void) {
        pool.parallelFor(count, context: context, body)
    }
}
