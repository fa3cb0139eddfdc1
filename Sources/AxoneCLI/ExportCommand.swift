import ArgumentParser
import Axone
import AxoneONNX

/// `axone export-onnx`: writes a saved model as an ONNX file (IR 8, opset 17) for onnxruntime and other tools.
struct ExportONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-onnx",
        abstract: "Export a model to ONNX (IR version 8, opset 17), in inference mode.",
        discussion: "Example: axone export-onnx --model fmnist.safetensors -o fmnist.onnx")

    @OptionGroup var model: ModelOptions
    @Option(name: .shortAndLong, help: "The ONNX file to write.") var output = "model.onnx"

    func run() throws {
        try ONNXExport.write(try model.makeSequential(seed: 0, for: "export-onnx"), to: output)
        print("Wrote \(output) (input \"input\" [batch, features], output \"output\").")
    }
}
