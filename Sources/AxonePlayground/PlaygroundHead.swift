import Axone

/// The network's output layer, its loss and targets, and what the page plots of its output: two
/// class scores for a classification (``PlaygroundObjective``), one value for a regression.
enum PlaygroundHead {
    case classification(PlaygroundObjective)
    /// Mean squared error on one linear output, the targets in [−1, 1].
    case regression

    /// The head for valid `settings` (the data set and loss names were checked).
    init(_ settings: PlaygroundSettings) {
        self = PlaygroundDataset(rawValue: settings.dataset)!.isRegression
            ? .regression : .classification(PlaygroundObjective(rawValue: settings.loss)!)
    }

    var outputUnits: Int {
        switch self {
        case .classification: 2
        case .regression: 1
        }
    }

    var outputActivation: Activation {
        switch self {
        case .classification(let objective): objective.outputActivation
        case .regression: .linear
        }
    }

    var loss: Loss {
        switch self {
        case .classification(let objective): objective.loss
        case .regression: .meanSquaredError
        }
    }

    /// Accuracy for a classification; a regression has only its loss.
    var metrics: [Metric] {
        switch self {
        case .classification: [.accuracy]
        case .regression: []
        }
    }

    /// The targets the loss takes for the data set's targets `[n]` (classes or values).
    func targets(_ values: Tensor<Float>) -> Tensor<Float> {
        switch self {
        case .classification(let objective): objective.targets(values)
        case .regression: values.reshaped([values.shape[0], 1])
        }
    }

    /// What the page colours for each row of the outputs, in [0, 1]: the probability of class 1,
    /// or the regression's value mapped from [−1, 1] (values outside are clamped).
    func plotted(_ outputs: Tensor<Float>) -> [Float] {
        switch self {
        case .classification(let objective): objective.probabilityOfClassOne(outputs)
        case .regression: outputs.scalars.map { Swift.min(Swift.max(($0 + 1) / 2, 0), 1) }
        }
    }

    /// The Swift expression of ``loss`` (for ``SwiftSnippet``).
    var lossExpression: String {
        switch self {
        case .classification(.crossEntropy): ".categoricalCrossEntropy()"
        case .classification(.meanSquaredError), .regression: ".meanSquaredError"
        case .classification(.hinge): ".multiclassHinge()"
        }
    }

    /// What the targets `y` of ``PlaygroundHead/targets(_:)`` are, in words (for ``SwiftSnippet``).
    var targetsDescription: String {
        switch self {
        case .classification(.meanSquaredError): "one-hot rows [n, 2]"
        case .classification: "the classes 0 and 1, [n]"
        case .regression: "values in [−1, 1], [n, 1]"
        }
    }
}
