/// Errors a user can cause with data files and data arguments: each message says what is wrong,
/// where (file, line, column) and what to do about it.
///
/// ```swift
/// do {
///     let images = try FashionMNIST.load(split: .test)
/// } catch {
///     print(error)   // "Fashion-MNIST is not installed in /usr/share/datasets/fashion-mnist; install it with …"
/// }
/// ```
public enum DataError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but could not be read (permissions, a directory, an I/O error).
    case unreadableFile(path: String, reason: String)
    /// A file could not be written.
    case unwritableFile(path: String, reason: String)
    /// A packaged data set is missing from its directory.
    case datasetNotInstalled(name: String, directory: String, package: String)
    /// A `.gz` file is corrupt, truncated, fails its CRC check or has trailing garbage.
    case invalidGzip(path: String, reason: String)
    /// An IDX file does not start with `0x00 0x00 <type> <rank>`; `magic` holds its first bytes.
    case invalidIDXMagic(path: String, magic: [UInt8])
    /// An IDX file stores elements of a type other than unsigned bytes (`0x08`).
    case unsupportedIDXType(path: String, typeCode: UInt8)
    /// An IDX file has a rank the caller cannot use (images need 3, labels 1).
    case unexpectedIDXRank(path: String, expected: Int, got: Int)
    /// An IDX file ends inside its header of `rank` big-endian dimensions.
    case truncatedIDXHeader(path: String, rank: Int, byteCount: Int)
    /// The data after an IDX header is not exactly the product of the declared dimensions.
    case idxSizeMismatch(path: String, dimensions: [Int], dataBytes: Int)
    /// A CSV cell that is empty, not a number, or not finite (`line` and `column` count from 1).
    case invalidCSVCell(path: String, line: Int, column: Int, text: String)
    /// A CSV row whose number of cells differs from the first row's.
    case raggedCSVRow(path: String, line: Int, expectedColumns: Int, actualColumns: Int)
    /// A CSV column asked for by name or index that the file does not have.
    case unknownCSVColumn(path: String, column: String, available: [String])
    /// A class label that is not a non-negative integer (`line` counts from 1).
    case nonIntegerLabel(path: String, line: Int, text: String)
    /// A source that holds no examples.
    case emptyData(source: String)
    /// A class label outside `0..<classCount`; `index` is the example holding it.
    case labelOutOfRange(label: Int, classCount: Int, index: Int)
    /// Image and label files that disagree on the number of examples.
    case countMismatch(images: Int, labels: Int, imagesPath: String, labelsPath: String)
    /// Data whose shape does not fit the operation (for example a scaler fitted on other features).
    case invalidShape(operation: String, expected: String, got: [Int])
    /// An argument outside its accepted range, in Keras's "Received: …" style.
    case invalidArgument(name: String, expected: String, received: String)

    /// The message, with any non-printable character from a file escaped (`\0`, `\u{1B}`).
    public var description: String { message.escapedForTerminal }

    private var message: String {
        switch self {
        case let .fileNotFound(path):
            "\(path): no such file; check the path (relative paths start from the current directory)"
        case let .unreadableFile(path, reason):
            "\(path): cannot be read (\(reason)); check that it is a regular file you may read"
        case let .unwritableFile(path, reason):
            "\(path): cannot be written (\(reason)); check that the directory exists and is writable"
        case let .datasetNotInstalled(name, directory, package):
            "\(name) is not installed in \(directory); install it with `apt-get install \(package)` "
                + "or pass the directory holding its files"
        case let .invalidGzip(path, reason):
            "\(path): invalid gzip data (\(reason)); the file is damaged or incomplete, download it again"
        case let .invalidIDXMagic(path, magic):
            "\(path): not an IDX file: it starts with \(Self.hex(magic)) instead of 00 00 <type> <rank>"
                + (path.hasSuffix(".gz") ? "" : "; if it is compressed, name it with a .gz suffix")
        case let .unsupportedIDXType(path, typeCode):
            "\(path): IDX element type 0x\(Self.hex([typeCode])) is not supported; only unsigned bytes (0x08) are"
        case let .unexpectedIDXRank(path, expected, got):
            "\(path): IDX file of rank \(got) where rank \(expected) was expected"
                + " (images are [count, rows, columns], labels [count]); check that the right file was passed"
        case let .truncatedIDXHeader(path, rank, byteCount):
            "\(path): IDX header declares \(rank) dimensions (\(4 + 4 * rank) header bytes) "
                + "but the file has only \(byteCount) bytes; the file is truncated, download it again"
        case let .idxSizeMismatch(path, dimensions, dataBytes):
            Self.sizeMismatchMessage(path: path, dimensions: dimensions, dataBytes: dataBytes)
        case let .invalidCSVCell(path, line, column, text):
            "\(path):\(line):\(column): \(Self.cellProblem(text)); every cell must be a finite number"
        case let .raggedCSVRow(path, line, expectedColumns, actualColumns):
            "\(path):\(line): \(actualColumns) cells where the first row has \(expectedColumns); "
                + "every row needs the same number of cells"
        case let .unknownCSVColumn(path, column, available):
            "\(path): no column \(column); "
                + (available.isEmpty ? "the file has no header row, so choose the column by index"
                                     : "the columns are \(available.joined(separator: ", "))")
        case let .nonIntegerLabel(path, line, text):
            "\(path):\(line): class label \"\(text)\" is not a non-negative integer; "
                + "encode classes as 0, 1, 2, … or read the column as a regression target"
        case let .emptyData(source):
            "\(source) holds no examples; check that the right file or selection was passed"
        case let .labelOutOfRange(label, classCount, index):
            "label \(label) of example \(index) is outside 0..<\(classCount); "
                + "pass the right class count or fix the labels"
        case let .countMismatch(images, labels, imagesPath, labelsPath):
            "\(imagesPath) holds \(images) images but \(labelsPath) holds \(labels) labels; "
                + "pair the image and label files of the same split"
        case let .invalidShape(operation, expected, got):
            "\(operation) expects \(expected), got shape \(got)"
        case let .invalidArgument(name, expected, received):
            "\(name) must be \(expected). Received: \(name)=\(received)"
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.isEmpty ? "nothing (empty file)" : bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }

    private static func cellProblem(_ text: String) -> String {
        if text.isEmpty { return "empty cell" }
        if let value = DecimalNumber.parse(text) {
            return value.isFinite ? "\"\(text)\" is too large for the element type" : "\"\(text)\" is not finite"
        }
        if let value = Double(text), !value.isFinite { return "\"\(text)\" is not finite" }   // nan, inf, infinity
        return "\"\(text)\" is not a decimal number"
    }

    private static func sizeMismatchMessage(path: String, dimensions: [Int], dataBytes: Int) -> String {
        guard let declared = IDXFile.elementCount(dimensions) else {
            return "\(path): IDX dimensions \(dimensions) declare more bytes than can exist; the header is corrupt"
        }
        let problem = dataBytes < declared
            ? "the file is truncated, download it again"
            : "\(dataBytes - declared) unexpected trailing bytes; the file is corrupt or not IDX"
        return "\(path): IDX dimensions \(dimensions) declare \(declared) data bytes but the file holds "
            + "\(dataBytes); \(problem)"
    }
}

extension DataError: CustomDebugStringConvertible {
    public var debugDescription: String { description }
}
