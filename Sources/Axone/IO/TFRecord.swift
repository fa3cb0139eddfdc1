/// TFRecord framing, the container of TensorBoard event files: each record is its length (a
/// little-endian `UInt64`), the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C
/// of the data (all `UInt32` little-endian), so a reader can tell a complete record from one cut
/// short or damaged.
enum TFRecord {
    /// `data` as one record.
    static func framed(_ data: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(data.count + 16)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { record.append(contentsOf: $0) } }
        append(UInt64(data.count))
        append(CRC32C.masked(CRC32C.checksum(record)))
        record.append(contentsOf: data)
        append(CRC32C.masked(CRC32C.checksum(data)))
        return record
    }
}
