import Testing
@testable import Axone

@Suite struct DataCSVTests {
    @Test func aTextFirstRowIsTheHeader() throws {
        let data = try CSVData<Float>(parsing: "x1,x2,label\n1,2,0\n3,4.5,1\n")
        #expect(data.columnNames == ["x1", "x2", "label"])
        #expect(data.featureNames == ["x1", "x2"])
        #expect(data.count == 2)
        #expect(data.features == Tensor([[1, 2], [3, 4.5]]))
        #expect(data.targets == Tensor([[0], [1]]))
        #expect(try data.classLabels() == [0, 1])
    }

    @Test func aNumericFirstRowIsData() throws {
        let data = try CSVData<Double>(parsing: "1,2,0\n3,-4e-1,2\n")
        #expect(data.columnNames == nil && data.featureNames == nil)
        #expect(data.features == Tensor([[1, 2], [3, -0.4]]))
        #expect(try data.classLabels() == [0, 2])
    }

    @Test func byteOrderMarkCRLFBlankLinesQuotesAndSpacesAreAccepted() throws {
        let text = "\u{FEFF}\"sepal, length\" ,width,species\r\n 5.1 ,\"3.5\",0\r\n\r\n4.9,3.0,1\r\n"
        let data = try CSVData<Float>(parsing: text)
        #expect(data.columnNames == ["sepal, length", "width", "species"])
        #expect(data.features == Tensor([[5.1, 3.5], [4.9, 3.0]]))
        #expect(try data.classLabels() == [0, 1])
    }

    @Test func theLabelColumnIsChosenByNameOrIndex() throws {
        let text = "label;a;b\n2;10;20\n1;30;40\n"
        let byName = try CSVData<Float>(parsing: text, labelColumn: .named("label"), delimiter: ";")
        let byIndex = try CSVData<Float>(parsing: text, labelColumn: .index(0), delimiter: ";")
        for data in [byName, byIndex] {
            #expect(data.labelColumnIndex == 0 && data.featureNames == ["a", "b"])
            #expect(data.features == Tensor([[10, 20], [30, 40]]))
            #expect(try data.classLabels() == [2, 1])
        }
        #expect(throws: DataError.unknownCSVColumn(path: "<text>", column: "named \"y\"", available: ["label", "a", "b"])) {
            try CSVData<Float>(parsing: text, labelColumn: .named("y"), delimiter: ";")
        }
        #expect(throws: DataError.unknownCSVColumn(path: "<text>", column: "at index 3 (of 3)", available: ["label", "a", "b"])) {
            try CSVData<Float>(parsing: text, labelColumn: .index(3), delimiter: ";")
        }
        let noHeader = DataError.unknownCSVColumn(path: "<text>", column: "named \"y\"", available: [])
        #expect(throws: noHeader) { try CSVData<Float>(parsing: "1,2\n", labelColumn: .named("y")) }
        #expect(noHeader.description.contains("no header row, so choose the column by index"))
        #expect(throws: DataError.invalidArgument(name: "delimiter", expected: "an ASCII character other than a quote or newline",
                                                  received: "\"é\"")) {
            try CSVData<Float>(parsing: text, delimiter: "é")
        }
    }

    @Test(arguments: [("", "empty cell"), ("abc", "\"abc\" is not a decimal number"), ("NaN", "\"NaN\" is not finite"),
                      ("inf", "\"inf\" is not finite"), ("-Infinity", "\"-Infinity\" is not finite"),
                      ("1e39", "\"1e39\" is too large"),
                      // Swift's Double(_:) reads these; a CSV number is decimal, and raw bytes are escaped.
                      ("0x1A", "\"0x1A\" is not a decimal number"), ("1\u{0}5", "\"1\\05\" is not a decimal number"),
                      ("1e", "\"1e\" is not a decimal number"), (".", "\".\" is not a decimal number"),
                      ("\u{1B}[31m7", "\"\\u{1B}[31m7\" is not a decimal number")])
    func badCellsNameTheirLineAndColumn(cell: String, problem: String) throws {
        let text = "a,b,c\n1,2,3\n\n4,\(cell),5\n"
        let expected = DataError.invalidCSVCell(path: "table.csv", line: 4, column: 2, text: cell)
        #expect(throws: expected) { try CSVData<Float>(parsing: text, source: "table.csv") }
        #expect(expected.description.hasPrefix("table.csv:4:2: \(problem)"))
    }

    @Test func raggedRowsAndNonIntegerLabelsAreErrors() throws {
        let ragged = DataError.raggedCSVRow(path: "<text>", line: 3, expectedColumns: 3, actualColumns: 2)
        #expect(throws: ragged) { try CSVData<Float>(parsing: "a,b,c\n1,2,3\n4,5\n") }
        #expect(ragged.description == "<text>:3: 2 cells where the first row has 3; every row needs the same number of cells")
        #expect(throws: DataError.raggedCSVRow(path: "<text>", line: 2, expectedColumns: 2, actualColumns: 3)) {
            try CSVData<Float>(parsing: "1,2\n3,4,5\n")
        }
        let regression = try CSVData<Double>(parsing: "x,y\n1,0.5\n2,3\n3,-1\n")
        #expect(regression.targets == Tensor([[0.5], [3], [-1]]))
        #expect(throws: DataError.nonIntegerLabel(path: "<text>", line: 2, text: "0.5")) { try regression.classLabels() }
        let negative = try CSVData<Double>(parsing: "1,0\n2,-1\n")
        #expect(throws: DataError.nonIntegerLabel(path: "<text>", line: 2, text: "-1.0")) { try negative.classLabels() }
    }

    @Test func decimalNumbersAreReadInEveryForm() throws {
        let data = try CSVData<Double>(parsing: "1,+2.5,-.5,3.,1E3,2e-2,0\n")
        #expect(data.features == Tensor([[1, 2.5, -0.5, 3, 1000, 0.02]]))
    }

    @Test func aTableWithoutAFeatureColumnIsAnError() {
        #expect(throws: DataError.invalidArgument(name: "<text> columns", expected: "at least one feature column and a label column",
                                                  received: "1 column")) {
            try CSVData<Float>(parsing: "label\n0\n1\n")
        }
    }

    @Test func emptyTablesAreErrors() {
        #expect(throws: DataError.emptyData(source: "<text>")) { try CSVData<Float>(parsing: "") }
        #expect(throws: DataError.emptyData(source: "<text>")) { try CSVData<Float>(parsing: "\u{FEFF}\r\n  \n") }
        #expect(throws: DataError.emptyData(source: "<text>")) { try CSVData<Float>(parsing: "a,b,label\n") }
    }

    @Test func filesAreReadAndGzipDecompressed() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        for name in ["data.csv", "data.csv.gz"] {
            try DataFile.write(Array("f,label\r\n0.25,1\r\n".utf8), toPath: directory + "/" + name)
            let data = try CSVData<Float>(contentsOfFile: directory + "/" + name)
            #expect(data.features == Tensor([[0.25]]) && data.source == directory + "/" + name)
        }
        #expect(throws: DataError.fileNotFound(path: directory + "/missing.csv")) {
            try CSVData<Float>(contentsOfFile: directory + "/missing.csv")
        }
    }
}
