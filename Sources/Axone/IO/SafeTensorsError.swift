/// Why a safetensors file (or a request made of one) was rejected; each message says what is wrong
/// and, where it helps, what to do.
///
/// The reader is stricter than the reference Python loader: duplicate names, BOOL bytes other than
/// 0 and 1, padding other than spaces, gaps and trailing bytes are all errors.
///
/// ```swift
/// do {
///     let file = try SafeTensors(bytes: Array("short".utf8))
/// } catch {
///     print(error)   // "safetensors data of 5 bytes is too short to hold the 8-byte header length"
/// }
/// ```
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// The data is shorter than the 8-byte little-endian header length.
    case fileTooShort(byteCount: Int)
    /// The declared header length is above the 100,000,000-byte cap of the reference loader.
    case headerTooLarge(declared: UInt64, limit: Int)
    /// The declared header length runs past the end of the data.
    case headerBeyondFile(declared: UInt64, available: Int)
    /// The header bytes are not valid UTF-8.
    case headerNotUTF8
    /// The header does not start with `{`; `firstByte` is `nil` for an empty header.
    case headerNotObject(firstByte: UInt8?)
    /// The header is not well-formed JSON; `offset` counts bytes from the start of the header.
    case malformedHeader(offset: Int, reason: String)
    /// A byte other than a space follows the header's JSON object.
    case invalidPadding(offset: Int, byte: UInt8)
    /// Two tensors (or two `__metadata__` entries) share a name.
    case duplicateTensorName(String)
    /// A key appears twice in the same nested JSON object (a tensor entry or the metadata).
    case duplicateKey(String, in: String)
    /// A tensor's entry is not a JSON object.
    case entryNotObject(tensor: String)
    /// A tensor's entry lacks `dtype`, `shape` or `data_offsets`.
    case missingField(tensor: String, field: String)
    /// A field of a tensor's entry has the wrong JSON type or form.
    case wrongFieldType(tensor: String, field: String, expected: String)
    /// A dtype name that is not a safetensors dtype (names are case-sensitive).
    case unknownDType(tensor: String, dtype: String)
    /// A shape dimension that is negative, not an integer, or too large; `value` is its JSON text.
    case invalidDimension(tensor: String, value: String)
    /// `data_offsets` whose begin is after its end.
    case reversedOffsets(tensor: String, begin: Int, end: Int)
    /// `data_offsets` whose end is past the end of the byte buffer.
    case offsetsBeyondBuffer(tensor: String, end: Int, bufferSize: Int)
    /// A shape whose element or byte count does not fit in `Int`.
    case sizeOverflow(tensor: String, dtype: String, shape: [Int])
    /// A sub-byte dtype (F4, F6) whose shape does not fill a whole number of bytes.
    case fractionalByteCount(tensor: String, dtype: String, shape: [Int])
    /// The byte range does not hold exactly `shape` elements of `dtype`.
    case sizeMismatch(tensor: String, dtype: String, shape: [Int], expectedBytes: Int, actualBytes: Int)
    /// Two tensors claim some of the same bytes.
    case overlappingTensors(String, String)
    /// Bytes `begin..<end` of the buffer, just before `before`, belong to no tensor.
    case gapBeforeTensor(String, begin: Int, end: Int)
    /// The buffer holds `count` bytes after the last tensor, starting at `begin`.
    case trailingBytes(begin: Int, count: Int)
    /// A BOOL tensor holds a byte other than 0 or 1 at element `index`.
    case invalidBool(tensor: String, index: Int, byte: UInt8)
    /// `__metadata__` is not a JSON object of string values.
    case invalidMetadata(reason: String)
    /// A tensor name the file does not hold.
    case unknownTensor(String, available: [String])
    /// A tensor name that cannot be written (empty or the reserved `__metadata__`).
    case invalidTensorName(String)
    /// A conversion Axone cannot make between a stored dtype and a Swift scalar type.
    case unsupportedConversion(tensor: String, from: String, to: String)

    /// The message, with any non-printable character from a file escaped (`\0`, `\u{1B}`).
    public var description: String { message.escapedForTerminal }

    private var message: String {
        switch self {
        case let .fileTooShort(byteCount):
            "safetensors data of \(byteCount) bytes is too short to hold the 8-byte header length"
        case let .headerTooLarge(declared, limit):
            "safetensors header length \(declared) is above the limit of \(limit) bytes; the file is corrupt"
        case let .headerBeyondFile(declared, available):
            "safetensors header length \(declared) runs past the end of the data (\(available) bytes after the "
                + "length); the file is truncated or not safetensors"
        case .headerNotUTF8:
            "safetensors header is not valid UTF-8; the file is corrupt or not safetensors"
        case let .headerNotObject(firstByte):
            "safetensors header must be a JSON object starting with '{', "
                + (firstByte.map { "it starts with byte \(Self.describe($0))" } ?? "it is empty")
        case let .malformedHeader(offset, reason):
            "safetensors header is not valid JSON at byte \(offset): \(reason)"
        case let .invalidPadding(offset, byte):
            "safetensors header has \(Self.describe(byte)) at byte \(offset) after its JSON object; "
                + "only spaces may pad the header"
        case let .duplicateTensorName(name):
            "safetensors header names \"\(name)\" more than once; names must be unique"
        case let .duplicateKey(key, parent):
            "safetensors header repeats key \"\(key)\" in the entry \"\(parent)\""
        case let .entryNotObject(tensor):
            "tensor \"\(tensor)\": its entry must be a JSON object with dtype, shape and data_offsets"
        case let .missingField(tensor, field):
            "tensor \"\(tensor)\": its entry has no \"\(field)\""
        case let .wrongFieldType(tensor, field, expected):
            "tensor \"\(tensor)\": \"\(field)\" must be \(expected)"
        case let .unknownDType(tensor, dtype):
            "tensor \"\(tensor)\": unknown dtype \"\(dtype)\" (names are case-sensitive); known dtypes are "
                + SafeTensors.DType.allCases.map(\.rawValue).joined(separator: ", ")
        case let .invalidDimension(tensor, value):
            "tensor \"\(tensor)\": shape dimension \(value) is not a non-negative integer"
        case let .reversedOffsets(tensor, begin, end):
            "tensor \"\(tensor)\": data_offsets [\(begin), \(end)] begin after they end"
        case let .offsetsBeyondBuffer(tensor, end, bufferSize):
            "tensor \"\(tensor)\": data_offsets end at \(end), past the \(bufferSize)-byte buffer; "
                + "the file is truncated"
        case let .sizeOverflow(tensor, dtype, shape):
            "tensor \"\(tensor)\": shape \(shape) of \(dtype) declares more bytes than can exist"
        case let .fractionalByteCount(tensor, dtype, shape):
            "tensor \"\(tensor)\": shape \(shape) of \(dtype) does not fill a whole number of bytes"
        case let .sizeMismatch(tensor, dtype, shape, expectedBytes, actualBytes):
            "tensor \"\(tensor)\": shape \(shape) of \(dtype) needs \(expectedBytes) bytes "
                + "but data_offsets span \(actualBytes)"
        case let .overlappingTensors(first, second):
            "tensors \"\(first)\" and \"\(second)\" overlap in the byte buffer"
        case let .gapBeforeTensor(tensor, begin, end):
            "bytes \(begin)..<\(end) of the buffer, before tensor \"\(tensor)\", belong to no tensor"
        case let .trailingBytes(begin, count):
            "\(count) bytes at the end of the buffer (from byte \(begin)) belong to no tensor"
        case let .invalidBool(tensor, index, byte):
            "tensor \"\(tensor)\": BOOL element \(index) is \(byte); only 0 and 1 are allowed"
        case let .invalidMetadata(reason):
            "safetensors __metadata__ must map strings to strings: \(reason)"
        case let .unknownTensor(name, available):
            "no tensor named \"\(name)\"; the file holds "
                + (available.isEmpty ? "no tensors" : available.map { "\"\($0)\"" }.joined(separator: ", "))
        case let .invalidTensorName(name):
            "cannot write a tensor named \"\(name)\"; names must be non-empty and not \"__metadata__\""
        case let .unsupportedConversion(tensor, from, to):
            "tensor \"\(tensor)\": Axone cannot convert \(from) to \(to); it reads "
                + SafeTensors.DType.allCases.filter(\.isConvertible).map(\.rawValue).joined(separator: ", ")
                + " into Float or Double, and writes Float as F32 and Double as F64"
        }
    }

    /// A byte as hex, with its character when printable ASCII.
    private static func describe(_ byte: UInt8) -> String {
        let hex = "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        return (0x21...0x7E).contains(byte) ? "\(hex) '\(Character(Unicode.Scalar(byte)))'" : hex
    }
}

extension SafeTensorsError: CustomDebugStringConvertible {
    public var debugDescription: String { description }
}
