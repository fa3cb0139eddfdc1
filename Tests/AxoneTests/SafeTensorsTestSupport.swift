@testable import Axone

/// A safetensors file built by hand: the 8-byte little-endian length of `header`, the header's
/// UTF-8 bytes (plus `padding` spaces), then `buffer`. Tests use it to write files Axone's writer
/// never produces.
func safeTensorsFile(header: String, buffer: [UInt8] = [], padding: Int = 0) -> [UInt8] {
    let json = Array(header.utf8) + Array(repeating: UInt8(ascii: " "), count: padding)
    return littleEndianBytes(UInt64(json.count)) + json + buffer
}

/// The little-endian bytes of `word`.
func littleEndianBytes<Word: FixedWidthInteger>(_ word: Word) -> [UInt8] {
    withUnsafeBytes(of: word.littleEndian) { Array($0) }
}

/// A header entry `"name":{"dtype":…,"shape":…,"data_offsets":[begin,end]}`.
func safeTensorsEntry(_ name: String, _ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
    "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
}

/// A valid file holding one tensor of each convertible stored type, plus metadata.
///
/// F16 `[1, -2, 65504, 2⁻²⁴, -0, +inf]`, BF16 `[1, -3]`, I64 `[-5, 2⁵³]`, I32 `[-7]`, I16 `[-300]`,
/// I8 `[-128]`, U64 `[2⁶³]`, U32 `[4e9]`, U16 `[65535]`, U8 `[0, 255]`, BOOL `[[0, 1], [1, 0]]`.
func mixedDTypeFile() -> [UInt8] {
    let parts: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] = [
        ("half", "F16", [6], [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00 as UInt16].flatMap(littleEndianBytes)),
        ("brain", "BF16", [2], [0x3F80, 0xC040 as UInt16].flatMap(littleEndianBytes)),
        ("long", "I64", [2], littleEndianBytes(Int64(-5)) + littleEndianBytes(Int64(1) << 53)),
        ("int", "I32", [1], littleEndianBytes(Int32(-7))),
        ("short", "I16", [1], littleEndianBytes(Int16(-300))),
        ("byte", "I8", [1], littleEndianBytes(Int8(-128))),
        ("ulong", "U64", [1], littleEndianBytes(UInt64(1) << 63)),
        ("uint", "U32", [1], littleEndianBytes(UInt32(4_000_000_000))),
        ("ushort", "U16", [1], littleEndianBytes(UInt16.max)),
        ("ubyte", "U8", [2], [0, 255]),
        ("mask", "BOOL", [2, 2], [0, 1, 1, 0]),
    ]
    var entries: [String] = [#""__metadata__":{"source":"hand-built"}"#]
    var buffer: [UInt8] = []
    for part in parts {
        let end = buffer.count + part.bytes.count
        entries.append(safeTensorsEntry(part.name, part.dtype, part.shape, buffer.count, end))
        buffer += part.bytes
    }
    return safeTensorsFile(header: "{\(entries.joined(separator: ","))}", buffer: buffer)
}

/// The bit patterns of a tensor's elements, so that NaN payloads and signed zeros compare exactly.
func bitPatterns(_ tensor: Tensor<Float>) -> [UInt32] { tensor.scalars.map(\.bitPattern) }

/// The bit patterns of a tensor's elements, so that NaN payloads and signed zeros compare exactly.
func bitPatterns(_ tensor: Tensor<Double>) -> [UInt64] { tensor.scalars.map(\.bitPattern) }
