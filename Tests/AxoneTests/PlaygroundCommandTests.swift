import Foundation
import Testing

/// The `axone-playground` executable: it refuses bad options with one error line, and by default
/// it listens on 127.0.0.1 only (the socket's local address in `/proc/net/tcp`).
@Suite struct PlaygroundCommandTests {
    @Test func aBadPortIsRefusedWithOneErrorLine() async throws {
        let result = await runAsync(pipedProcess(try builtExecutable("axone-playground"), ["--port", "-1"], in: NSTemporaryDirectory()))
        #expect((1...125).contains(result.status), "status \(result.status)")
        let lines = result.error.split(separator: "\n").filter { line in !["Usage:", "Help:", "  See "].contains { line.hasPrefix($0) } }
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: ") && lines[0].contains("--port"), "\(result.error)")
    }

    @Test func theServerListensOnLoopbackOnlyByDefault() async throws {
        let (process, output, _) = pipedProcess(try builtExecutable("axone-playground"), ["--port", "0"], in: NSTemporaryDirectory())
        try process.run()
        defer { process.terminate() }
        // "Axone Playground: http://127.0.0.1:PORT/"
        let line = try await onOwnThread { () -> String in
            var bytes = Data()
            while !bytes.contains(UInt8(ascii: "\n")) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                bytes += chunk
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        let port = try #require(Int(line.split(separator: ":").last?.filter(\.isNumber) ?? ""), "\(line)")
        #expect(line.hasPrefix("Axone Playground: http://127.0.0.1:"), "\(line)")
        // Listening sockets (state 0A) on that port, by local address: 0100007F is 127.0.0.1.
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) + ((try? String(contentsOfFile: "/proc/net/tcp6", encoding: .utf8)) ?? "")
        let portSuffix = String(format: ":%04X", port)
        let rows: [[Substring]] = table.split(separator: "\n").map { $0.split(separator: " ") }
        let listening: [String] = rows.filter { $0.count > 3 && $0[3] == "0A" && $0[1].hasSuffix(portSuffix) }.map { String($0[1]) }
        #expect(listening == [String(format: "0100007F:%04X", port)], "listening on \(listening)")
    }
}
