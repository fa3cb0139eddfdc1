import Foundation
import Testing

/// The library's folders form layers (`scripts/folder-dependencies.py` lists them): kernels,
/// tensors, primitives and autodiff never reach up to layers, losses or training.
@Suite struct SourceLayeringTests {
    @Test func noFolderUsesALayerAboveIt() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = await runAsync(pipedProcess("/usr/bin/env", ["python3", "scripts/folder-dependencies.py", "--check"], in: root.path))
        #expect(result.status == 0, "\(result.output.split(separator: "\n").filter { $0.contains("AGAINST") || $0.contains("missing") })\n\(result.error)")
        // The script found the folders' edges (an empty listing would pass vacuously).
        #expect(result.output.contains("Autodiff -> Ops") && result.output.contains("Layers -> Autodiff"), "\(result.output)")
    }
}
