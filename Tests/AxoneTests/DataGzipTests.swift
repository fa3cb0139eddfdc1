import Testing
@testable import Axone

@Suite struct DataGzipTests {
    private static func invalidGzipReason(_ bytes: [UInt8]) -> String? {
        guard case let .invalidGzip(_, reason)? = dataError({ () throws(DataError) in try Gzip.decompress(bytes) })
        else { return nil }
        return reason
    }

    @Test func compressesAndDecompressesLargeAndEmptyInputs() throws {
        let large = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 % 251 &* 3) }
        let packed = try Gzip.compress(large)
        #expect(packed.starts(with: Gzip.magic) && packed.count < large.count / 10)
        #expect(try Gzip.decompress(packed) == large)
        #expect(try Gzip.decompress(Gzip.compress([])) == [])
    }

    @Test func concatenatedMembersAreReadLikeGunzip() throws {
        let joined = try Gzip.compress([1, 2, 3]) + Gzip.compress([4, 5])
        #expect(try Gzip.decompress(joined) == [1, 2, 3, 4, 5])
    }

    @Test func corruptTruncatedAndTrailingDataAreSpecificErrors() throws {
        let packed = try Gzip.compress(try sampleImages().encoded())
        var badCRC = packed
        badCRC[packed.count - 5] ^= 0xFF  // last byte of the CRC-32 in the trailer
        #expect(Self.invalidGzipReason(badCRC) == "incorrect data check")
        var badLength = packed
        badLength[packed.count - 1] ^= 0x01
        #expect(Self.invalidGzipReason(badLength) == "incorrect length check")
        #expect(Self.invalidGzipReason(Array(packed.dropLast(3)))?.hasPrefix("truncated") == true)
        #expect(Self.invalidGzipReason([]) != nil)
        #expect(Self.invalidGzipReason(packed + [0, 0, 0]) == "3 trailing bytes after the gzip stream")
        #expect(Self.invalidGzipReason([0x1F, 0x8B, 0x08, 0xFF, 1, 2, 3]) != nil)
        #expect(Self.invalidGzipReason(Array("plain text, not gzip".utf8)) != nil)
    }

    @Test func aCorruptGzipFileNamesItsPathAndSaysWhatToDo() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let path = directory + "/labels-idx1-ubyte.gz"
        let packed = try Gzip.compress(IDXFile(dimensions: [2], bytes: [1, 2]).encoded())
        try writeRawFile(packed.dropLast(6), toPath: path)
        let error = dataError { () throws(DataError) in try IDXFile(contentsOfFile: path) }
        guard case let .invalidGzip(errorPath, _)? = error else {
            Issue.record("expected invalidGzip, got \(String(describing: error))")
            return
        }
        #expect(errorPath == path)
        #expect(error?.description.hasPrefix(path + ": invalid gzip data (truncated") == true)
        #expect(error?.description.hasSuffix("download it again") == true)
    }

    /// Flipping, truncating and garbling a valid .gz IDX file 200 times must only ever throw a
    /// `DataError` or give back the original file (a success with other data would need a CRC-32 collision).
    @Test func mutatedGzipIDXNeverCrashes() throws {
        let original = try sampleImages(count: 4, rows: 6, columns: 7)
        let packed = try Gzip.compress(original.encoded())
        var rng = SeededGenerator(seed: 2024)
        var failures = 0
        for round in 0..<200 {
            var mutated = packed
            switch round % 4 {
            case 0: mutated[rng.nextIndex(below: mutated.count)] ^= UInt8(1 << rng.nextIndex(below: 8))
            case 1: mutated.removeLast(1 + rng.nextIndex(below: mutated.count))
            case 2: mutated[rng.nextIndex(below: mutated.count)] = UInt8(truncatingIfNeeded: rng.next())
            default:
                mutated[rng.nextIndex(below: mutated.count)] ^= 0xFF
                mutated.removeLast(rng.nextIndex(below: 8))
            }
            do {
                #expect(try IDXFile(decoding: Gzip.decompress(mutated)) == original, "round \(round)")
            } catch {
                failures += 1
            }
        }
        #expect(failures >= 150, "most mutations must be detected, \(failures) were")
    }
}
