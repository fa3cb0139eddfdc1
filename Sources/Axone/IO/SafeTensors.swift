import Foundation

/// A safetensors file: named tensors plus a string→string metadata map, the checkpoint format of
/// PyTorch and Hugging Face, and the format of Axone's model files.
///
/// Layout: an 8-byte little-endian header length `N`, `N` bytes of UTF-8 JSON (an object, padded
/// with trailing spaces), then the byte buffer. Each header entry
/// `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}` locates one tensor's
/// little-endian elements in the buffer; the optional `__metadata__` entry holds the metadata.
///
/// Reading validates the whole file up front and never traps on bad input: every problem throws a
/// ``SafeTensorsError``. The checks are those of the reference loader plus stricter ones: names are
/// unique, the tensors cover the buffer exactly (no gaps, overlaps or trailing bytes), BOOL bytes
/// are 0 or 1 and only spaces pad the header.
///
/// ```swift
/// let w = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4])
/// try SafeTensors.write([("layers.0.weight", w)], metadata: ["axone.layout": "in,out"], to: "model.safetensors")
/// let file = try SafeTensors(contentsOf: "model.safetensors")
/// print(file.names)                                  // ["layers.0.weight"]
/// let same = try file.tensor(named: "layers.0.weight", as: Float.self)
/// let wide = try file.tensor(named: "layers.0.weight", as: Double.self)   // converted on read
/// ```
public struct SafeTensors: Sendable {
    /// One tensor's description in the header.
    public struct Entry: Equatable, Sendable {
        /// The tensor's name, such as `layers.0.weight`.
        public let name: String
        /// The stored element type.
        public let dtype: DType
        /// The size of each axis; `[]` for a scalar.
        public let shape: [Int]
        /// Where the tensor's bytes lie, relative to the start of the byte buffer.
        public let byteRange: Range<Int>
    }

    /// The largest header accepted, in bytes (the reference loader's limit).
    public static let maximumHeaderSize = 100_000_000

    /// The `__metadata__` map; empty when the file has none.
    public let metadata: [String: String]
    /// Every tensor's entry, in file order (by position in the buffer).
    public let entries: [Entry]

    private let bytes: [UInt8]
    private let bufferStart: Int
    private let indexByName: [String: Int]

    /// Reads and validates the safetensors file at `path`.
    ///
    /// - Throws: ``IOError/cannotRead(path:reason:)`` when the file cannot be read, a
    ///   ``SafeTensorsError`` when its contents are not a valid safetensors file.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw IOError.cannotRead(path: path, reason: error.localizedDescription)
        }
        try self.init(bytes: [UInt8](data))
    }

    /// Validates safetensors bytes held in memory.
    public init(bytes: [UInt8]) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .fileTooShort(byteCount: bytes.count) }
        let declared = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard declared <= UInt64(Self.maximumHeaderSize) else {
            throw .headerTooLarge(declared: declared, limit: Self.maximumHeaderSize)
        }
        let headerSize = Int(declared)
        guard headerSize <= bytes.count - 8 else {
            throw .headerBeyondFile(declared: declared, available: bytes.count - 8)
        }
        let bufferStart = 8 + headerSize
        let header = try SafeTensorsHeader(parsing: Array(bytes[8..<bufferStart]),
                                           bufferSize: bytes.count - bufferStart)
        for entry in header.entries where entry.dtype == .bool {
            let stored = bytes[(bufferStart + entry.byteRange.lowerBound)..<(bufferStart + entry.byteRange.upperBound)]
            if let index = stored.firstIndex(where: { $0 > 1 }) {
                throw .invalidBool(tensor: entry.name, index: index - stored.startIndex, byte: bytes[index])
            }
        }
        self.bytes = bytes
        self.bufferStart = bufferStart
        self.metadata = header.metadata
        self.entries = header.entries
        // Names are unique: the header parser rejects a repeated key.
        self.indexByName = Dictionary(uniqueKeysWithValues: header.entries.enumerated().map { ($1.name, $0) })
    }

    /// The tensor names in file order (by position in the buffer).
    public var names: [String] { entries.map(\.name) }

    /// The entry of the tensor called `name`, or `nil` when the file has none.
    public func entry(named name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    /// The tensor called `name`, converted from its stored dtype to `Scalar`.
    ///
    /// F64, F32, F16, BF16, the signed and unsigned integers and BOOL (as 0 and 1) convert; values
    /// that `Scalar` cannot represent exactly are rounded to the nearest (F64 and 64-bit integers
    /// read as `Float`).
    ///
    /// - Throws: ``SafeTensorsError/unknownTensor(_:available:)`` listing the names the file holds,
    ///   or ``SafeTensorsError/unsupportedConversion(tensor:from:to:)`` for the 8-, 6- and 4-bit
    ///   floats and C64.
    public func tensor<Scalar: TensorScalar>(
        named name: String, as _: Scalar.Type = Scalar.self
    ) throws(SafeTensorsError) -> Tensor<Scalar> {
        guard let entry = entry(named: name) else { throw .unknownTensor(name, available: names) }
        guard let decode = entry.dtype.decoder(for: Scalar.self) else {
            throw .unsupportedConversion(tensor: name, from: entry.dtype.rawValue, to: "\(Scalar.self)")
        }
        // Validated: the product of the dimensions fits in Int and the range holds that many elements.
        let count = entry.shape.reduce(1, *)
        let start = bufferStart + entry.byteRange.lowerBound
        let scalars = bytes.withUnsafeBytes { raw in
            decode(UnsafeRawBufferPointer(rebasing: raw[start..<(start + entry.byteRange.count)]), count)
        }
        return Tensor(shape: entry.shape, scalars: scalars)
    }
}
