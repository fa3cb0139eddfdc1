/// An IDX file of unsigned bytes, the format of MNIST and Fashion-MNIST.
///
/// Layout: the magic `0x00 0x00 <type> <rank>`, then `rank` big-endian 32-bit dimensions, then the
/// elements in row-major order. Only type `0x08` (unsigned byte) is supported. Reading is strict:
/// the data must hold exactly the product of the dimensions (a truncated file and trailing bytes
/// are both errors), and `.gz` files are decompressed with their CRC checked.
///
/// ```swift
/// let file = try IDXFile(contentsOfFile: "t10k-labels-idx1-ubyte.gz")
/// print(file.dimensions)   // [10000]
/// let images = try IDXFile.loadImages(atPath: "t10k-images-idx3-ubyte.gz")
/// print(images.count, images.rows, images.columns)   // 10000 28 28
/// ```
public struct IDXFile: Equatable, Sendable {
    /// The element type code of unsigned bytes, the only one supported.
    public static let unsignedByteType: UInt8 = 0x08

    /// The size of each axis, outermost first.
    public let dimensions: [Int]
    /// The elements in row-major order; `bytes.count` is the product of `dimensions`.
    public let bytes: [UInt8]

    /// Creates an IDX file in memory from its dimensions (at most 255 axes, each below 2³²) and elements.
    public init(dimensions: [Int], bytes: [UInt8]) throws(DataError) {
        guard dimensions.count <= 255, dimensions.allSatisfy({ (0...Int(UInt32.max)).contains($0) }) else {
            throw .invalidArgument(name: "dimensions", expected: "at most 255 sizes, each in 0...\(UInt32.max)",
                                   received: "\(dimensions)")
        }
        guard Self.elementCount(dimensions) == bytes.count else {
            throw .invalidShape(operation: "IDXFile(dimensions: \(dimensions))",
                                expected: "one byte per element", got: [bytes.count])
        }
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// Reads and validates the IDX file at `path` (decompressed first if the name ends in `.gz`).
    public init(contentsOfFile path: String) throws(DataError) {
        try self.init(decoding: DataFile.contents(atPath: path), path: path)
    }

    /// Parses and validates IDX bytes; `path` only names the source in errors.
    public init(decoding data: [UInt8], path: String = "<memory>") throws(DataError) {
        guard data.count >= 4, data[0] == 0, data[1] == 0 else {
            throw .invalidIDXMagic(path: path, magic: Array(data.prefix(4)))
        }
        guard data[2] == Self.unsignedByteType else { throw .unsupportedIDXType(path: path, typeCode: data[2]) }
        let rank = Int(data[3])
        let headerSize = 4 + 4 * rank
        guard data.count >= headerSize else {
            throw .truncatedIDXHeader(path: path, rank: rank, byteCount: data.count)
        }
        let dimensions = (0..<rank).map { axis in
            data[(4 + 4 * axis)..<(8 + 4 * axis)].reduce(0) { $0 << 8 | Int($1) }
        }
        let dataBytes = data.count - headerSize
        guard Self.elementCount(dimensions) == dataBytes else {
            throw .idxSizeMismatch(path: path, dimensions: dimensions, dataBytes: dataBytes)
        }
        self.dimensions = dimensions
        self.bytes = Array(data[headerSize...])
    }

    /// The file's bytes: header then elements.
    public func encoded() -> [UInt8] {
        var data: [UInt8] = [0, 0, Self.unsignedByteType, UInt8(dimensions.count)]
        data.reserveCapacity(4 + 4 * dimensions.count + bytes.count)
        for dimension in dimensions {
            data += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: dimension >> $0) }
        }
        return data + bytes
    }

    /// Writes the file to `path`, gzip-compressed when `path` ends in `.gz`.
    public func write(toPath path: String) throws(DataError) {
        try DataFile.write(encoded(), toPath: path)
    }

    /// The product of `dimensions`, or `nil` when it overflows `Int` (a corrupt header).
    static func elementCount(_ dimensions: [Int]) -> Int? {
        var count = 1
        for dimension in dimensions {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Reads a rank-3 IDX file of images `[count, rows, columns]`, pixels row-major, one byte each.
    public static func loadImages(atPath path: String) throws(DataError)
        -> (count: Int, rows: Int, columns: Int, pixels: [UInt8]) {
        let file = try IDXFile(contentsOfFile: path)
        guard file.dimensions.count == 3 else {
            throw .unexpectedIDXRank(path: path, expected: 3, got: file.dimensions.count)
        }
        return (file.dimensions[0], file.dimensions[1], file.dimensions[2], file.bytes)
    }

    /// Reads a rank-1 IDX file of labels, one byte per example.
    public static func loadLabels(atPath path: String) throws(DataError) -> [UInt8] {
        let file = try IDXFile(contentsOfFile: path)
        guard file.dimensions.count == 1 else {
            throw .unexpectedIDXRank(path: path, expected: 1, got: file.dimensions.count)
        }
        return file.bytes
    }
}
