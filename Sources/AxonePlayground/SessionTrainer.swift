import Axone
import Foundation

/// The points of a session as the page draws them: `[x, y, target]` triples (the target a class,
/// or a value for a regression) and the plotted square.
struct PlaygroundData: Encodable, Sendable {
    let domain: PlotDomain
    let train: [[Float]]
    let test: [[Float]]
    /// Whether the targets are values in [−1, 1] rather than the classes 0 and 1.
    let regression: Bool
}

/// Train and test loss against the epoch, thinned to at most ``capacity`` points by dropping every
/// other one when full (so a long run keeps its whole history at a coarser step).
struct LossCurves: Encodable, Sendable {
    static let capacity = 400
    private(set) var epochs: [Int] = []
    private(set) var train: [Double?] = []
    private(set) var test: [Double?] = []

    mutating func append(epoch: Int, train trainLoss: Double?, test testLoss: Double?) {
        if epochs.last == epoch { return }
        epochs.append(epoch)
        train.append(trainLoss)
        test.append(testLoss)
        if epochs.count > Self.capacity {
            func thin<T>(_ values: [T]) -> [T] { stride(from: 0, to: values.count, by: 2).map { values[$0] } }
            (epochs, train, test) = (thin(epochs), thin(train), thin(test))
        }
    }
}

/// What the page shows of a session; `GET /api/sessions/{id}/status` returns it as JSON.
struct SessionStatus: Encodable, Sendable {
    let id: String
    /// Counts resets, so the page can ignore an answer about a network it has replaced.
    let generation: Int
    var playing = false
    let epoch: Int
    /// Losses and accuracies over the whole training and test sets (left out when not a number,
    /// when the set is empty, and the accuracies for a regression).
    let trainLoss: Double?, testLoss: Double?, trainAccuracy: Double?, testAccuracy: Double?
    let curves: LossCurves
    /// ``NetworkPictures/boundary(of:head:)``, `boundarySize` cells per side.
    let boundary: [UInt8]
    let boundarySize: Int
    /// ``NetworkPictures/neurons(of:)``, `neuronSize` cells per side: `[layer][unit][cell]`.
    let neurons: [[[Int8]]]
    let neuronSize: Int
    /// Every Dense layer's weights, for the network diagram.
    let weights: [LayerWeights]
    /// The first two-unit hidden layer's view of the data; left out when there is none.
    let hiddenSpace: HiddenSpace?
    /// Why training stopped by itself (a loss that became NaN); left out when it did not.
    var error: String?
}

/// One session's data and network, trained an epoch at a time. Not thread-safe: its
/// ``PlaygroundSession`` serialises every use.
final class SessionTrainer {
    let id: String
    private(set) var settings: PlaygroundSettings
    let generation: Int
    private(set) var data: PlaygroundData
    private(set) var epoch = 0
    /// The network; read it only through the owning session (which holds its lock).
    let model: Sequential<Float>
    private let head: PlaygroundHead
    private let features: [InputFeature]
    /// Network inputs and loss targets of each set, and the inputs of all points (training first).
    private var train: (x: Tensor<Float>, y: Tensor<Float>)
    private var test: (x: Tensor<Float>, y: Tensor<Float>)
    private var allInputs: Tensor<Float>
    private var pictures: NetworkPictures
    private var curves = LossCurves()

    /// Generates the data and builds the network `settings` describe, with weights from its seed.
    /// - Throws: ``PlaygroundError/badRequest(_:)`` for settings out of range.
    init(id: String, settings: PlaygroundSettings, generation: Int) throws {
        try settings.validate()
        // validate() checked the names, so these lookups succeed.
        let head = PlaygroundHead(settings)
        let features = settings.features.map { InputFeature(rawValue: $0)! }
        let optimizer = PlaygroundOptimizer(rawValue: settings.optimizer)!.make(learningRate: settings.learningRate)
        let activation = try Activation(name: settings.activation)
        model = try Sequential<Float>(inputShape: [features.count], seed: settings.seed) {
            for _ in 0..<settings.hiddenLayers {
                Dense(settings.units, activation: activation)
                if settings.dropout > 0 { try Dropout(rate: settings.dropout) }
            }
            Dense(head.outputUnits, activation: head.outputActivation)
        }
        model.compile(optimizer: optimizer, loss: head.loss, metrics: head.metrics,
                      regularization: settings.l1 > 0 || settings.l2 > 0 ? try Regularization(l1: settings.l1, l2: settings.l2) : nil)
        model.eval()
        self.id = id
        self.generation = generation
        self.head = head
        self.features = features
        self.settings = settings
        (train, test, allInputs, pictures, data) = Self.load(settings, head: head, features: features)
    }

