/// A one-click setup of the page. The capacity presets are seed 001's three cases after
/// Karpathy's ConvNetJS demo: with no hidden neuron the network underfits, with 12 it fits well,
/// with 60 it overfits. They share noisy circles with few points, so the difference shows; on
/// the reader's own points the page keeps the points and applies the network only.
struct PlaygroundPreset: Encodable, Sendable {
    let value: String
    let label: String
    /// The settings the preset sets; the others keep their values.
    let settings: [String: Double]
    let dataset: String
    let features: [String]

    static let capacity = [
        preset("underfit", "Underfit: 0 hidden neurons", hiddenLayers: 0),
        preset("good-fit", "Good fit: 12 hidden neurons", hiddenLayers: 1, units: 12),
        preset("overfit", "Overfit: 60 hidden neurons", hiddenLayers: 1, units: 60),
    ]

    private static func preset(_ value: String, _ label: String, hiddenLayers: Int, units: Int? = nil) -> PlaygroundPreset {
        var settings: [String: Double] = ["hiddenLayers": Double(hiddenLayers), "noise": 0.25, "points": 80, "trainRatio": 0.5,
                                          "dropout": 0, "l1": 0, "l2": 0, "learningRate": 0.03, "batchSize": 10]
        settings["units"] = units.map(Double.init)
        return PlaygroundPreset(value: value, label: label, settings: settings, dataset: PlaygroundDataset.circles.rawValue,
                                features: [InputFeature.x1.rawValue, InputFeature.x2.rawValue])
    }
}
