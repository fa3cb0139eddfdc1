import Foundation
@testable import Axone

/// A fresh directory under the system temporary directory, unique per call (tests run in parallel);
/// remove it with `defer { removeTemporaryDirectory(directory) }`.
func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("axone-data-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// Deletes a directory made by ``makeTemporaryDirectory()`` and everything in it.
func removeTemporaryDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// A small valid IDX image file: `count` images of `rows × columns` with pixel values `(i · 7) % 256`.
func sampleImages(count: Int = 3, rows: Int = 4, columns: Int = 5) throws -> IDXFile {
    try IDXFile(dimensions: [count, rows, columns],
                bytes: (0..<(count * rows * columns)).map { UInt8(truncatingIfNeeded: $0 * 7) })
}

/// Runs `body` and returns the `DataError` it throws, or `nil` when it succeeds.
func dataError<T>(_ body: () throws(DataError) -> T) -> DataError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// Writes `bytes` to `path` exactly as given (no compression, whatever the suffix).
func writeRawFile(_ bytes: [UInt8], toPath path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
