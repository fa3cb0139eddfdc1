/// One non-blank line of a CSV file split into trimmed cells.
struct CSVRecord {
    /// The line number in the file, counting from 1.
    var line: Int
    /// The cells, surrounding spaces and quotes removed.
    var cells: [String]
}

/// The records of CSV bytes: a UTF-8 byte-order mark is skipped, lines end with LF or CRLF, blank
/// lines are skipped, and a cell may be double-quoted (`""` inside quotes is one quote). A quoted
/// cell cannot span lines: numeric data never needs that.
struct CSVRecords: Sequence, IteratorProtocol {
    private static let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private let bytes: [UInt8]
    private let delimiter: UInt8
    private var position: Int
    private var line = 0

    init(_ bytes: [UInt8], delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
        position = bytes.starts(with: Self.byteOrderMark) ? Self.byteOrderMark.count : 0
    }

    mutating func next() -> CSVRecord? {
        while position < bytes.count {
            let end = bytes[position...].firstIndex(of: Self.newline) ?? bytes.count
            var content = bytes[position..<end]
            if content.last == Self.carriageReturn { content = content.dropLast() }
            position = end + 1
            line += 1
            if content.allSatisfy(Self.isBlank) { continue }
            return CSVRecord(line: line, cells: cells(of: content))
        }
        return nil
    }

    private func cells(of content: ArraySlice<UInt8>) -> [String] {
        var cells = [String]()
        var cell = [UInt8]()
        var inQuotes = false
        var i = content.startIndex
        while i < content.endIndex {
            let byte = content[i]
            if inQuotes && byte == Self.quote {
                if i + 1 < content.endIndex && content[i + 1] == Self.quote {
                    cell.append(byte)
                    i += 1
                } else {
                    inQuotes = false
                }
            } else if inQuotes || (byte != Self.quote && byte != delimiter) {
                cell.append(byte)
            } else if byte == Self.quote {
                inQuotes = true
            } else {
                cells.append(Self.text(of: cell))
                cell.removeAll(keepingCapacity: true)
            }
            i += 1
        }
        cells.append(Self.text(of: cell))
        return cells
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func text(of cell: [UInt8]) -> String {
        guard let first = cell.firstIndex(where: { !isBlank($0) }),
              let last = cell.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(decoding: cell[first...last], as: UTF8.self)
    }
}
