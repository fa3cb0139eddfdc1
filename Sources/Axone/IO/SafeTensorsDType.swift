extension SafeTensors {
    /// The element types of the safetensors format, named as in a file's header (case-sensitive).
    ///
    /// Every dtype is accepted when a file is read and validated; ``isConvertible`` tells which
    /// ones ``SafeTensors/tensor(named:as:)`` can turn into `Float` or `Double`.
    public enum DType: String, CaseIterable, Sendable {
        /// IEEE floating point of 64, 32 and 16 bits, and bfloat16 (8-bit exponent, 7-bit mantissa).
        case float64 = "F64", float32 = "F32", float16 = "F16", bfloat16 = "BF16"
        /// Signed integers of 64, 32, 16 and 8 bits.
        case int64 = "I64", int32 = "I32", int16 = "I16", int8 = "I8"
        /// Unsigned integers of 64, 32, 16 and 8 bits.
        case uint64 = "U64", uint32 = "U32", uint16 = "U16", uint8 = "U8"
        /// One byte per element, read as 0 or 1.
        case bool = "BOOL"
        /// The 8-bit floats (OCP formats); Axone reads their headers but cannot convert their values.
        case float8E4M3 = "F8_E4M3", float8E5M2 = "F8_E5M2", float8E8M0 = "F8_E8M0"
        /// The packed 6- and 4-bit floats (OCP microscaling formats); not convertible.
        case float6E2M3 = "F6_E2M3", float6E3M2 = "F6_E3M2", float4 = "F4"
        /// Complex numbers of two 32-bit floats; not convertible.
        case complex64 = "C64"

        /// The size of one element in bits (4 and 6 for the packed sub-byte float formats).
        public var bitWidth: Int {
            switch self {
            case .float64, .int64, .uint64, .complex64: 64
            case .float32, .int32, .uint32: 32
            case .float16, .bfloat16, .int16, .uint16: 16
            case .int8, .uint8, .bool, .float8E4M3, .float8E5M2, .float8E8M0: 8
            case .float6E2M3, .float6E3M2: 6
            case .float4: 4
            }
        }

        /// Whether Axone can convert elements of this type to `Float` and `Double`.
        public var isConvertible: Bool { decoder(for: Double.self) != nil }

        /// The number of bytes `shape` elements occupy, computed with checked arithmetic.
        func byteCount(of shape: [Int], tensor: String) throws(SafeTensorsError) -> Int {
            // The product of the non-zero dimensions must fit too: tensor code computes strides from it.
            var elements = 1
            for dimension in shape where dimension != 0 {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw .sizeOverflow(tensor: tensor, dtype: rawValue, shape: shape) }
                elements = product
            }
            if shape.contains(0) { elements = 0 }
            let (bits, overflow) = elements.multipliedReportingOverflow(by: bitWidth)
            guard !overflow else { throw .sizeOverflow(tensor: tensor, dtype: rawValue, shape: shape) }
            guard bits % 8 == 0 else { throw .fractionalByteCount(tensor: tensor, dtype: rawValue, shape: shape) }
            return bits / 8
        }

        /// Converts `count` little-endian elements stored in `raw` to `Scalar`, or returns `nil` when
        /// this dtype has no conversion.
        func decoder<Scalar: TensorScalar>(
            for _: Scalar.Type
        ) -> ((_ raw: UnsafeRawBufferPointer, _ count: Int) -> [Scalar])? {
            switch self {
            case .float64: { Self.decode($0, $1) { (word: UInt64) in Scalar(Double(bitPattern: word)) } }
            case .float32: { Self.decode($0, $1) { (word: UInt32) in Scalar(Float(bitPattern: word)) } }
            case .float16: { Self.decode($0, $1) { (word: UInt16) in Scalar(Self.float(fromHalf: word)) } }
            case .bfloat16: { Self.decode($0, $1) { (word: UInt16) in Scalar(Float(bitPattern: UInt32(word) << 16)) } }
            case .int64: { Self.decode($0, $1) { (word: UInt64) in Scalar(Int64(bitPattern: word)) } }
            case .int32: { Self.decode($0, $1) { (word: UInt32) in Scalar(Int32(bitPattern: word)) } }
            case .int16: { Self.decode($0, $1) { (word: UInt16) in Scalar(Int16(bitPattern: word)) } }
            case .int8: { Self.decode($0, $1) { (word: UInt8) in Scalar(Int8(bitPattern: word)) } }
            case .uint64: { Self.decode($0, $1) { (word: UInt64) in Scalar(word) } }
            case .uint32: { Self.decode($0, $1) { (word: UInt32) in Scalar(word) } }
            case .uint16: { Self.decode($0, $1) { (word: UInt16) in Scalar(word) } }
            case .uint8, .bool: { Self.decode($0, $1) { (word: UInt8) in Scalar(word) } }
            case .float8E4M3, .float8E5M2, .float8E8M0, .float6E2M3, .float6E3M2, .float4, .complex64: nil
            }
        }

        private static func decode<Word: FixedWidthInteger, Scalar>(
            _ raw: UnsafeRawBufferPointer, _ count: Int, _ convert: (Word) -> Scalar
        ) -> [Scalar] {
            let stride = MemoryLayout<Word>.size
            return (0..<count).map { index in
                convert(Word(littleEndian: raw.loadUnaligned(fromByteOffset: index * stride, as: Word.self)))
            }
        }

        /// The exact `Float` value of IEEE 754 half-precision bits (portable: no `Float16` needed).
        static func float(fromHalf bits: UInt16) -> Float {
            let sign: UInt32 = UInt32(bits & 0x8000) << 16
            let exponent = Int(bits >> 10 & 0x1F)
            let fraction = UInt32(bits & 0x3FF)
            switch exponent {
            case 0:  // zero or subnormal: fraction · 2⁻²⁴, exact in Float
                let magnitude = Float(fraction) * 0x1p-24
                return sign == 0 ? magnitude : -magnitude
            case 0x1F:  // infinity or NaN, payload kept
                return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
            default:  // rebias the exponent from 15 to 127
                return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | fraction << 13)
            }
        }
    }
}
