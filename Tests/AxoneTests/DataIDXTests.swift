import Foundation
import Testing
@testable import Axone

@Suite struct DataIDXTests {
    @Test(arguments: ["images.idx", "images.idx.gz"])
    func idxRoundTripsThroughRawAndGzipFiles(name: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let path = directory + "/" + name
        let file = try sampleImages()
        try file.write(toPath: path)
        #expect(try IDXFile(contentsOfFile: path) == file)
        let images = try IDXFile.loadImages(atPath: path)
        #expect(images.count == 3 && images.rows == 4 && images.columns == 5)
        #expect(images.pixels == file.bytes)
        // The .gz file is really compressed: it starts with the gzip magic, not the IDX one.
        let stored = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(stored.starts(with: name.hasSuffix(".gz") ? Gzip.magic : [0, 0, 8, 3]))
    }

    @Test func encodingFollowsTheIDXLayout() throws {
        let labels = try IDXFile(dimensions: [3], bytes: [7, 8, 9])
        #expect(labels.encoded() == [0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9])
        let big = try IDXFile(dimensions: [0x0102_0304, 0], bytes: [])
        #expect(Array(big.encoded()[4..<12]) == [1, 2, 3, 4, 0, 0, 0, 0])
        #expect(try IDXFile(decoding: big.encoded()) == big)
        #expect(throws: DataError.invalidShape(operation: "IDXFile(dimensions: [2, 2])",
                                               expected: "one byte per element", got: [3])) {
            try IDXFile(dimensions: [2, 2], bytes: [1, 2, 3])
        }
    }

    @Test func badHeadersGiveSpecificErrors() throws {
        let valid = try sampleImages().encoded()
        var badMagic = valid
        badMagic[1] = 0x42
        #expect(throws: DataError.invalidIDXMagic(path: "x", magic: [0, 0x42, 8, 3])) {
            try IDXFile(decoding: badMagic, path: "x")
        }
        #expect(throws: DataError.invalidIDXMagic(path: "x", magic: [0, 0])) { try IDXFile(decoding: [0, 0], path: "x") }
        var floats = valid
        floats[2] = 0x0D
        #expect(throws: DataError.unsupportedIDXType(path: "x", typeCode: 0x0D)) {
            try IDXFile(decoding: floats, path: "x")
        }
        #expect(throws: DataError.truncatedIDXHeader(path: "x", rank: 3, byteCount: 10)) {
            try IDXFile(decoding: Array(valid.prefix(10)), path: "x")
        }
    }

    @Test func dataSizeMustMatchTheDimensionsExactly() throws {
        let valid = try sampleImages().encoded()
        #expect(throws: DataError.idxSizeMismatch(path: "x", dimensions: [3, 4, 5], dataBytes: 59)) {
            try IDXFile(decoding: valid.dropLast(), path: "x")
        }
        let trailing = DataError.idxSizeMismatch(path: "x", dimensions: [3, 4, 5], dataBytes: 62)
        #expect(throws: trailing) { try IDXFile(decoding: valid + [0, 0], path: "x") }
        #expect(trailing.description.contains("2 unexpected trailing bytes"))
        #expect(DataError.idxSizeMismatch(path: "x", dimensions: [3, 4, 5], dataBytes: 59)
            .description.contains("declare 60 data bytes but the file holds 59; the file is truncated"))
        // Dimensions whose product overflows are reported, not trapped on.
        let huge: [UInt8] = [0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12) + [1, 2]
        let overflow = dataError { () throws(DataError) in try IDXFile(decoding: huge, path: "x") }
        #expect(overflow == .idxSizeMismatch(path: "x", dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF],
                                             dataBytes: 2))
        #expect(overflow?.description.contains("header is corrupt") == true)
    }

    @Test func loadersCheckTheRank() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        try IDXFile(dimensions: [4], bytes: [1, 2, 3, 4]).write(toPath: directory + "/labels.gz")
        try sampleImages().write(toPath: directory + "/images.gz")
        #expect(try IDXFile.loadLabels(atPath: directory + "/labels.gz") == [1, 2, 3, 4])
        #expect(throws: DataError.unexpectedIDXRank(path: directory + "/labels.gz", expected: 3, got: 1)) {
            try IDXFile.loadImages(atPath: directory + "/labels.gz")
        }
        #expect(throws: DataError.unexpectedIDXRank(path: directory + "/images.gz", expected: 1, got: 3)) {
            try IDXFile.loadLabels(atPath: directory + "/images.gz")
        }
    }

    @Test func missingAndUnreadableFilesAreReported() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        #expect(throws: DataError.fileNotFound(path: directory + "/none.gz")) {
            try IDXFile(contentsOfFile: directory + "/none.gz")
        }
        #expect(throws: DataError.unreadableFile(path: directory, reason: "it is a directory")) {
            try DataFile.contents(atPath: directory)
        }
        let unwritable = dataError { () throws(DataError) in
            try DataFile.write([1], toPath: directory + "/no/such/dir")
        }
        guard case .unwritableFile = unwritable else {
            Issue.record("expected unwritableFile, got \(String(describing: unwritable))")
            return
        }
    }

    @Test func aCompressedFileWithoutTheGzSuffixIsNotMistakenForIDX() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let path = directory + "/labels-idx1-ubyte"
        try writeRawFile(Gzip.compress(IDXFile(dimensions: [1], bytes: [3]).encoded()), toPath: path)
        let error = dataError { () throws(DataError) in try IDXFile.loadLabels(atPath: path) }
        guard case let .invalidIDXMagic(_, magic)? = error else {
            Issue.record("expected invalidIDXMagic, got \(String(describing: error))")
            return
        }
        #expect(magic.starts(with: Gzip.magic))
        #expect(error?.description.contains("starts with 1F 8B 08") == true)
        #expect(error?.description.hasSuffix("if it is compressed, name it with a .gz suffix") == true)
    }
}
