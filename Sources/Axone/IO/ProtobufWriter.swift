/// Encodes protocol-buffer messages field by field in the wire format (varints, little-endian
/// fixed-width numbers, length-delimited strings and nested messages), for the few messages the
/// core library writes without depending on SwiftProtobuf.
struct ProtobufWriter {
    /// The encoded bytes so far.
    private(set) var bytes: [UInt8] = []

    /// An unsigned varint: 7 bits a byte, least significant first.
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A field's key: its number and wire type (0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit).
    private mutating func key(_ field: Int, wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    private mutating func littleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A `double` field.
    mutating func double(_ field: Int, _ value: Double) {
        key(field, wireType: 1)
        littleEndian(value.bitPattern)
    }

    /// A `float` field.
    mutating func float(_ field: Int, _ value: Float) {
        key(field, wireType: 5)
        littleEndian(value.bitPattern)
    }

    /// An `int64` field (a negative value takes ten bytes, as in protobuf).
    mutating func int64(_ field: Int, _ value: Int64) {
        key(field, wireType: 0)
        varint(UInt64(bitPattern: value))
    }

    /// A `string` field, UTF-8 encoded.
    mutating func string(_ field: Int, _ value: String) { lengthDelimited(field, Array(value.utf8)) }

    /// A nested message field, encoded by `body`.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        body(&nested)
        lengthDelimited(field, nested.bytes)
    }

    /// A packed `repeated double` field.
    mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        var packed = ProtobufWriter()
        for value in values { packed.littleEndian(value.bitPattern) }
        lengthDelimited(field, packed.bytes)
    }

    private mutating func lengthDelimited(_ field: Int, _ payload: [UInt8]) {
        key(field, wireType: 2)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }
}
