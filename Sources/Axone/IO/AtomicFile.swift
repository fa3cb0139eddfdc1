import Foundation

/// Writes files so that readers only ever see the old or the new content: the bytes go to a
/// temporary file in the same directory (`.NAME.tmp-PID-RANDOM`), are flushed to disk, then renamed
/// over the target. A process killed mid-write leaves its temporary file behind; the next write to
/// the same target deletes those whose process is gone.
public enum AtomicFile {
    /// Replaces the file at `path` with `data` atomically.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let prefix = ".\(url.lastPathComponent).tmp-"
        removeStaleTemporaries(in: directory, prefix: prefix)
        let temporary = "\(directory)/\(prefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw IOError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var failure = data.withUnsafeBytes { writeAll($0, to: fd) }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw IOError.cannotWrite(path: path, reason: failure)
        }
    }
}

extension AtomicFile {
    /// Writes all of `bytes` to the file descriptor `fd` (retrying short and interrupted writes);
    /// returns why it could not, if it could not.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }

    /// Deletes the temporary files `prefix PID-…` in `directory` left by processes that no longer
    /// run (those of live processes, this one included, may still be renamed into place).
    static func removeStaleTemporaries(in directory: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count).prefix { $0 != "-" }),
                  pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink("\(directory)/\(name)")
        }
    }
}

/// Errors reading or writing Axone's files.
public enum IOError: Error, Equatable, CustomStringConvertible {
    /// The file could not be created, written, flushed or renamed into place.
    case cannotWrite(path: String, reason: String)
    /// The file could not be opened or read.
    case cannotRead(path: String, reason: String)
    case cannotCreateDirectory(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): "cannot write \(path): \(reason)"
        case let .cannotRead(path, reason): "cannot read \(path): \(reason)"
        case let .cannotCreateDirectory(path, reason): "cannot create the directory \(path): \(reason)"
        }
    }
}
