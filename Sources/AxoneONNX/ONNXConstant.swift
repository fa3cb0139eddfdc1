import Axone
import Foundation

/// Integer tensors of the graph's constant-shape plumbing (`Shape`, `Gather`, `Concat` of shapes,
/// `Reshape`'s target, reduction axes), evaluated at import. ``batch`` stands for the size of a
/// symbolic batch axis read by `Shape`.
struct ONNXIntegers: Equatable {
    var shape: [Int]
    var values: [Int64]

    /// The value `Shape` gives for a symbolic batch dimension.
    static let batch = Int64.min
}

/// A value known at import: float weights or integer shapes.
enum ONNXConstant {
    case float(Tensor<Float>)
    case integers(ONNXIntegers)

    /// Decodes an initializer or a `Constant`'s tensor, checking its size against its data before
    /// allocating anything.
    /// - Throws: ``ONNXImportError/unsupportedTensor(name:reason:)`` for external or segmented
    ///   data, a data type other than float32 and the integers, too many elements, or data that
    ///   does not match the dimensions.
    init(_ proto: Onnx_TensorProto) throws {
        func refuse(_ reason: String) -> ONNXImportError { .unsupportedTensor(name: proto.name, reason: reason) }
        guard proto.dataLocation != .external, proto.externalData.isEmpty else {
            throw refuse("stores its data in an external file, which the importer does not read")
        }
        guard !proto.hasSegment else { throw refuse("is segmented, which the importer does not read") }
        guard proto.dims.allSatisfy({ $0 >= 0 && $0 <= Int64(ONNXImport.maximumElements) }) else {
            throw refuse("has dimensions \(proto.dims) out of range")
        }
        let shape = proto.dims.map { Int($0) }
        let count = try ONNXImport.checkSize(shape, name: proto.name)
        let raw = proto.rawData
        /// The `count` little-endian elements of `width` bytes in raw_data, or `typed` when raw_data is empty.
        func elements<T>(width: Int, typed: [T], decode: (UnsafeRawBufferPointer, Int) -> T) throws -> [T] {
            if raw.isEmpty {
                guard typed.count == count else { throw refuse("holds \(typed.count) values for shape \(shape)") }
                return typed
            }
            guard raw.count == count * width else { throw refuse("holds \(raw.count) bytes for shape \(shape) (\(count * width) needed)") }
            return raw.withUnsafeBytes { bytes in (0..<count).map { decode(bytes, $0 * width) } }
        }
        typealias DataType = Onnx_TensorProto.DataType
        switch DataType(rawValue: Int(proto.dataType)) {
        case .float?:
            let values = try elements(width: 4, typed: proto.floatData) {
                Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt32.self)))
            }
            self = .float(Tensor(shape: shape, scalars: values))
        case .int64?:
            let values = try elements(width: 8, typed: proto.int64Data) {
                Int64(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int64.self))
            }
            self = .integers(ONNXIntegers(shape: shape, values: values))
        case .int32?:
            let values = try elements(width: 4, typed: proto.int32Data.map(Int64.init)) {
                Int64(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int32.self)))
            }
            self = .integers(ONNXIntegers(shape: shape, values: values))
        case .bool?, .int8?, .uint8?:
            let signed = DataType(rawValue: Int(proto.dataType)) == .int8
            let values = try elements(width: 1, typed: proto.int32Data.map(Int64.init)) {
                signed ? Int64(Int8(bitPattern: $0[$1])) : Int64($0[$1])
            }
            self = .integers(ONNXIntegers(shape: shape, values: values))
        default:
            throw refuse("has data type \(DataType(rawValue: Int(proto.dataType)).map { "\($0)" } ?? "\(proto.dataType)"); "
                         + "the importer reads float32 values and integer shapes")
        }
    }
}
