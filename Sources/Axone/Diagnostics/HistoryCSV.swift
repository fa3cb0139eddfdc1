import Foundation

/// Why a training log could not be read as a ``History``; line numbers count from 1 (the header).
public enum HistoryCSVError: Error, Equatable, CustomStringConvertible {
    /// The text has no header line.
    case empty
    /// The header does not start with the `epoch` column.
    case missingEpochColumn(header: [String])
    /// A column name is empty or appears twice in the header.
    case badColumnName(String)
    /// A row has more or fewer cells than the header.
    case wrongFieldCount(line: Int, expected: Int, got: Int)
    /// A cell is not a number (or the epoch not a non-negative integer).
    case invalidNumber(line: Int, column: String, text: String)

    public var description: String {
        switch self {
        case .empty: "the training log is empty: expected a header such as epoch,loss,val_loss,lr"
        case .missingEpochColumn(let header):
            "the training log's header must start with 'epoch' (Keras CSVLogger layout), got \(header.joined(separator: ","))"
        case .badColumnName(let name):
            name.isEmpty ? "the training log's header has an empty column name" : "the training log's header names column '\(name)' twice"
        case let .wrongFieldCount(line, expected, got):
            "line \(line) of the training log has \(got) cells, expected \(expected) as in the header"
        case let .invalidNumber(line, column, text):
            "line \(line) of the training log: '\(text)' in column \(column) is not \(column == "epoch" ? "an epoch number" : "a number")"
        }
    }
}

extension History {
    /// Reads a training log in the Keras CSVLogger layout — a header `epoch,loss,<metrics…>,val_loss,
    /// val_<metrics…>,lr` (any column order after `epoch`) and one row per epoch — as written by
    /// ``CSVLogger`` and ``History/csv``. An empty or `NA` cell means the value was not logged that epoch.
    /// A UTF-8 byte-order mark, CRLF line ends and blank lines are accepted; `nan` and `inf` cells
    /// (as Keras writes them) are read as such.
    ///
    /// - Throws: ``HistoryCSVError`` naming the line and column of the first problem.
    public init(csvString text: String) throws {
        self.init()
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .map { (number: $0.offset + 1, text: String($0.element)) }
            .filter { !$0.text.allSatisfy(\.isWhitespace) }
        guard let header = lines.first else { throw HistoryCSVError.empty }
        let columns = History.cells(header.text)
        guard columns.first == "epoch" else { throw HistoryCSVError.missingEpochColumn(header: columns) }
        var seen: Set<String> = []
        for name in columns where name.isEmpty || !seen.insert(name).inserted { throw HistoryCSVError.badColumnName(name) }

        for line in lines.dropFirst() {
            let cells = History.cells(line.text)
            guard cells.count == columns.count else {
                throw HistoryCSVError.wrongFieldCount(line: line.number, expected: columns.count, got: cells.count)
            }
            guard let epoch = Int(cells[0]), epoch >= 0 else {
                throw HistoryCSVError.invalidNumber(line: line.number, column: "epoch", text: cells[0])
            }
            var logs: [(key: String, value: Double)] = []
            for (name, cell) in zip(columns, cells).dropFirst() where !cell.isEmpty && cell != "NA" {
                guard let value = Double(cell) else {
                    throw HistoryCSVError.invalidNumber(line: line.number, column: name, text: cell)
                }
                logs.append((name, value))
            }
            append(epoch: epoch, logs: logs)
        }
    }

    /// The comma-separated cells of a line, trimmed of surrounding spaces and optional double quotes.
    private static func cells(_ line: String) -> [String] {
        line.split(separator: ",", omittingEmptySubsequences: false).map { cell in
            let trimmed = cell.trimmingCharacters(in: .whitespaces)
            return trimmed.count >= 2 && trimmed.hasPrefix("\"") && trimmed.hasSuffix("\"")
                ? String(trimmed.dropFirst().dropLast()) : trimmed
        }
    }
}
