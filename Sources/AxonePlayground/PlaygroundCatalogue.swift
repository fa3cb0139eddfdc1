import Axone

/// One entry of a menu: the value the API takes and the text the page shows.
struct MenuChoice: Encodable, Sendable {
    let value: String
    let label: String
}

/// What the page may choose from, served by `GET /api/catalogue`: the menus, the bounds of every
/// number and the default settings. The page builds its controls from it.
struct PlaygroundCatalogue: Encodable, Sendable {
    let datasets = Synthetic2D.allCases.map { MenuChoice(value: $0.rawValue, label: $0.playgroundLabel) }
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
                "batchSize": bounds(L.batchSize), "l2": bounds(L.l2), "dropout": bounds(L.dropout)]
    }()
    let defaults = PlaygroundSettings()
    /// Hidden layers at most this wide get per-unit activation maps.
    let maximumUnitsForNeurons = NetworkPictures.maximumUnitsForNeurons
    /// Seconds without a request after which the server closes a session.
    let sessionTimeout: Double
}

extension Synthetic2D {
    /// The data set's name in the page's menu.
    var playgroundLabel: String {
        switch self {
        case .xor: "XOR"
        case .moons: "Two moons"
        case .circles: "Circles"
        case .spirals: "Spirals"
        case .blobs: "Gaussian blobs"
        }
    }
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
