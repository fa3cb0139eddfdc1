/// Keeps copies of one model on several processes in step while they train it together
/// (data-parallel training): set one as ``Model/gradientSynchronizer`` on every process, then call
/// `fit` with the same model, data and options everywhere.
///
/// `fit` then, on each process:
/// - checks at the start that all processes agree on the architecture, the parameter count, the
///   number of examples and the options (a clear error on every process otherwise), and copies
///   process 0's parameters, buffers and optimiser state to the others;
/// - trains on its share of each global batch of `batchSize` examples — a contiguous slice of the
///   batch drawn from the epoch's permutation, which every process draws alike;
/// - sums the gradients (weighted so that their sum is the gradient of the global batch's mean
///   loss) and the batch loss over the processes before each update, so every process applies the
///   same update. On the compiled step the gradients go in buckets, each summed with
///   ``startSum(_:)`` as soon as the backward pass has completed it (the last layers' first), as
///   PyTorch's DistributedDataParallel does; the tape sums them all at once after its backward pass;
/// - sums the metric totals at the end of each epoch, so every process logs the same values, and
///   copies process 0's buffers (BatchNorm statistics) to the others;
/// - prints progress on process 0 only. Writing files is the caller's job: only the process for
///   which ``writesFiles`` is true should add file-writing callbacks (checkpoints, CSV logs).
///
/// The `AxoneDistributed` library provides one over Open MPI (`MPICommunicator`).
///
/// All calls are collective: every process makes the same calls in the same order, each
/// returning once all processes have made it. A failure (a process gone) ends the process.
public protocol GradientSynchronizer: AnyObject {
    /// This process's index, in `0..<processCount`.
    var rank: Int { get }
    /// The number of processes training together.
    var processCount: Int { get }
    /// Replaces `values`, on every process, by their element-wise sum over all processes — the
    /// same bits on every process.
    func sum<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>)
    /// Replaces `values`, on every process, by process 0's.
    func broadcast<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>)
    /// Starts replacing `values` by their sum over all processes (as ``sum(_:)``) and returns
    /// without waiting for the other processes; `values` must stay untouched until
    /// ``finishSums()`` returns. The compiled step starts a bucket of gradients this way as soon as
    /// the backward pass has completed it, so that the sum overlaps the rest of the pass.
    ///
    /// Called on the thread that runs `fit`, in the same order on every process. The default sums
    /// at once (``sum(_:)``).
    func startSum<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>)
    /// Waits until every started sum is done. The default does nothing.
    func finishSums()
    /// The size in bytes at which the compiled step closes a bucket of gradients: small enough that
    /// the first buckets (the last layers) start early in the backward pass, large enough that
    /// each sum's latency stays small. `Int.max` makes one bucket, summed after the backward pass.
    /// The default is 256 KiB (PyTorch's `bucket_cap_mb` is 25 MiB, for far larger models).
    var bucketBytes: Int { get }
}

extension GradientSynchronizer {
    public var bucketBytes: Int { 256 * 1024 }
    public func startSum<S: TensorScalar>(_ values: UnsafeMutableBufferPointer<S>) { sum(values) }
    public func finishSums() {}

    /// Whether this process writes the files of a training run (checkpoints, history, logs):
    /// process 0 alone.
    public var writesFiles: Bool { rank == 0 }
}
