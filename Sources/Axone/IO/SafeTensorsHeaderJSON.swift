/// A JSON value from a safetensors header. Objects keep their members in file order, and numbers
/// keep their literal text so that the caller decides what an acceptable integer is.
enum HeaderJSON {
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// A short description for error messages: scalars as JSON text, containers by kind.
    var summary: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case let .string(text): "\"\(text)\""
        case let .number(text): text
        case let .bool(value): "\(value)"
        case .null: "null"
        }
    }

    /// The value as a non-negative `Int`: a number literal of digits only that fits.
    var nonNegativeInteger: Int? {
        guard case let .number(text) = self, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }
}

/// A strict JSON parser for safetensors headers. Unlike `JSONSerialization` it rejects duplicate
/// keys (instead of silently keeping one), keeps key order, limits nesting so that hostile input
/// cannot exhaust the stack, and reports the byte offset of every error.
struct HeaderJSONParser {
    /// The deepest nesting accepted; a valid header needs 3 levels.
    static let maximumDepth = 64

    private let bytes: [UInt8]
    private var position = 0

    /// Parses a whole header: a JSON object starting at the first byte, followed only by spaces.
    /// Header bytes must already be known to be valid UTF-8.
    static func parseHeader(_ bytes: [UInt8]) throws(SafeTensorsError) -> [(key: String, value: HeaderJSON)] {
        guard bytes.first == UInt8(ascii: "{") else { throw .headerNotObject(firstByte: bytes.first) }
        var parser = HeaderJSONParser(bytes: bytes)
        let members = try parser.parseObject(depth: 1, owner: nil)
        while let byte = parser.peek() {
            guard byte == UInt8(ascii: " ") else { throw .invalidPadding(offset: parser.position, byte: byte) }
            parser.position += 1
        }
        return members
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private func failure(_ reason: String) -> SafeTensorsError {
        .malformedHeader(offset: position, reason: reason)
    }

    private mutating func next() throws(SafeTensorsError) -> UInt8 {
        guard let byte = peek() else { throw failure("unexpected end of header") }
        position += 1
        return byte
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(SafeTensorsError) {
        let start = position
        guard try next() == UInt8(ascii: character) else {
            position = start
            throw failure("expected '\(character)'")
        }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    /// `owner` is the top-level key the value belongs to (`nil` for the header object itself).
    private mutating func parseValue(depth: Int, owner: String?) throws(SafeTensorsError) -> HeaderJSON {
        guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        guard let byte = peek() else { throw failure("unexpected end of header") }
        switch byte {
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth, owner: owner))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth, owner: owner))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("expected a JSON value")
        }
    }

    private mutating func parseObject(
        depth: Int, owner: String?
    ) throws(SafeTensorsError) -> [(key: String, value: HeaderJSON)] {
        try expect("{")
        var members: [(key: String, value: HeaderJSON)] = []
        var seen = Set<String>()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { position += 1; return members }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try parseString()
            guard seen.insert(key).inserted else {
                if let owner { throw .duplicateKey(key, in: owner) }
                throw .duplicateTensorName(key)
            }
            skipWhitespace()
            try expect(":")
            members.append((key, try parseValue(depth: depth + 1, owner: owner ?? key)))
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { position += 1; return members }
            guard peek() == UInt8(ascii: ",") else { throw failure("expected ',' or '}' after an object member") }
            position += 1
        }
    }

    private mutating func parseArray(depth: Int, owner: String?) throws(SafeTensorsError) -> [HeaderJSON] {
        try expect("[")
        var elements: [HeaderJSON] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { position += 1; return elements }
        while true {
            elements.append(try parseValue(depth: depth + 1, owner: owner))
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { position += 1; return elements }
            guard peek() == UInt8(ascii: ",") else { throw failure("expected ',' or ']' after an array element") }
            position += 1
        }
    }

    private mutating func parseLiteral(_ literal: String) throws(SafeTensorsError) {
        for expected in literal.utf8 {
            guard peek() == expected else { throw failure("expected \(literal)") }
            position += 1
        }
    }

    /// Returns the literal text of a number matching `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private mutating func parseNumber() throws(SafeTensorsError) -> String {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
        } else {
            try skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            try skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            try skipDigits()
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// Skips one or more decimal digits.
    private mutating func skipDigits() throws(SafeTensorsError) {
        let start = position
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        guard position > start else { throw failure("expected a digit") }
    }

    private mutating func parseString() throws(SafeTensorsError) -> String {
        try expect("\"")
        var utf8: [UInt8] = []
        while true {
            let byte = try next()
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                utf8.append(contentsOf: try parseEscape().utf8)
            case 0..<0x20:
                position -= 1
                throw failure("control character in a string (escape it)")
            default:
                utf8.append(byte)
            }
        }
    }

    /// Parses what follows a backslash in a string.
    private mutating func parseEscape() throws(SafeTensorsError) -> String {
        switch try next() {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try parseHexUnit()
            if !(0xD800..<0xDC00).contains(unit), let scalar = Unicode.Scalar(unit) { return String(scalar) }
            // A high surrogate must be followed by an escaped low one; a lone low surrogate is never valid.
            let pairStart = position
            if (0xD800..<0xDC00).contains(unit), try next() == UInt8(ascii: "\\"), try next() == UInt8(ascii: "u") {
                let low = try parseHexUnit()
                if (0xDC00..<0xE000).contains(low),
                   let scalar = Unicode.Scalar(0x10000 + (UInt32(unit) - 0xD800) << 10 + (UInt32(low) - 0xDC00)) {
                    return String(scalar)
                }
            }
            position = pairStart
            throw failure("unpaired UTF-16 surrogate in \\u escape")
        default:
            position -= 1
            throw failure("invalid escape in a string")
        }
    }

    private mutating func parseHexUnit() throws(SafeTensorsError) -> UInt16 {
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = try next()
            guard let digit = Int(String(Unicode.Scalar(byte)), radix: 16) else {
                position -= 1
                throw failure("expected 4 hex digits after \\u")
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }
}
