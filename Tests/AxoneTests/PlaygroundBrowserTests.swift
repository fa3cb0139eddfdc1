import Foundation
import Testing
@testable import AxonePlayground

/// Drives the playground page in headless Chromium (Debian's `chromium`, through Python
/// Playwright in the shared ``PythonOracle`` venv): trains XOR until the test loss shown is below
/// 0.1, then works every control of the panel (own points by mouse and keyboard, presets, features,
/// regression, view options, downloads, the address's round trip, a narrow screen) and saves
/// screenshots in `docs/`. `Tests/Browser/playground_e2e.py` lists the checks. Fails — never
/// skips — when Chromium or the venv is missing.
@Suite struct PlaygroundBrowserTests {
    static let chromium = "/usr/bin/chromium"
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(.timeLimit(.minutes(10))) func trainingXORAndEveryPanelControlWorkInTheBrowser() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else {
            Issue.record("\(Self.chromium) is missing: install Debian's chromium (apt-get install -y chromium; `make test` does)")
            return
        }
        let python = try await onOwnThread { try PythonOracle.interpreter(importing: "playwright", packages: ["playwright"]) }
        let script = Self.root.appendingPathComponent("Tests/Browser/playground_e2e.py").path
        let docs = Self.root.appendingPathComponent("docs").path
        try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
        let server = try await PlaygroundTestServer.start()
        let result = try await onOwnThread { try PythonOracle.execute(python, [script, server.url, docs], timeout: 480) }
        await server.stop()
        #expect(result.status == 0 && result.output.contains("PASS"),
                "the browser test failed (status \(result.status)):\n\(result.output)\n\(result.errors.suffix(3_000))")
    }
}
