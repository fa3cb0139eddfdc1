import Foundation
@testable import Axone
import AxoneONNX

/// onnxruntime (Microsoft's reference ONNX engine) and the `onnx` checker, run from Python in the
/// virtual environment cached outside the repository at `~/.cache/axone/venv`.
///
/// The first use creates the venv if it is missing (`python3 -m venv` in a temporary sibling, renamed
/// into place) and pip-installs `onnxruntime onnx numpy` into it when they do not import; later uses
/// only check the imports. The venv is shared with other interop tests, so packages are added to
/// it rather than the venv rebuilt. Setup failures throw: the tests that need it fail, never skip.
enum ONNXReferenceRuntime {
    /// Why the reference runtime could not be run.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let venvPath = (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.cache/axone/venv"

    /// The venv's interpreter, set up once per test process (test cases run concurrently).
    private static let python: Result<String, Failure> = Result { try preparePython() }
        .mapError { $0 as? Failure ?? Failure(description: "\($0)") }

    /// Exports `model` with ``ONNXExport/write(_:to:docString:)``, checks the file with
    /// `onnx.checker` (full check, with shape inference), runs it in onnxruntime on `input` and
    /// returns the graph's `output`.
    static func run(_ model: Sequential<Float>, on input: Tensor<Float>) throws -> Tensor<Float> {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let modelPath = directory + "/model.onnx"
        try ONNXExport.write(model, to: modelPath)
        let inputPath = directory + "/input.f32", outputPath = directory + "/output.f32"
        try Data(LittleEndianFloats.encode(input.scalars)).write(to: URL(fileURLWithPath: inputPath))
        let result = try execute(python.get(), ["-c", script, modelPath, inputPath, outputPath] + input.shape.map(String.init))
        guard result.status == 0 else {
            throw Failure(description: "the onnxruntime script failed (status \(result.status)):\n\(result.errors)")
        }
        let shape = result.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: outputPath)))
        let scalars = LittleEndianFloats.decode(bytes)
        guard shape.reduce(1, *) == scalars.count else {
            throw Failure(description: "onnxruntime printed shape \(shape) for \(scalars.count) values")
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// argv: model, input file, output file, input shape…; prints the output's shape.
    private static let script = """
        import sys
        import numpy as np, onnx, onnxruntime as ort
        model_path, input_path, output_path = sys.argv[1:4]
        shape = [int(d) for d in sys.argv[4:]]
        onnx.checker.check_model(onnx.load(model_path), full_check=True)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
        x = np.fromfile(input_path, dtype="<f4").reshape(shape)
        (y,) = session.run(["output"], {"input": x})
        np.ascontiguousarray(y, dtype="<f4").tofile(output_path)
        print(" ".join(str(d) for d in y.shape))
        """

    /// Creates the venv if needed and installs the packages that do not import.
    private static func preparePython() throws -> String {
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: venvPath + "/bin/python") {
            let staging = "\(venvPath).tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
            defer { try? fileManager.removeItem(atPath: staging) }
            try fileManager.createDirectory(atPath: (venvPath as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
            try step("python3 -m venv", "/usr/bin/env", ["python3", "-m", "venv", staging])
            if !fileManager.fileExists(atPath: venvPath + "/bin/python") {  // else another process won
                try? fileManager.removeItem(atPath: venvPath)  // a partial directory left by an interrupted setup
                try fileManager.moveItem(atPath: staging, toPath: venvPath)
            }
        }
        let python = venvPath + "/bin/python", imports = ["-c", "import onnxruntime, onnx, numpy"]
        if try execute(python, imports).status != 0 {
            try step("pip install onnxruntime onnx numpy", python,
                     ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "onnxruntime", "onnx", "numpy"])
            try step("importing onnxruntime, onnx and numpy after installing them", python, imports)
        }
        return python
    }

    /// Runs a setup command, throwing a message that says what to fix when it fails.
    private static func step(_ what: String, _ executable: String, _ arguments: [String]) throws {
        let result = try execute(executable, arguments)
        guard result.status == 0 else {
            throw Failure(description: """
                cannot set up the onnxruntime venv at \(venvPath): \(what) failed (status \(result.status)). \
                It needs python3 with the venv module and PyPI reachable (or a pip mirror configured).
                \(result.errors.suffix(2_000))
                """)
        }
    }

    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "axone-onnx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs `executable` to completion; stdout and stderr go through files, as a pipe could fill
    /// up and block a chatty pip.
    private static func execute(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let directory = try temporaryDirectory()
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
        process.waitUntilExit()
        return (process.terminationStatus,
                String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
                String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }
}
