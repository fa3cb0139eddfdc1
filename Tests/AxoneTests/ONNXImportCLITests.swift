import Foundation
import Testing
@testable import Axone
@testable import AxoneONNX

/// `axone import-onnx`, and `--model model.onnx` in `summary`, `predict` and `evaluate`.
@Suite(.serialized) struct ONNXImportCLITests {
    @Test func importSummaryPredictEvaluate() throws {
        let directory = temporaryPath("onnx-cli")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var model = ONNXTestGraphs.mlp   // Gemm(2 → 3) → Relu
        model.graph.input[0] = ONNXTestGraphs.tensorInfo("x", [nil, 2])
        model.graph.initializer[0] = ONNXTestGraphs.initializer("fc.weight", [3, 2])
        try ONNXTestGraphs.bytes(model).write(to: URL(fileURLWithPath: "\(directory)/m.onnx"))
        let lines = ["x,y,label"] + (0..<20).map { "\(Double($0) * 0.1),\(1 - Double($0) * 0.1),\($0 % 2)" }
        try lines.joined(separator: "\n").write(toFile: "\(directory)/points.csv", atomically: true, encoding: .utf8)

        let imported = try runAxone(["import-onnx", "m.onnx", "-o", "m.safetensors"], in: directory)
        #expect(imported.status == 0 && imported.output.contains("wrote m.safetensors"), "\(imported)")
        let summary = try runAxone(["summary", "--model", "m.onnx"], in: directory)
        #expect(summary.status == 0 && summary.output.contains("fc (Dense)") && summary.output.contains(" Total params: 9"), "\(summary)")
        let prediction = try runAxone(["predict", "--model", "m.onnx", "--csv", "points.csv", "--output", "p.csv"], in: directory)
        #expect(prediction.status == 0, "\(prediction.error)")
        let fromSaved = try runAxone(["predict", "--model", "m.safetensors", "--csv", "points.csv", "--output", "q.csv"], in: directory)
        #expect(fromSaved.status == 0, "\(fromSaved.error)")
        #expect(try String(contentsOfFile: "\(directory)/p.csv", encoding: .utf8) == (try String(contentsOfFile: "\(directory)/q.csv", encoding: .utf8)))
        let evaluation = try runAxone(["evaluate", "--model", "m.onnx", "--csv", "points.csv"], in: directory)
        #expect(evaluation.status == 0 && evaluation.output.contains("accuracy:"), "\(evaluation)")
        let refused = try runAxone(["import-onnx", "points.csv"], in: directory)
        #expect(refused.status != 0 && refused.error.contains("not a valid ONNX model"), "\(refused)")
    }
}
