import Foundation

extension SafeTensors {
    /// The bytes of a safetensors file holding `tensors` (as F32 for `Float`, F64 for `Double`) and
    /// `metadata`.
    ///
    /// The output is deterministic: the header lists `__metadata__` first (keys sorted, omitted when
    /// empty), then the tensors in the given order, each as `dtype`, `shape`, `data_offsets`; the
    /// tensors are laid out in the buffer in the same order, and the header is padded with spaces
    /// so that the buffer starts at a multiple of 8 bytes.
    ///
    /// - Throws: ``SafeTensorsError/invalidTensorName(_:)`` for an empty name or `__metadata__`,
    ///   ``SafeTensorsError/duplicateTensorName(_:)`` for a repeated name.
    public static func serialize<Scalar: TensorScalar>(
        _ tensors: [(name: String, tensor: Tensor<Scalar>)], metadata: [String: String] = [:]
    ) throws(SafeTensorsError) -> [UInt8] {
        guard let dtype = DType(rawValue: Scalar.dtypeName), dtype == .float32 || dtype == .float64 else {
            throw .unsupportedConversion(tensor: tensors.first?.name ?? "", from: "\(Scalar.self)",
                                         to: Scalar.dtypeName)
        }
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            members.append("\(jsonString(SafeTensorsHeader.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var seen = Set<String>()
        var bufferSize = 0
        for (name, tensor) in tensors {
            guard !name.isEmpty, name != SafeTensorsHeader.metadataKey else { throw .invalidTensorName(name) }
            guard seen.insert(name).inserted else { throw .duplicateTensorName(name) }
            let end = bufferSize + tensor.count * dtype.bitWidth / 8
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append("\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(bufferSize),\(end)]}")
            bufferSize = end
        }
        var header = Array("{\(members.joined(separator: ","))}".utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var output: [UInt8] = []
        output.reserveCapacity(8 + header.count + bufferSize)
        appendLittleEndian(UInt64(header.count), to: &output)
        output += header
        for (_, tensor) in tensors {
            for scalar in tensor.scalars {
                if dtype == .float32 {
                    appendLittleEndian(Float(scalar).bitPattern, to: &output)
                } else {
                    appendLittleEndian(Double(scalar).bitPattern, to: &output)
                }
            }
        }
        return output
    }

    /// Writes `tensors` and `metadata` as a safetensors file at `path`, atomically: a reader sees
    /// either the old file or the complete new one (see ``AtomicFile``).
    ///
    /// ```swift
    /// try SafeTensors.write([("weight", w), ("bias", b)], metadata: ["axone.version": "1"], to: "m.safetensors")
    /// ```
    ///
    /// - Throws: the errors of ``serialize(_:metadata:)``, and ``IOError/cannotWrite(path:reason:)``
    ///   when the file cannot be written.
    public static func write<Scalar: TensorScalar>(
        _ tensors: [(name: String, tensor: Tensor<Scalar>)], metadata: [String: String] = [:], to path: String
    ) throws {
        try AtomicFile.write(Data(serialize(tensors, metadata: metadata)), to: path)
    }

    private static func appendLittleEndian<Word: FixedWidthInteger>(_ word: Word, to output: inout [UInt8]) {
        withUnsafeBytes(of: word.littleEndian) { output.append(contentsOf: $0) }
    }

    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case "\u{00}"..<"\u{20}":
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
