/// Which CSV column holds the label or target.
public enum CSVColumn: Sendable, Equatable {
    /// The last column (the default).
    case last
    /// The column at a 0-based position.
    case index(Int)
    /// The column with this header name (the file needs a header row).
    case named(String)
}

/// A numeric CSV table split into a feature matrix and a label (or regression target) column.
///
/// Reading is strict (SPEC §6): every cell must be a finite number — empty cells, `NaN`, `inf`,
/// text and rows of the wrong length are errors naming the line and column. A header row is
/// detected: the first row is a header when one of its cells is text. A UTF-8 byte-order mark,
/// CRLF line ends, blank lines, spaces around cells and double-quoted cells are accepted; a file
/// whose name ends in `.gz` is decompressed first.
///
/// ```swift
/// // iris.csv:  sepal_length,sepal_width,petal_length,petal_width,species
/// //            5.1,3.5,1.4,0.2,0
/// let iris = try CSVData<Float>(contentsOfFile: "iris.csv", labelColumn: .named("species"))
/// iris.features.shape            // [150, 4]
/// let y = try iris.classLabels() // [0, 0, …, 2]
/// ```
public struct CSVData<Scalar: TensorScalar>: Sendable {
    /// The file path (or the name given to in-memory text), used in error messages.
    public let source: String
    /// The header row's names, or `nil` when the file has no header.
    public let columnNames: [String]?
    /// The 0-based position of the label column in the file.
    public let labelColumnIndex: Int
    /// Every column but the label, `[rows, columns − 1]`.
    public let features: Tensor<Scalar>
    /// The label column as numbers, `[rows, 1]` (the shape of a one-output regression).
    public let targets: Tensor<Scalar>
    /// The file line of each row, for error messages about labels.
    private let lines: [Int]

    /// The number of data rows.
    public var count: Int { lines.count }

    /// The names of the feature columns, or `nil` when the file has no header.
    public var featureNames: [String]? {
        columnNames.map { names in names.indices.filter { $0 != labelColumnIndex }.map { names[$0] } }
    }

    /// Reads the CSV file at `path`; `delimiter` must be an ASCII character.
    public init(contentsOfFile path: String, labelColumn: CSVColumn = .last,
                delimiter: Character = ",") throws(DataError) {
        try self.init(bytes: DataFile.contents(atPath: path), source: path, labelColumn: labelColumn,
                      delimiter: delimiter)
    }

    /// Parses CSV text; `source` names it in error messages.
    public init(parsing text: String, source: String = "<text>", labelColumn: CSVColumn = .last,
                delimiter: Character = ",") throws(DataError) {
        try self.init(bytes: Array(text.utf8), source: source, labelColumn: labelColumn, delimiter: delimiter)
    }

    private init(bytes: [UInt8], source: String, labelColumn: CSVColumn, delimiter: Character) throws(DataError) {
        guard let delimiterByte = delimiter.asciiValue, delimiter != "\"", !delimiter.isNewline else {
            throw .invalidArgument(name: "delimiter", expected: "an ASCII character other than a quote or newline",
                                   received: "\"\(delimiter)\"")
        }
        var records = CSVRecords(bytes, delimiter: delimiterByte)
        guard let first = records.next() else { throw .emptyData(source: source) }
        let hasHeader = first.cells.contains { !$0.isEmpty && DecimalNumber.parse($0) == nil }
        let width = first.cells.count
        guard width >= 2 else {
            throw .invalidArgument(name: "\(source) columns", expected: "at least one feature column and a label column",
                                   received: "\(width) column")
        }
        let label = try Self.position(of: labelColumn, names: hasHeader ? first.cells : nil, width: width,
                                      source: source)
        var featureValues = [Scalar](), targetValues = [Scalar](), lines = [Int]()

        func append(_ record: CSVRecord) throws(DataError) {
            guard record.cells.count == width else {
                throw .raggedCSVRow(path: source, line: record.line, expectedColumns: width,
                                    actualColumns: record.cells.count)
            }
            for (column, text) in record.cells.enumerated() {
                guard let value = DecimalNumber.parse(text).map(Scalar.init), value.isFinite else {
                    throw .invalidCSVCell(path: source, line: record.line, column: column + 1, text: text)
                }
                if column == label { targetValues.append(value) } else { featureValues.append(value) }
            }
            lines.append(record.line)
        }

        if !hasHeader { try append(first) }
        while let record = records.next() { try append(record) }
        guard !lines.isEmpty else { throw .emptyData(source: source) }
        self.source = source
        columnNames = hasHeader ? first.cells : nil
        labelColumnIndex = label
        features = Tensor(shape: [lines.count, width - 1], scalars: featureValues)
        targets = Tensor(shape: [lines.count, 1], scalars: targetValues)
        self.lines = lines
    }

    /// The label column as class indices; every label must be a non-negative integer.
    ///
    /// - Throws: ``DataError/nonIntegerLabel(path:line:text:)`` naming the first offending line.
    public func classLabels() throws(DataError) -> [Int] {
        var labels = [Int]()
        labels.reserveCapacity(count)
        for (value, line) in zip(targets.scalars, lines) {
            guard value >= 0, value <= Scalar(Int32.max), value == value.rounded() else {
                throw .nonIntegerLabel(path: source, line: line, text: "\(value)")
            }
            labels.append(Int(value))
        }
        return labels
    }

    private static func position(of column: CSVColumn, names: [String]?, width: Int,
                                 source: String) throws(DataError) -> Int {
        let available = names ?? []
        switch column {
        case .last:
            return width - 1
        case let .index(index):
            guard (0..<width).contains(index) else {
                throw .unknownCSVColumn(path: source, column: "at index \(index) (of \(width))", available: available)
            }
            return index
        case let .named(name):
            guard let index = available.firstIndex(of: name) else {
                throw .unknownCSVColumn(path: source, column: "named \"\(name)\"", available: available)
            }
            return index
        }
    }
}
