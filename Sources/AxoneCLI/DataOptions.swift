import ArgumentParser
import Axone
import AxoneONNX
import Foundation

/// Examples loaded by the CLI: images kept as bytes, or a CSV table as tensors.
enum CommandData: BatchProvider {
    case images(LabeledImages)
    case table(TensorDataset<Float>)

    typealias Scalar = Float

    private var provider: any BatchProvider<Float> {
        switch self {
        case .images(let images): images
        case .table(let table): table
        }
    }

    var count: Int { provider.count }
    var featureShape: [Int] { provider.featureShape }
    var targetShape: [Int] { provider.targetShape }
    func batch(_ indices: ArraySlice<Int>) -> (features: Tensor<Float>, targets: Tensor<Float>) { provider.batch(indices) }
    func batch(_ indices: ArraySlice<Int>, features: inout Tensor<Float>, targets: inout Tensor<Float>) {
        provider.batch(indices, features: &features, targets: &targets)
    }
    func targets(at indices: ArraySlice<Int>) -> Tensor<Float> { provider.targets(at: indices) }
    func prefetch(_ indices: ArraySlice<Int>) { provider.prefetch(indices) }

    /// Every example's features (for `predict`).
    var allFeatures: Tensor<Float> { batch(Array(0..<count)[...]).features }
}

/// Where the examples come from: a named data set, an IDX pair, or a CSV file.
struct DataOptions: ParsableArguments {
    @Option(help: "A named data set: fashion-mnist (Debian package dataset-fashion-mnist).")
    var dataset: String?
    @Option(help: "IDX images file (.gz or not); needs --labels, except for predict.") var images: String?
    @Option(help: "IDX labels file (.gz or not).") var labels: String?
    @Option(help: "CSV file: numeric feature columns and a label column; an optional header row.") var csv: String?
    @Option(parsing: .unconditional, help: "The CSV label column: a header name or a 0-based index (default: the last column).")
    var labelColumn: String?
    @Option(help: "Where the named data sets are installed.") var dataDirectory = FashionMNIST.defaultDirectory

    /// Loads the training (or test) part. `classification` decides whether CSV targets are class indices.
    func load(split: FashionMNIST.Split, classification: Bool) throws -> CommandData {
        switch (dataset, images, labels, csv) {
        case (let name?, nil, nil, nil):
            guard name.lowercased() == "fashion-mnist" else {
                throw ValidationError("unknown data set '\(name)'; known: fashion-mnist")
            }
            return .images(try FashionMNIST.load(directory: dataDirectory, split: split))
        case (nil, let images?, let labels?, nil):
            return .images(try LabeledImages(imagesPath: images, labelsPath: labels, classCount: 10))
        case (nil, nil, nil, let path?):
            let column: CSVColumn = labelColumn.map { Int($0).map(CSVColumn.index) ?? .named($0) } ?? .last
            let table = try CSVData<Float>(contentsOfFile: path, labelColumn: column)
            let targets = classification
                ? Tensor(shape: [table.count], scalars: try table.classLabels().map(Float.init))
                : table.targets
            return .table(try TensorDataset(features: table.features, targets: targets))
        default:
            throw ValidationError("give the data as --dataset fashion-mnist, as --images FILE --labels FILE, or as --csv FILE")
        }
    }

    /// The examples' features alone (the test split of a named data set), for prediction: an IDX
    /// images file needs no labels, and CSV labels need not be class indices.
    func loadFeatures() throws -> Tensor<Float> {
        switch (dataset, images, labels, csv) {
        case (nil, let images?, nil, nil):
            let file = try IDXFile.loadImages(atPath: images)
            // Unlabelled: scaled exactly as labelled images are (÷ 255).
            return try LabeledImages(rows: file.rows, columns: file.columns, pixels: file.pixels,
                                     labels: Array(repeating: 0, count: file.count), classCount: 1).allImages()
        case (nil, nil, nil, _?):
            return try load(split: .test, classification: false).allFeatures
        default:
            return try load(split: .test, classification: true).allFeatures
        }
    }
}

/// Where a model comes from: a preset (`mlp:784-256-128-10`), an architecture JSON file, a saved
/// model, or an ONNX file (imported with its weights).
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "A preset such as mlp:784-256-128-10[:tanh] or cnn:28x28x1-c32-p-c64-p-d128-10 (grammar in the README), an architecture .json file, a saved .safetensors model, or an .onnx model.")
    var model: String

    /// Whether `model` names a file with weights (a saved model or an ONNX model).
    var isSavedModel: Bool { model.hasSuffix(".safetensors") || model.hasSuffix(".onnx") }

    /// The model: loaded with its weights, or built from its architecture with weights from `seed`.
    func make(seed: UInt64) throws -> Model<Float> { try makeModel(model, seed: seed) }

    /// The model, which this command needs to be a chain of layers.
    /// - Throws: `ValidationError` for a graph model, naming the command.
    func makeSequential(seed: UInt64, for command: String) throws -> Sequential<Float> {
        guard let sequential = try make(seed: seed) as? Sequential<Float> else {
            throw ValidationError("\(command) works on Sequential models (a chain of layers) for now; \(model) is a graph model")
        }
        return sequential
    }
}

/// A model from a preset (`mlp:784-256-128-10`), an architecture `.json` file (a chain of layers
/// or a graph), a saved `.safetensors` model (which may hold imported ONNX operators) or an
/// `.onnx` model (imported).
func makeModel(_ description: String, seed: UInt64) throws -> Model<Float> {
    if description.hasSuffix(".onnx") { return try ONNXImport.load(contentsOf: description) }
    ONNXImport.registerLayers()
    if description.hasSuffix(".safetensors") { return try ModelFile.load(from: description, as: Float.self).model }
    return try Model.make(architectureJSON: architectureJSON(description), seed: seed)
}

/// The architecture JSON of a preset (`mlp:784-256-128-10`, `cnn:28x28x1-c32-p-10`) or of an architecture `.json` file.
func architectureJSON(_ description: String) throws -> String {
    if description.hasPrefix("mlp:") || description.hasPrefix("cnn:") { return try Architecture(preset: description).json }
    guard description.hasSuffix(".json") else {
        throw ValidationError("--model must be a preset (mlp:784-256-128-10, cnn:28x28x1-c32-p-c64-p-d128-10), a .json architecture, a .safetensors or an .onnx model; got '\(description)'")
    }
    return try String(contentsOfFile: description, encoding: .utf8)
}
