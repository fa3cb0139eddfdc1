/// Strict decimal numbers, as CSV cells must be written: `[+-]digits[.digits][e[+-]digits]` (or
/// `.digits…`). Hexadecimal (`0x1A`), `inf`, `nan`, spaces and control bytes such as NUL are not
/// numbers here, although Swift's `Double(_:)` (C's `strtod`) reads some of them.
enum DecimalNumber {
    /// The value of `text`, or `nil` when it is not a strict decimal number.
    static func parse(_ text: String) -> Double? {
        var digits = 0, fractionDigits = 0, exponentDigits = 0
        var state = 0   // 0 sign, 1 integer digits, 2 fraction digits, 3 exponent sign, 4 exponent digits
        for byte in text.utf8 {
            switch (state, byte) {
            case (0, UInt8(ascii: "+")), (0, UInt8(ascii: "-")): state = 1
            case (0...1, UInt8(ascii: "0")...UInt8(ascii: "9")): state = 1; digits += 1
            case (0...1, UInt8(ascii: ".")): state = 2
            case (2, UInt8(ascii: "0")...UInt8(ascii: "9")): fractionDigits += 1
            case (1...2, UInt8(ascii: "e")), (1...2, UInt8(ascii: "E")):
                guard digits + fractionDigits > 0 else { return nil }
                state = 3
            case (3, UInt8(ascii: "+")), (3, UInt8(ascii: "-")): state = 4
            case (3...4, UInt8(ascii: "0")...UInt8(ascii: "9")): state = 4; exponentDigits += 1
            default: return nil
            }
        }
        guard digits + fractionDigits > 0, state < 3 || exponentDigits > 0 else { return nil }
        return Double(text)
    }
}
