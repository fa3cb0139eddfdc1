/// The validated contents of a safetensors header: the metadata and every tensor's entry, checked
/// against the size of the byte buffer that follows the header.
struct SafeTensorsHeader {
    /// The reserved top-level key of the string→string metadata map.
    static let metadataKey = "__metadata__"

    let metadata: [String: String]
    /// The entries in file order: by position in the buffer (empty tensors first at a tie, then
    /// header order).
    let entries: [SafeTensors.Entry]

    /// Parses the header's bytes and checks that the entries tile a buffer of `bufferSize` bytes.
    init(parsing json: [UInt8], bufferSize: Int) throws(SafeTensorsError) {
        guard String(validating: json, as: UTF8.self) != nil else { throw .headerNotUTF8 }
        var metadata: [String: String] = [:]
        var entries: [SafeTensors.Entry] = []
        for (key, value) in try HeaderJSONParser.parseHeader(json) {
            if key == Self.metadataKey {
                metadata = try Self.metadata(from: value)
            } else {
                entries.append(try Self.entry(named: key, from: value, bufferSize: bufferSize))
            }
        }
        let ordered = entries.enumerated().sorted { a, b in
            (a.element.byteRange.lowerBound, a.element.byteRange.upperBound, a.offset)
                < (b.element.byteRange.lowerBound, b.element.byteRange.upperBound, b.offset)
        }.map(\.element)
        try Self.checkCoverage(of: ordered, bufferSize: bufferSize)
        self.metadata = metadata
        self.entries = ordered
    }

    private static func metadata(from value: HeaderJSON) throws(SafeTensorsError) -> [String: String] {
        guard case let .object(members) = value else { throw .invalidMetadata(reason: "it is \(value.summary)") }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case let .string(text) = value else {
                throw .invalidMetadata(reason: "the value of \"\(key)\" is \(value.summary), not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func entry(
        named name: String, from value: HeaderJSON, bufferSize: Int
    ) throws(SafeTensorsError) -> SafeTensors.Entry {
        guard case let .object(fields) = value else { throw .entryNotObject(tensor: name) }
        func field(_ key: String) throws(SafeTensorsError) -> HeaderJSON {
            guard let member = fields.first(where: { $0.key == key }) else {
                throw .missingField(tensor: name, field: key)
            }
            return member.value
        }

        guard case let .string(dtypeName) = try field("dtype") else {
            throw .wrongFieldType(tensor: name, field: "dtype", expected: "a string such as \"F32\"")
        }
        guard let dtype = SafeTensors.DType(rawValue: dtypeName) else {
            throw .unknownDType(tensor: name, dtype: dtypeName)
        }

        guard case let .array(dimensions) = try field("shape") else {
            throw .wrongFieldType(tensor: name, field: "shape", expected: "an array of non-negative integers")
        }
        var shape: [Int] = []
        for dimension in dimensions {
            guard let size = dimension.nonNegativeInteger else {
                throw .invalidDimension(tensor: name, value: dimension.summary)
            }
            shape.append(size)
        }

        guard case let .array(offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger else {
            throw .wrongFieldType(tensor: name, field: "data_offsets",
                                  expected: "an array of two non-negative integers [begin, end]")
        }
        guard begin <= end else { throw .reversedOffsets(tensor: name, begin: begin, end: end) }
        guard end <= bufferSize else { throw .offsetsBeyondBuffer(tensor: name, end: end, bufferSize: bufferSize) }
        let expectedBytes = try dtype.byteCount(of: shape, tensor: name)
        guard expectedBytes == end - begin else {
            throw .sizeMismatch(tensor: name, dtype: dtypeName, shape: shape,
                                expectedBytes: expectedBytes, actualBytes: end - begin)
        }
        return SafeTensors.Entry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// Checks that entries sorted by position cover `0..<bufferSize` exactly once.
    private static func checkCoverage(
        of ordered: [SafeTensors.Entry], bufferSize: Int
    ) throws(SafeTensorsError) {
        var coveredEnd = 0
        var lastCovering: String?
        for entry in ordered {
            let range = entry.byteRange
            if let lastCovering, range.lowerBound < coveredEnd {
                throw .overlappingTensors(lastCovering, entry.name)
            }
            guard range.lowerBound == coveredEnd else {
                throw .gapBeforeTensor(entry.name, begin: coveredEnd, end: range.lowerBound)
            }
            if !range.isEmpty {
                coveredEnd = range.upperBound
                lastCovering = entry.name
            }
        }
        guard coveredEnd == bufferSize else {
            throw .trailingBytes(begin: coveredEnd, count: bufferSize - coveredEnd)
        }
    }
}
