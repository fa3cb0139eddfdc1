import Foundation
@testable import Axone
import AxoneONNX

/// onnxruntime (Microsoft's reference ONNX engine) and the `onnx` checker, run through ``PythonOracle``.
enum ONNXReferenceRuntime {
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
        let output = try PythonOracle.run(script, arguments: [modelPath, inputPath, outputPath] + input.shape.map(String.init),
                                          importing: "onnxruntime, onnx, numpy", packages: ["onnxruntime", "onnx", "numpy"])
        let shape = output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: outputPath)))
        let scalars = LittleEndianFloats.decode(bytes)
        guard shape.reduce(1, *) == scalars.count else {
            throw PythonOracle.Failure(description: "onnxruntime printed shape \(shape) for \(scalars.count) values")
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

    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "axone-onnx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