    /// The data `settings` describe, split, as inputs and targets, with the pictures over its square.
    private static func load(_ settings: PlaygroundSettings, head: PlaygroundHead, features: [InputFeature])
        -> ((x: Tensor<Float>, y: Tensor<Float>), (x: Tensor<Float>, y: Tensor<Float>), Tensor<Float>, NetworkPictures, PlaygroundData) {
        let dataset = PlaygroundDataset(rawValue: settings.dataset)!
        let (points, targets) = dataset.generate(settings)
        let rows = Array(0..<points.shape[0])
        let trainRows = rows.filter(settings.isTraining), testRows = rows.filter { !settings.isTraining($0) }
        let domain = dataset == .own ? PlotDomain(squareAround: points) : PlotDomain(covering: points)
        let pictures = NetworkPictures(domain: domain, features: features)
        func split(_ rows: [Int]) -> (points: Tensor<Float>, x: Tensor<Float>, y: Tensor<Float>, triples: [[Float]]) {
            let xy = points.scalars, values = targets.scalars
            let selected = Tensor(shape: [rows.count, 2], scalars: rows.flatMap { [xy[2 * $0], xy[2 * $0 + 1]] })
            let chosen = Tensor(shape: [rows.count], scalars: rows.map { values[$0] })
            return (selected, InputFeature.inputs(selected, features), head.targets(chosen),
                    rows.map { [xy[2 * $0], xy[2 * $0 + 1], values[$0]] })
        }
        let trainSet = split(trainRows), testSet = split(testRows)
        let data = PlaygroundData(domain: domain, train: trainSet.triples, test: testSet.triples, regression: dataset.isRegression)
        return ((trainSet.x, trainSet.y), (testSet.x, testSet.y), InputFeature.inputs(split(trainRows + testRows).points, features),
                pictures, data)
    }

    /// Replaces the data by the reader's own `points` (`[x, y, class]`), keeping the network, its
    /// optimiser state, the epoch and the curves, so that training goes on with the edited set.
    /// - Throws: ``PlaygroundError/badRequest(_:)`` for bad points, or when the network is a regression's.
    func replaceOwnPoints(_ points: [[Double]]) throws {
        if case .regression = head {
            throw PlaygroundError.badRequest("own points have classes: choose a classification data set before adding points")
        }
        var edited = settings
        edited.dataset = PlaygroundDataset.own.rawValue
        edited.ownPoints = points
        try edited.validate()
        (train, test, allInputs, pictures, data) = Self.load(edited, head: head, features: features)
        settings = edited
    }

    /// Trains one more epoch (shuffled from the seed and the epoch number, so a run is reproducible).
    /// - Throws: ``TrainingError/nonFiniteLoss(epoch:batch:)`` when the loss diverges,
    ///   ``PlaygroundError/badRequest(_:)`` when there is no training point.
    func trainEpoch() throws {
        guard train.x.shape[0] > 0 else {
            throw PlaygroundError.badRequest("there are no training points: click on the plot to add some")
        }
        try model.fit(train.x, train.y, epochs: epoch + 1, batchSize: settings.batchSize, callbacks: [TerminateOnNaN()],
                      verbose: .silent, seed: settings.seed, initialEpoch: epoch)
        epoch += 1
    }

    /// Evaluates the network on both sets, records the losses on the curves and draws the pictures.
    func status() throws -> SessionStatus {
        func logs(_ set: (x: Tensor<Float>, y: Tensor<Float>)) throws -> Logs {
            set.x.shape[0] == 0 ? Logs() : try model.evaluate(set.x, set.y)
        }
        let trainLogs = try logs(train), testLogs = try logs(test)
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        curves.append(epoch: epoch, train: finite(trainLogs["loss"]), test: finite(testLogs["loss"]))
        return SessionStatus(id: id, generation: generation, epoch: epoch,
                             trainLoss: finite(trainLogs["loss"]), testLoss: finite(testLogs["loss"]),
                             trainAccuracy: finite(trainLogs["accuracy"]), testAccuracy: finite(testLogs["accuracy"]),
                             curves: curves, boundary: try pictures.boundary(of: model, head: head),
                             boundarySize: NetworkPictures.boundarySize, neurons: pictures.neurons(of: model),
                             neuronSize: NetworkPictures.neuronSize, weights: LayerWeights.of(model),
                             hiddenSpace: pictures.hiddenSpace(of: model, points: allInputs))
    }
}
