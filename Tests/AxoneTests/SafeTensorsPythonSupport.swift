import Foundation

/// The reference Python `safetensors` package (the loader PyTorch and Hugging Face use), installed
/// with numpy in a virtual environment cached outside the repository at `~/.cache/axone/venv`.
///
/// The first use creates the venv (`python3 -m venv`, then `pip install safetensors numpy` from
/// PyPI) in a temporary sibling directory and renames it into place once the packages import, so
/// an interrupted setup or a concurrent test run never leaves a half-built venv behind. Later uses
/// only check that the packages import. Setup failures throw: interop tests fail, never skip.
enum ReferenceSafeTensors {
    /// Why the reference package could not be run.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let venvPath = (ProcessInfo.processInfo.environment["HOME"]
        ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.cache/axone/venv"

    /// Runs the Python `script` in the venv (creating it first if needed) with `arguments` as
    /// `sys.argv[1...]`, and returns what it printed.
    static func run(_ script: String, arguments: [String] = []) throws -> String {
        let python = try installedPython()
        let result = try execute(python, ["-c", script] + arguments)
        guard result.status == 0 else {
            throw Failure(description: "the reference Python script failed (status \(result.status)):\n"
                + result.errors)
        }
        return result.output
    }

    /// The venv's interpreter, after creating the venv when it is missing or broken.
    private static func installedPython() throws -> String {
        if try isReady(venvPath) { return python(in: venvPath) }
        let staging = "\(venvPath).tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let steps: [(what: String, executable: String, arguments: [String])] = [
            ("python3 -m venv", "/usr/bin/env", ["python3", "-m", "venv", staging]),
            ("pip install safetensors numpy", python(in: staging),
             ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "safetensors", "numpy"]),
        ]
        for step in steps {
            let result = try execute(step.executable, step.arguments)
            guard result.status == 0 else {
                throw Failure(description: """
                    cannot set up the reference safetensors venv at \(venvPath): \(step.what) failed \
                    (status \(result.status)). It needs python3 with the venv module and PyPI reachable \
                    (or a proxy/mirror configured for pip).
                    \(result.errors.suffix(2_000))
                    """)
            }
        }
        guard try isReady(staging) else {
            throw Failure(description: "safetensors and numpy were installed in \(staging) but do not import")
        }
        if try isReady(venvPath) { return python(in: venvPath) }  // another test process finished first
        try? FileManager.default.removeItem(atPath: venvPath)  // left broken by an interrupted older setup
        try FileManager.default.moveItem(atPath: staging, toPath: venvPath)
        return python(in: venvPath)
    }

    /// Whether the venv at `venv` exists and imports the packages the interop tests use.
    private static func isReady(_ venv: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: python(in: venv)) else { return false }
        return try execute(python(in: venv), ["-c", "import safetensors, safetensors.numpy, numpy"]).status == 0
    }

    private static func python(in venv: String) -> String { venv + "/bin/python" }

    /// Runs `executable` to completion, collecting stdout and stderr through files (pipes could
    /// fill up and block a chatty `pip`).
    private static func execute(
        _ executable: String, _ arguments: [String]
    ) throws -> (status: Int32, output: String, errors: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("axone-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run \(executable): \(error)")
        }
        process.waitUntilExit()
        return (process.terminationStatus,
                String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
                String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }
}
