import Axone
import CMPI
import Foundation

/// The processes of an Open MPI job (`mpirun -np N …`) as a ``GradientSynchronizer``: set it as
/// every process's `model.gradientSynchronizer`, and `fit` trains data-parallel.
///
/// ```swift
/// let communicator = try MPICommunicator()
/// model.gradientSynchronizer = communicator
/// let callbacks: [Callback<Float>] = communicator.writesFiles ? [ModelCheckpoint(path: "model.safetensors")] : []
/// try model.fit(data, epochs: 10, batchSize: 256, callbacks: callbacks)
/// communicator.finalize()
/// ```
///
/// Sums are `MPI_Allreduce` with `MPI_SUM` on `MPI_COMM_WORLD`, in place; the gradient buckets
/// that the compiled step starts during its backward pass (``startSum(_:)``) are summed in that
/// order by a background thread, which the step waits for (``finishSums()``) before its update
/// (a thread waiting in MPI yields its core: `mpi_yield_when_idle` is on unless set otherwise). Every process must get the same bits, as Open MPI's ring and recursive-doubling
/// algorithms give (each element is reduced once, or by mirrored pairs; with two processes
/// a + b = b + a). Errors are MPI's default, fatal ones: a process that dies ends the whole job
/// (`mpirun` reports which), never a hang.
public final class MPICommunicator: GradientSynchronizer {
    /// What the sums have cost so far.
    public struct Statistics: Sendable {
        /// The number of all-reduce calls.
        public var calls = 0
        /// The bytes each process contributed to them.
        public var bytes = 0
        /// The wall time spent in them, in seconds (waiting for slower processes included); for
        /// the sums started during the backward pass, the time spent starting, advancing and
        /// waiting for them, which is what they add to a step.
        public var seconds = 0.0
    }

    public let rank: Int
    public let processCount: Int
    /// The all-reduce calls made so far (``sum(_:)``).
    public private(set) var statistics = Statistics()
    /// The size at which the compiled step closes a bucket of gradients (256 KiB unless set; see
    /// ``GradientSynchronizer/bucketBytes``).
    public var bucketBytes = 256 * 1024
    /// The thread that runs the sums started during a backward pass (made on the first).
    private var background: BackgroundSums?
    /// Whether MPI lets another thread make the calls (`MPI_THREAD_SERIALIZED` or more, as Open MPI
    /// gives); otherwise ``startSum(_:)`` sums at once.
    private let sumsInBackground: Bool

    /// Joins the job: initialises MPI (once per process; threads may call it, one at a time).
    /// - Throws: ``TrainingError/invalidArgument(_:)`` when MPI cannot start.
    public init() throws {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            // A thread waiting in MPI yields its core instead of spinning (unless the user set it):
            // the background sums then leave the backward pass its core on a host with as many
            // processes as cores (measured: spinning made 2 processes × 1 thread on 2 cores ×2 slower).
            setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0)
            var provided: Int32 = 0
            let status = MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided)
            guard status == MPI_SUCCESS else {
                throw TrainingError.invalidArgument("MPI could not start (error \(status)); run the program under mpirun")
            }
        }
        var threadSupport: Int32 = 0
        MPI_Query_thread(&threadSupport)
        sumsInBackground = threadSupport >= Int32(MPI_THREAD_SERIALIZED)
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(axone_mpi_comm_world(), &rank)
        MPI_Comm_size(axone_mpi_comm_world(), &size)
        self.rank = Int(rank)
        processCount = Int(size)
    }

    public func sum<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>) {
        timed(bytes: values.count * MemoryLayout<S>.size) {
            forEachPiece(of: values) { MPI_Allreduce(axone_mpi_in_place(), $0, $1, datatype(S.self), axone_mpi_sum(), axone_mpi_comm_world()) }
        }
    }

    public func startSum<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>) {
        guard sumsInBackground else { return sum(values) }
        timed(bytes: values.count * MemoryLayout<S>.size) {
            let sums = background ?? BackgroundSums()
            background = sums
            forEachPiece(of: values) { pointer, count in
                sums.start(pointer, count: count, datatype: datatype(S.self))
                return MPI_SUCCESS
            }
        }
    }

    public func finishSums() {
        guard let background else { return }
        timed(bytes: nil) { background.waitForAll() }
    }

    /// Runs `body`, adding its time to ``statistics`` — and, with `bytes`, one call of that size.
    private func timed(bytes: Int?, _ body: () -> Void) {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        if let bytes {
            statistics.calls += 1
            statistics.bytes += bytes
        }
        statistics.seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    public func broadcast<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>) {
        forEachPiece(of: values) { MPI_Bcast($0, $1, datatype(S.self), 0, axone_mpi_comm_world()) }
    }

    /// Leaves the job: call it once, after the last collective call, on every process that ends
    /// normally (a process that exits on an error should not, so that `mpirun` ends the others).
    public func finalize() {
        background?.stop()
        MPI_Finalize()
    }

    /// MPI's element type for `S` (`Float` or `Double`, the two tensor scalars).
    private func datatype<S: TensorScalar>(_: S.Type) -> MPI_Datatype {
        MemoryLayout<S>.size == MemoryLayout<Float>.size ? axone_mpi_float() : axone_mpi_double()
    }

    /// Calls `body` on pieces of `values` whose counts fit MPI's `Int32`.
    private func forEachPiece<S>(of values: UnsafeMutableBufferPointer<S>, _ body: (UnsafeMutableRawPointer, Int32) -> Int32) {
        guard let base = values.baseAddress else { return }
        for start in stride(from: 0, to: values.count, by: Int(Int32.max)) {
            _ = body(base + start, Int32(Swift.min(Int(Int32.max), values.count - start)))
        }
    }
}
