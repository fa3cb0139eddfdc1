import Foundation

/// The reference Python `safetensors` package (the loader PyTorch and Hugging Face use), with
/// numpy, run in the tests' shared ``PythonVenv`` (installed there on first use).
enum ReferenceSafeTensors {
    /// Runs the Python `script` in the venv (setting it up first if needed) with `arguments` as
    /// `sys.argv[1...]`, and returns what it printed.
    static func run(_ script: String, arguments: [String] = []) throws -> String {
        let python = try PythonVenv.python(importing: ["safetensors", "safetensors.numpy", "numpy"],
                                           installing: ["safetensors", "numpy"])
        let result = try PythonVenv.execute(python, ["-c", script] + arguments)
        guard result.status == 0 else {
            throw PythonVenv.Failure(description: "the reference Python script failed (status \(result.status)):\n"
                + result.errors)
        }
        return result.output
    }
}
