import COpenBLAS
import Foundation
import Synchronization

/// How many threads Axone computes with (process-wide).
///
/// The count drives both levels of parallelism: OpenBLAS's threads for a single matrix product
/// (the autodiff path), and the worker pool over which planned passes (Dense stacks trained with
/// softmax cross-entropy) split each batch into shards, every shard calling single-threaded BLAS.
/// It defaults to the number of active cores.
///
/// Planned passes give bit-identical results whatever the count, because the shards depend on the
/// batch size alone. On the autodiff path OpenBLAS may split a large product differently at
/// another count, so results there are bit-reproducible at a fixed count.
public enum Parallelism {
    private static let current = Mutex<WorkerPool?>(nil)

    /// Sets the thread count (values below 1 mean 1).
    public static func setThreadCount(_ count: Int) {
        let count = max(1, count)
        openblas_set_num_threads(Int32(count))
        current.withLock { pool in
            if pool?.threadCount != count {
                pool?.retire()
                pool = WorkerPool(workers: count - 1)
            }
        }
    }

    /// The number of threads in use.
    public static var threadCount: Int { pool.threadCount }

    /// The worker pool, started on first use with one thread per active core (OpenBLAS's own default).
    static var pool: WorkerPool {
        current.withLock { pool in
            if let pool { return pool }
            let created = WorkerPool(workers: max(1, ProcessInfo.processInfo.activeProcessorCount) - 1)
            pool = created
            return created
        }
    }

    /// Runs `body` with OpenBLAS limited to one thread, for code that calls BLAS from several pool
    /// threads at once, then gives OpenBLAS its threads back.
    static func withSerialBLAS<R>(_ body: () throws -> R) rethrows -> R {
        let threads = openblas_get_num_threads()
        guard threads > 1 else { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(threads) }
        return try body()
    }
}
