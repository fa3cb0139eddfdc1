import ArgumentParser
import Axone
import AxoneONNX

/// `axone import-onnx`: imports an ONNX model (from PyTorch, Keras, onnx.helper, …) and saves it as
/// an Axone model file, for `predict`, `evaluate`, `summary` and fine-tuning.
struct ImportONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-onnx",
        abstract: "Import an ONNX model (opsets 7–25) and save it as an Axone .safetensors model.",
        discussion: "Example: axone import-onnx model.onnx -o model.safetensors")

    @Argument(help: "The ONNX file to import.") var input: String
    @Option(name: .shortAndLong, help: "The model file to write.") var output = "model.safetensors"

    func run() throws {
        let model = try ONNXImport.load(contentsOf: input)
        try ModelFile.save(model, to: output)
        print("Imported \(input): \(model.layerNames.count) layers, \(model.trainableParameterCount + model.nonTrainableParameterCount) parameters; wrote \(output).")
    }
}
