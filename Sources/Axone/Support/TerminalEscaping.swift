extension String {
    /// The text with control characters, invalid UTF-8 and other non-printable characters written
    /// as escapes (`\0`, `\u{1B}`), so an error message never sends raw bytes from a file to the terminal.
    var escapedForTerminal: String {
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\0": result += "\\0"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\u{FFFD}": result += "\\u{FFFD}"
            default:
                let printable = scalar.properties.generalCategory != .control && scalar.properties.generalCategory != .format
                    && scalar.properties.generalCategory != .unassigned && scalar.properties.generalCategory != .surrogate
                    && scalar.properties.generalCategory != .privateUse
                result += printable ? String(scalar) : "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            }
        }
        return result
    }
}
