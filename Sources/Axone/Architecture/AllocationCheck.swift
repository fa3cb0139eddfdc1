import Foundation

/// Throws ``LayerError/tooLarge(layer:bytes:available:)`` when a tensor of `shape` would take
/// more bytes than the machine's physical memory (or more than `Int` can count).
func checkAllocation<Scalar>(of shape: [Int], layer: String, as _: Scalar.Type) throws {
    let available = ProcessInfo.processInfo.physicalMemory
    var bytes: Int? = MemoryLayout<Scalar>.stride
    for size in shape {
        guard let current = bytes else { break }
        let (product, overflow) = current.multipliedReportingOverflow(by: size)
        bytes = overflow ? nil : product
    }
    guard let bytes, UInt64(bytes) <= available else { throw LayerError.tooLarge(layer: layer, bytes: bytes, available: available) }
}

/// A byte count in decimal units: `4000000000000` → `4.0 TB`.
func byteCount<Count: BinaryInteger>(_ bytes: Count) -> String {
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
    var value = Double(bytes), unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
}
