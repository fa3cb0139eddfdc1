import Axone
import AxoneONNX
import Foundation

/// The files the page offers to take a trained network away: Axone's model file, ONNX, and a
/// Swift snippet that rebuilds the same network with Axone (``SwiftSnippet``).
public enum ModelDownload: String, CaseIterable, Sendable {
    /// ``ModelFile``: safetensors with the architecture in its metadata.
    case safetensors
    /// ``ONNXExport``: an ONNX model (opset 17).
    case onnx
    /// ``SwiftSnippet``: Swift source that builds and compiles the network.
    case swift

    /// The name the browser saves the file under.
    var fileName: String {
        switch self {
        case .safetensors: "axone-playground.safetensors"
        case .onnx: "axone-playground.onnx"
        case .swift: "AxonePlayground.swift"
        }
    }

    var contentType: String {
        switch self {
        case .safetensors, .onnx: "application/octet-stream"
        case .swift: "text/x-swift; charset=utf-8"
        }
    }

    /// The file for `model`, trained with `settings`.
    /// - Throws: when the model cannot be written (``ModelFile`` or ``ONNXExport`` errors).
    func contents(of model: Sequential<Float>, settings: PlaygroundSettings) throws -> Data {
        switch self {
        case .safetensors:
            // ModelFile writes files (atomically); this one lives only until it is read back.
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("axone-playground-\(UUID().uuidString).safetensors").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try ModelFile.save(model, to: path)
            return try Data(contentsOf: URL(fileURLWithPath: path))
        case .onnx:
            return Data(try ONNXExport.serialize(model, docString: "Axone Playground: \(SwiftSnippet.summary(settings))"))
        case .swift:
            return Data(SwiftSnippet(settings: settings).source.utf8)
        }
    }
}
