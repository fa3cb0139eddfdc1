/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TFRecord files, with
/// the masking TensorFlow applies to checksums stored next to the data they cover.
enum CRC32C {
    /// The byte-at-a-time lookup table.
    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes` (`checksum("123456789".utf8) == 0xE3069283`).
    static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc = UInt32.max
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    /// TensorFlow's masked checksum, `((crc >> 15) | (crc << 17)) &+ 0xa282ead8`, which keeps a
    /// CRC of data that itself holds CRCs from being trivially related to them.
    static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
