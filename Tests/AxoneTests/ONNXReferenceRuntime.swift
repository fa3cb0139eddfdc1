import Foundation
@testable import Axone
import AxoneONNX

/// onnxruntime (Microsoft's reference ONNX engine) and the `onnx` checker, run through ``PythonOracle``.
enum ONNXReferenceRuntime {
    /// Exports `model` with ``ONNXExport/write(_:to:docString:)``, checks the file with
    /// `onnx.checker` (full check, with shape inference), runs it in onnxruntime on `inputs`
    /// (fed by the names of ``ONNXSignature``) and returns the graph's outputs, asked for by name
    /// in the signature's order.
    static func run(_ model: Model<Float>, on inputs: [Tensor<Float>]) throws -> [Tensor<Float>] {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let modelPath = directory + "/model.onnx"
        try ONNXExport.write(model, to: modelPath)
        let signature = try ONNXSignature(of: model)
        var arguments = [modelPath, String(inputs.count)]
        for (index, (value, input)) in zip(signature.inputs, inputs).enumerated() {
            let path = directory + "/input\(index).f32"
            try Data(LittleEndianFloats.encode(input.scalars)).write(to: URL(fileURLWithPath: path))
            arguments += [value.name, path, input.shape.map(String.init).joined(separator: ",")]
        }
        let outputPaths = signature.outputs.indices.map { directory + "/output\($0).f32" }
        for (value, path) in zip(signature.outputs, outputPaths) { arguments += [value.name, path] }
        let printed = try PythonOracle.run(script, arguments: arguments,
                                           importing: "onnxruntime, onnx, numpy", packages: ["onnxruntime", "onnx", "numpy"])
        let shapes = printed.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int($0) } }
        guard shapes.count == outputPaths.count else {
            throw PythonOracle.Failure(description: "onnxruntime printed \(shapes.count) shapes for \(outputPaths.count) outputs")
        }
        return try zip(shapes, outputPaths).map { shape, path in
            let scalars = LittleEndianFloats.decode(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
            guard shape.reduce(1, *) == scalars.count else {
                throw PythonOracle.Failure(description: "onnxruntime printed shape \(shape) for \(scalars.count) values")
            }
            return Tensor(shape: shape, scalars: scalars)
        }
    }

    /// ``run(_:on:)`` for a model with one input and one output.
    static func run(_ model: Model<Float>, on input: Tensor<Float>) throws -> Tensor<Float> {
        try run(model, on: [input])[0]
    }

    /// argv: model, input count, (name, file, comma-separated shape) per input, then (name, file)
    /// per output; prints each output's shape on a line.
    private static let script = """
        import sys
        import numpy as np, onnx, onnxruntime as ort
        model_path, count = sys.argv[1], int(sys.argv[2])
        input_arguments, output_arguments = sys.argv[3:3 + 3 * count], sys.argv[3 + 3 * count:]
        onnx.checker.check_model(onnx.load(model_path), full_check=True)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
        feeds = {name: np.fromfile(path, dtype="<f4").reshape([int(d) for d in shape.split(",")])
                 for name, path, shape in zip(*[iter(input_arguments)] * 3)}
        names, paths = output_arguments[0::2], output_arguments[1::2]
        for y, path in zip(session.run(names, feeds), paths):
            np.ascontiguousarray(y, dtype="<f4").tofile(path)
            print(" ".join(str(d) for d in y.shape))
        """

    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "axone-onnx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
