import Axone

/// What one playground session trains: the data set, the network and how it learns, as the page
/// sends it in JSON (`{"dataset": "xor", "hiddenLayers": 2, "activation": "tanh", …}`). Fields left
/// out keep their defaults; ``validate()`` rejects values out of ``PlaygroundSettings/Limits``.
public struct PlaygroundSettings: Codable, Equatable, Sendable {
    /// A ``PlaygroundDataset`` raw value: `xor`, `circles`, `moons`, `spirals`, `blobs` (two
    /// classes), `plane`, `gaussian` (regression, with the `mse` loss) or `own` (``ownPoints``).
    public var dataset = PlaygroundDataset.xor.rawValue
    /// The points of the `own` data set as `[x, y, class]` triples, the class 0 or 1; ignored
    /// for the other data sets, whose ``points`` and ``noise`` say what to generate.
    public var ownPoints: [[Double]] = []
    /// The standard deviation of the Gaussian noise added to every point.
    public var noise = 0.1
    /// The fraction of the points used for training; the rest is the test set.
    public var trainRatio = 0.5
    /// The number of points generated (training and test together).
    public var points = 400
    /// Seeds the data, the initial weights, the shuffling and dropout.
    public var seed: UInt64 = 0
    /// The ``InputFeature`` raw values the network sees, in order: `x1`, `x2`, `x1sq`, `x2sq`,
    /// `x1x2`, `sinx1`, `sinx2`.
    public var features = [InputFeature.x1.rawValue, InputFeature.x2.rawValue]
    /// The number of hidden layers (0 makes a linear classifier).
    public var hiddenLayers = 2
    /// The number of units in each hidden layer.
    public var units = 4
    /// The hidden units' activation, one of ``hiddenActivations``.
    public var activation = "tanh"
    /// A ``PlaygroundObjective`` raw value: `cross_entropy`, `mse`, `hinge`.
    public var loss = PlaygroundObjective.crossEntropy.rawValue
    /// A ``PlaygroundOptimizer`` raw value: `sgd`, `momentum`, `adam`, ….
    public var optimizer = PlaygroundOptimizer.adam.rawValue
    /// The optimiser's step size.
    public var learningRate = 0.03
    /// The number of examples per gradient step.
    public var batchSize = 10
    /// The L1 penalty `l1·Σ|w|` on the weights.
    public var l1 = 0.0
    /// The L2 penalty `l2·Σw²` on the weights.
    public var l2 = 0.0
    /// The dropout rate after each hidden layer (0 adds no dropout layer).
    public var dropout = 0.0

    /// The bounds a request must respect (inclusive; `trainRatio` must lie strictly between 0 and
    /// 1 and leave both sets non-empty); the page reads them from `GET /api/catalogue`.
    public enum Limits {
        public static let points = 20...2000
        public static let noise = 0.0...1.0
        public static let hiddenLayers = 0...8
        public static let units = 1...100
        public static let learningRate = 1e-6...10.0
        public static let batchSize = 1...2000
        public static let l1 = 0.0...1.0
        public static let l2 = 0.0...1.0
        /// The largest |x| or |y| of an own point.
        public static let coordinate = 10.0
        public static let dropout = 0.0...0.9
    }

    /// The activations offered for hidden units (the catalogue's element-wise ones; softmax
    /// works on whole rows and is left to the output layer).
    public static let hiddenActivations = Activation.names.filter { $0 != "softmax" && $0 != "log_softmax" }

    /// The default settings: XOR, two hidden layers of four tanh units, Adam.
    public init() {}

