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
        let network = try model.make(seed: 0)
        try ONNXExport.write(network, to: output)
        let signature = try ONNXSignature(of: network)
        print("Wrote \(output) (\(Self.describe(signature.inputs, "input")); \(Self.describe(signature.outputs, "output"))).")
    }

    /// `inputs "left" [batch, 3], "right" [batch, 3]`, or `input "input" [batch, 784]` for one.
    static func describe(_ values: [ONNXSignature.Value], _ kind: String) -> String {
        let list = values.map { value in
            "\"\(value.name)\" [\((["batch"] + value.shape.map(String.init)).joined(separator: ", "))]"
        }
        return "\(kind)\(values.count == 1 ? "" : "s") \(list.joined(separator: ", "))"
    }
}
