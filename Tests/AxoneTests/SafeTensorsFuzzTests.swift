import Testing
@testable import Axone

@Suite struct SafeTensorsFuzzTests {
    /// Bytes that change the meaning of a JSON header when written over one of its bytes.
    private static let jsonBytes = Array(#"{}[]":,-0123456789 eE.\u"#.utf8) + [0x00, 0x0A, 0xFF]

    /// One random corruption of `file`: flipped bits, overwritten JSON characters, a truncation, an
    /// extension, or a changed header length. Edits hit the length and header (the structure) or the
    /// buffer (the data) equally often.
    private static func mutate(_ file: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = file
        let headerEnd = 8 + Int(file[0]) + Int(file[1]) << 8
        func position() -> Int {
            Int.random(in: Bool.random(using: &rng) ? 0..<headerEnd : headerEnd..<bytes.count, using: &rng)
        }
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[position()] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            }
        case 1:
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                bytes[position()] = jsonBytes.randomElement(using: &rng) ?? 0
            }
        case 2:
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))
        case 3:
            bytes += (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        default:
            let length = UInt64.random(in: 0...UInt64(headerEnd + 16), using: &rng)
            bytes.replaceSubrange(0..<8, with: littleEndianBytes(Bool.random(using: &rng) ? length : ~length))
        }
        return bytes
    }

    /// 1,000 seeded corruptions of a valid file: the reader must return or throw a
    /// `SafeTensorsError` (its only error type, enforced by its typed `throws`), never trap;
    /// whatever it accepts must convert without trapping.
    @Test func corruptedFilesThrowOrLoadButNeverCrash() throws {
        let valid = mixedDTypeFile()
        #expect(try SafeTensors(bytes: valid).names.count == 11)
        var rng = SeededGenerator(seed: 2024)
        var accepted = 0
        var rejections: [String: Int] = [:]
        for _ in 0..<1_000 {
            let bytes = Self.mutate(valid, using: &rng)
            do {
                let file = try SafeTensors(bytes: bytes)
                accepted += 1
                for name in file.names {
                    _ = try? file.tensor(named: name, as: Float.self)
                    _ = try? file.tensor(named: name, as: Double.self)
                }
            } catch {
                #expect(!error.description.isEmpty)
                let kind = Mirror(reflecting: error).children.first?.label ?? "\(error)"
                rejections[kind, default: 0] += 1
            }
        }
        // Both outcomes occur, and corruptions are caught by many different checks.
        #expect(accepted > 50, "accepted \(accepted), rejected \(rejections)")
        #expect(rejections.count > 10, "\(rejections)")
    }
}
