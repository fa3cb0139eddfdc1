import Foundation

/// Python reference packages (safetensors, onnxruntime, numpy, …) in one virtual environment cached
/// outside the repository at `~/.cache/axone/venv`, shared by every oracle test.
///
/// The venv is created on first use (`python3 -m venv` in a temporary sibling renamed into place, so
/// an interrupted setup never leaves half a venv); missing packages are pip-installed into it, never
/// by rebuilding it, under a process-wide lock because test cases run concurrently. Setup failures
/// throw a message saying what to fix: the tests that need an oracle fail, they never skip.
enum PythonOracle {
    /// Why a reference script could not be run.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let venvPath = (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.cache/axone/venv"
    private static let lock = NSLock()

    /// Runs the Python `script` with `arguments` as `sys.argv[1...]` once `modules` import (pip
    /// installing `packages` if they do not), and returns what it printed.
    static func run(_ script: String, arguments: [String] = [], importing modules: String, packages: [String]) throws -> String {
        let python = try interpreter(importing: modules, packages: packages)
        let result = try execute(python, ["-c", script] + arguments)
        guard result.status == 0 else {
            throw Failure(description: "the reference Python script failed (status \(result.status)):\n\(result.errors)")
        }
        return result.output
    }

    /// The venv's interpreter, once `modules` import in it.
    static func interpreter(importing modules: String, packages: [String]) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let fileManager = FileManager.default
        let python = venvPath + "/bin/python"
        if !fileManager.fileExists(atPath: python) {
            let staging = "\(venvPath).tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
            defer { try? fileManager.removeItem(atPath: staging) }
            try fileManager.createDirectory(atPath: (venvPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try step("python3 -m venv", "/usr/bin/env", ["python3", "-m", "venv", staging])
            if !fileManager.fileExists(atPath: python) {   // else another test process finished first
                try? fileManager.removeItem(atPath: venvPath)   // left partial by an interrupted setup
                try fileManager.moveItem(atPath: staging, toPath: venvPath)
            }
        }
        let imports = ["-c", "import \(modules)"]
        if try execute(python, imports).status != 0 {
            try step("pip install \(packages.joined(separator: " "))", python,
                     ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
            try step("import \(modules) after installing", python, imports)
        }
        return python
    }

    /// Runs a setup command, throwing a message that says what to fix when it fails.
    private static func step(_ what: String, _ executable: String, _ arguments: [String]) throws {
        let result = try execute(executable, arguments)
        guard result.status == 0 else {
            throw Failure(description: """
                cannot set up the Python oracle venv at \(venvPath): \(what) failed (status \(result.status)). \
                It needs python3 with the venv module and PyPI reachable (or a pip mirror configured).
                \(result.errors.suffix(2_000))
                """)
        }
    }

    /// Runs `executable` to completion, or ends it after `timeout` seconds (status 124 then);
    /// stdout and stderr go through files, as a pipe could fill up and block a chatty pip.
    static func execute(_ executable: String, _ arguments: [String],
                        timeout: TimeInterval = 900) throws -> (status: Int32, output: String, errors: String) {
        let directory = NSTemporaryDirectory() + "axone-python-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outputURL = URL(fileURLWithPath: directory + "/stdout"), errorURL = URL(fileURLWithPath: directory + "/stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        do { try process.run() } catch { throw Failure(description: "cannot run \(executable): \(error)") }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        let timedOut = process.isRunning
        if timedOut { process.terminate() }
        process.waitUntilExit()
        return (timedOut ? 124 : process.terminationStatus,
                String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
                String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
                    + (timedOut ? "\n(ended after \(Int(timeout)) s)" : ""))
    }
}
