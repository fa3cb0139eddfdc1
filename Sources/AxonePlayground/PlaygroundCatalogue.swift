import Axone

/// One entry of a menu: the value the API takes and the text the page shows.
struct MenuChoice: Encodable, Sendable {
    let value: String
    let label: String
}

/// What the page may choose from, served by `GET /api/catalogue`: the menus, the bounds of every
/// number and the default settings. The page builds its controls from it.
struct PlaygroundCatalogue: Encodable, Sendable {
    let datasets = PlaygroundDataset.allCases.map { MenuChoice(value: $0.rawValue, label: $0.label) }
    /// The data sets whose targets are values (they take the `mse` loss).
    let regressionDatasets = PlaygroundDataset.allCases.filter(\.isRegression).map(\.rawValue)
    let features = InputFeature.allCases.map { MenuChoice(value: $0.rawValue, label: $0.label) }
    let presets = PlaygroundPreset.capacity
    let downloads = ModelDownload.allCases.map { MenuChoice(value: $0.rawValue, label: $0.fileName) }
    let activations = PlaygroundSettings.hiddenActivations.map { MenuChoice(value: $0, label: $0) }
    let losses = PlaygroundObjective.allCases.map { MenuChoice(value: $0.rawValue, label: $0.label) }
    let optimizers = PlaygroundOptimizer.allCases.map { MenuChoice(value: $0.rawValue, label: $0.label) }
    /// `[lowest, highest]` of each numeric setting; `trainRatio` excludes its ends.
    let limits: [String: [Double]] = {
        typealias L = PlaygroundSettings.Limits
        func bounds(_ r: ClosedRange<Int>) -> [Double] { [Double(r.lowerBound), Double(r.upperBound)] }
        func bounds(_ r: ClosedRange<Double>) -> [Double] { [r.lowerBound, r.upperBound] }
        return ["points": bounds(L.points), "noise": bounds(L.noise), "trainRatio": [0, 1],
                "hiddenLayers": bounds(L.hiddenLayers), "units": bounds(L.units), "learningRate": bounds(L.learningRate),
                "batchSize": bounds(L.batchSize), "l1": bounds(L.l1), "l2": bounds(L.l2), "dropout": bounds(L.dropout)]
    }()
    let defaults = PlaygroundSettings()
    /// Hidden layers at most this wide get per-unit activation maps.
    let maximumUnitsForNeurons = NetworkPictures.maximumUnitsForNeurons
    /// Seconds without a request after which the server closes a session.
    let sessionTimeout: Double
}

extension PlaygroundObjective {
    /// The loss's name in the page's menu.
    var label: String {
        switch self {
        case .crossEntropy: "Cross-entropy"
        case .meanSquaredError: "Mean squared error"
        case .hinge: "Hinge (SVM)"
        }
    }
}

extension PlaygroundOptimizer {
    /// The optimiser's name in the page's menu.
    var label: String {
        switch self {
        case .sgd: "SGD"
        case .momentum: "SGD + momentum"
        case .nesterov: "SGD + Nesterov"
        case .adam: "Adam"
        case .adamw: "AdamW"
        case .nadam: "Nadam"
        case .rmsprop: "RMSProp"
        case .adagrad: "Adagrad"
        case .adadelta: "AdaDelta"
        }
    }
}
