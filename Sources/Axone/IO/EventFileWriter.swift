import Foundation

/// Writes a TensorBoard event file: TFRecord-framed `Event` protocol buffers, a scalar or a
/// histogram each, that `tensorboard --logdir` reads (TensorBoard shows each directory holding
/// event files as one run).
///
/// Every event goes to the file in one `write` as soon as it is added, so a process that dies
/// leaves every earlier event readable (a reader stops at a record cut short); ``flush()`` also
/// forces them to disk.
///
/// ```swift
/// let writer = try EventFileWriter(directory: "runs/demo")
/// try writer.addScalar("loss", 0.25, step: 1)
/// try writer.flush()
/// ```
public final class EventFileWriter {
    /// The event file, `events.out.tfevents.<seconds>.<host>.<process id>.<random>` in the directory.
    public let path: String
    private var descriptor: Int32

    /// Creates `directory` (with its parents) if needed and a new event file in it, starting with
    /// the `brain.Event:2` file-version event.
    /// - Throws: ``IOError/cannotCreateDirectory(path:reason:)`` when the directory cannot be made,
    ///   ``IOError/cannotWrite(path:reason:)`` when the file cannot be created or written.
    public init(directory: String) throws {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw IOError.cannotCreateDirectory(path: directory, reason: (error as NSError).localizedDescription)
            }
        } else if !isDirectory.boolValue {
            throw IOError.cannotCreateDirectory(path: directory, reason: "a file of that name is in the way")
        }
        var host = [CChar](repeating: 0, count: 256)
        let hostName = gethostname(&host, host.count) == 0
            ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        let now = Date().timeIntervalSince1970
        path = "\(directory)/events.out.tfevents.\(Int(now)).\(hostName).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw IOError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        try write(SummaryEvent.fileVersion(wallTime: now))
    }

    deinit { close() }

    /// Adds `value` (stored as a 32-bit float, TensorBoard's `simple_value`) under `tag` at `step`.
    public func addScalar(_ tag: String, _ value: Double, step: Int, wallTime: Double = Date().timeIntervalSince1970) throws {
        try write(SummaryEvent.scalar(tag, Float(value), step: step, wallTime: wallTime))
    }

    /// Adds `histogram` under `tag` at `step`.
    public func addHistogram(_ tag: String, _ histogram: HistogramSummary, step: Int,
                             wallTime: Double = Date().timeIntervalSince1970) throws {
        try write(SummaryEvent.histogram(tag, histogram, step: step, wallTime: wallTime))
    }

    /// Forces the events written so far to disk (`fsync`).
    public func flush() throws {
        guard descriptor >= 0 else { throw IOError.cannotWrite(path: path, reason: "the event file is closed") }
        if fsync(descriptor) != 0 { throw IOError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Closes the file; adding to it afterwards throws. Closing twice does nothing.
    public func close() {
        guard descriptor >= 0 else { return }
        Foundation.close(descriptor)
        descriptor = -1
    }

    /// Appends `event` as one TFRecord.
    private func write(_ event: [UInt8]) throws {
        guard descriptor >= 0 else { throw IOError.cannotWrite(path: path, reason: "the event file is closed") }
        if let failure = TFRecord.framed(event).withUnsafeBytes({ AtomicFile.writeAll($0, to: descriptor) }) {
            throw IOError.cannotWrite(path: path, reason: failure)
        }
    }
}
