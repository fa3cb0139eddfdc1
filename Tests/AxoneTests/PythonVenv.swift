import Foundation

/// The Python virtual environment the interop and browser tests share, cached outside the
/// repository at `~/.cache/axone/venv`.
///
/// The first use creates the venv if it is missing (`python3 -m venv` in a temporary sibling,
/// renamed into place, so an interrupted setup never leaves a half-built venv behind) and
/// pip-installs the packages a test needs when they do not import; later uses only check the
/// imports. Packages are added to the venv, never the venv rebuilt, so each test's packages stay.
/// Setup failures throw a message saying what to fix: the tests that need Python fail, never skip.
enum PythonVenv {
    /// Why Python could not be set up or run.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let path = (ProcessInfo.processInfo.environment["HOME"]
        ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.cache/axone/venv"

    /// One setup at a time in this process (test cases run concurrently).
    private static let setupLock = NSLock()

    /// The venv's interpreter, once `modules` import in it (pip-installing `packages` if they do not).
    static func python(importing modules: [String], installing packages: [String]) throws -> String {
        try setupLock.withLock {
            let fileManager = FileManager.default, python = path + "/bin/python"
            if !fileManager.fileExists(atPath: python) {
                let staging = "\(path).tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
                defer { try? fileManager.removeItem(atPath: staging) }
                try fileManager.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
                try step("python3 -m venv", "/usr/bin/env", ["python3", "-m", "venv", staging])
                if !fileManager.fileExists(atPath: python) {  // else another process finished first
                    try? fileManager.removeItem(atPath: path)  // a partial directory left by an interrupted setup
                    try fileManager.moveItem(atPath: staging, toPath: path)
                }
            }
            let imports = ["-c", "import " + modules.joined(separator: ", ")]
            if try execute(python, imports).status != 0 {
                try step("pip install \(packages.joined(separator: " "))", python,
                         ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
                try step("importing \(modules.joined(separator: ", ")) after installing them", python, imports)
            }
            return python
        }
    }

    /// Runs a setup command, throwing a message that says what to fix when it fails.
    private static func step(_ what: String, _ executable: String, _ arguments: [String]) throws {
        let result = try execute(executable, arguments)
        guard result.status == 0 else {
            throw Failure(description: """
                cannot set up the Python venv at \(path): \(what) failed (status \(result.status)). \
                It needs python3 with the venv module and PyPI reachable (or a pip mirror configured).
                \(result.errors.suffix(2_000))
                """)
        }
    }

    /// Runs `executable` to completion, or ends it after `timeout` seconds (status 124 then);
    /// stdout and stderr go through files, as a pipe could fill up and block a chatty pip.
    static func execute(_ executable: String, _ arguments: [String],
                        timeout: TimeInterval = 900) throws -> (status: Int32, output: String, errors: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("axone-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout"), errorURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        do { try process.run() } catch { throw Failure(description: "cannot run \(executable): \(error)") }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        let timedOut = process.isRunning
        if timedOut { process.terminate() }
        process.waitUntilExit()
        return (timedOut ? 124 : process.terminationStatus,
                String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
                String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
                    + (timedOut ? "\n(ended after \(Int(timeout)) s)" : ""))
    }
}