    /// Decodes settings, keeping the default of every field left out.
    /// - Throws: `DecodingError` naming the field whose value has the wrong type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func field<T: Decodable>(_ key: CodingKeys, _ defaultValue: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? defaultValue
        }
        // Whole numbers are read as JSON numbers and checked here, so `4.5` or `-1` gets a message naming the field.
        func wholeNumber<T: FixedWidthInteger>(_ key: CodingKeys, _ defaultValue: T) throws -> T {
            guard let number = try container.decodeIfPresent(Double.self, forKey: key) else { return defaultValue }
            guard let value = T(exactly: number), number.magnitude <= 9_007_199_254_740_991 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription:
                    "must be a whole number\(T.isSigned ? "" : " ≥ 0") below 2^53, got \(number)")
            }
            return value
        }
        dataset = try field(.dataset, dataset)
        ownPoints = try field(.ownPoints, ownPoints)
        features = try field(.features, features)
        noise = try field(.noise, noise)
        trainRatio = try field(.trainRatio, trainRatio)
        points = try wholeNumber(.points, points)
        seed = try wholeNumber(.seed, seed)
        hiddenLayers = try wholeNumber(.hiddenLayers, hiddenLayers)
        units = try wholeNumber(.units, units)
        activation = try field(.activation, activation)
        loss = try field(.loss, loss)
        optimizer = try field(.optimizer, optimizer)
        learningRate = try field(.learningRate, learningRate)
        batchSize = try wholeNumber(.batchSize, batchSize)
        l1 = try field(.l1, l1)
        l2 = try field(.l2, l2)
        dropout = try field(.dropout, dropout)
    }

    /// The number of training points of a generated data set; the test set has the rest.
    public var trainCount: Int { Int((Double(points) * trainRatio).rounded()) }

    /// Whether point `index` of the data set is a training point (else it is a test point). A
    /// generated set trains on its first ``trainCount`` points; own points alternate so that every
    /// stretch of them keeps the `trainRatio`, the first one training.
    func isTraining(_ index: Int) -> Bool {
        guard dataset == PlaygroundDataset.own.rawValue else { return index < trainCount }
        return (Double(index + 1) * trainRatio).rounded(.up) > (Double(index) * trainRatio).rounded(.up)
    }

    /// Checks every field, naming the first one out of range and its allowed values.
    /// - Throws: ``PlaygroundError/badRequest(_:)``.
    public func validate() throws(PlaygroundError) {
        func check<T: Comparable>(_ name: String, _ value: T, _ range: ClosedRange<T>) throws(PlaygroundError) {
            guard range.contains(value) else {
                throw .badRequest("\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            }
        }
        func known(_ name: String, _ value: String, _ names: [String]) throws(PlaygroundError) {
            guard names.contains(value) else {
                throw .badRequest("unknown \(name) '\(value)'; known: \(names.joined(separator: ", "))")
            }
        }
        try known("dataset", dataset, PlaygroundDataset.allCases.map(\.rawValue))
        try check("points", points, Limits.points)
        try check("noise", noise, Limits.noise)
        guard trainRatio > 0, trainRatio < 1 else { throw .badRequest("trainRatio must be strictly between 0 and 1, got \(trainRatio)") }
        if dataset == PlaygroundDataset.own.rawValue {
            try validateOwnPoints()
        } else if trainCount < 1 || trainCount >= points {
            throw .badRequest("trainRatio \(trainRatio) of \(points) points leaves the training or the test set empty")
        }
        guard !features.isEmpty else { throw .badRequest("features must name at least one input feature") }
        for feature in features { try known("feature", feature, InputFeature.allCases.map(\.rawValue)) }
        guard Set(features).count == features.count else { throw .badRequest("features must not repeat a feature: \(features)") }
        try check("hiddenLayers", hiddenLayers, Limits.hiddenLayers)
        try check("units", units, Limits.units)
        try known("activation", activation, Self.hiddenActivations)
        try known("loss", loss, PlaygroundObjective.allCases.map(\.rawValue))
        if PlaygroundDataset(rawValue: dataset)?.isRegression == true, loss != PlaygroundObjective.meanSquaredError.rawValue {
            throw .badRequest("the \(dataset) data set is a regression: its loss must be mse, got \(loss)")
        }
        try known("optimizer", optimizer, PlaygroundOptimizer.allCases.map(\.rawValue))
        try check("learningRate", learningRate, Limits.learningRate)
        try check("batchSize", batchSize, Limits.batchSize)
        try check("l1", l1, Limits.l1)
        try check("l2", l2, Limits.l2)
        try check("dropout", dropout, Limits.dropout)
    }

    /// Checks ``ownPoints``: at most `Limits.points.upperBound` triples `[x, y, class]`, each
    /// coordinate within ±`Limits.coordinate` and each class 0 or 1.
    private func validateOwnPoints() throws(PlaygroundError) {
        guard ownPoints.count <= Limits.points.upperBound else {
            throw .badRequest("ownPoints may hold at most \(Limits.points.upperBound) points, got \(ownPoints.count)")
        }
        for (index, point) in ownPoints.enumerated() {
            guard point.count == 3, point[0].magnitude <= Limits.coordinate, point[1].magnitude <= Limits.coordinate,
                  point[2] == 0 || point[2] == 1 else {
                throw .badRequest("ownPoints[\(index)] must be [x, y, class] with |x|, |y| ≤ \(Limits.coordinate) "
                                  + "and class 0 or 1, got \(point)")
            }
        }
    }
}

/// The optimisers the page offers, by name, with their library defaults apart from the learning rate.
public enum PlaygroundOptimizer: String, CaseIterable, Sendable {
    case sgd, momentum, nesterov, adam, adamw, nadam, rmsprop, adagrad, adadelta

    /// A new optimiser of this kind (`momentum` and `nesterov` are SGD with momentum 0.9).
    func make(learningRate: Double) -> Optimizer {
        switch self {
        case .sgd: SGD(learningRate: learningRate)
        case .momentum: SGD(learningRate: learningRate, momentum: 0.9)
        case .nesterov: SGD(learningRate: learningRate, momentum: 0.9, nesterov: true)
        case .adam: Adam(learningRate: learningRate)
        case .adamw: AdamW(learningRate: learningRate)
        case .nadam: Nadam(learningRate: learningRate)
        case .rmsprop: RMSProp(learningRate: learningRate)
        case .adagrad: Adagrad(learningRate: learningRate)
        case .adadelta: AdaDelta(learningRate: learningRate)
        }
    }

    /// The Swift expression that makes the same optimiser (for ``SwiftSnippet``).
    func swiftExpression(learningRate: Double) -> String {
        switch self {
        case .sgd: "SGD(learningRate: \(learningRate))"
        case .momentum: "SGD(learningRate: \(learningRate), momentum: 0.9)"
        case .nesterov: "SGD(learningRate: \(learningRate), momentum: 0.9, nesterov: true)"
        case .adam: "Adam(learningRate: \(learningRate))"
        case .adamw: "AdamW(learningRate: \(learningRate))"
        case .nadam: "Nadam(learningRate: \(learningRate))"
        case .rmsprop: "RMSProp(learningRate: \(learningRate))"
        case .adagrad: "Adagrad(learningRate: \(learningRate))"
        case .adadelta: "AdaDelta(learningRate: \(learningRate))"
        }
    }
}

/// The losses the page offers for its two-class problems, each with the output layer and the
/// targets it needs. The network always ends in two units.
public enum PlaygroundObjective: String, CaseIterable, Sendable {
    /// Softmax cross-entropy on two logits, targets are class indices.
    case crossEntropy = "cross_entropy"
    /// Mean squared error between a softmax output and one-hot targets.
    case meanSquaredError = "mse"
    /// The multiclass hinge (SVM) loss on two scores, targets are class indices.
    case hinge

    var loss: Loss {
        switch self {
        case .crossEntropy: .categoricalCrossEntropy()
        case .meanSquaredError: .meanSquaredError
        case .hinge: .multiclassHinge()
        }
    }

    /// The output layer's activation.
    var outputActivation: Activation { self == .meanSquaredError ? .softmax : .linear }

    /// The targets for class `labels` (`[n]`): the labels themselves, or one-hot rows for MSE.
    func targets(_ labels: Tensor<Float>) -> Tensor<Float> {
        guard self == .meanSquaredError else { return labels }
        // Classes are 0 or 1: Synthetic2D makes two, and validate() checks own points.
        return (try? Tensor<Float>.oneHot(labels.scalars.map { Int($0) }, classCount: 2)) ?? labels
    }

    /// The probability of class 1 for each row of the network's outputs `[n, 2]` (scores and
    /// logits go through a softmax).
    func probabilityOfClassOne(_ outputs: Tensor<Float>) -> [Float] {
        let probabilities = (self == .meanSquaredError ? outputs : outputs.softmax()).scalars
        return stride(from: 1, to: probabilities.count, by: 2).map { probabilities[$0] }
    }
}
