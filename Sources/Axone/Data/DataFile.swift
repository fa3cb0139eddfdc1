import Foundation

/// Reads and writes whole data files, gzip-compressed when the name ends in `.gz`.
///
/// ```swift
/// try DataFile.write(bytes, toPath: "/tmp/labels.gz")          // compressed because of the suffix
/// let same = try DataFile.contents(atPath: "/tmp/labels.gz")    // decompressed, CRC checked
/// ```
public enum DataFile {
    /// The bytes of the file at `path`, decompressed when `path` ends in `.gz`.
    public static func contents(atPath path: String) throws(DataError) -> [UInt8] {
        let raw = try rawContents(atPath: path)
        return path.hasSuffix(".gz") ? try Gzip.decompress(raw, path: path) : raw
    }

    /// Writes `bytes` to `path` (replacing any file there), gzip-compressed when `path` ends in `.gz`.
    public static func write(_ bytes: [UInt8], toPath path: String) throws(DataError) {
        let stored = path.hasSuffix(".gz") ? try Gzip.compress(bytes) : bytes
        do {
            try Data(stored).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritableFile(path: path, reason: error.localizedDescription)
        }
    }

    private static func rawContents(atPath path: String) throws(DataError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else { throw .unreadableFile(path: path, reason: "it is a directory") }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
    }
}
