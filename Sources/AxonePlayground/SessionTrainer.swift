import Axone

/// The points of a session as the page draws them: `[x, y, label]` triples and the plotted square.
struct PlaygroundData: Encodable, Sendable {
    let domain: PlotDomain
    let train: [[Float]]
    let test: [[Float]]

    init(domain: PlotDomain, train: (x: Tensor<Float>, labels: Tensor<Float>), test: (x: Tensor<Float>, labels: Tensor<Float>)) {
        func triples(_ x: Tensor<Float>, _ labels: Tensor<Float>) -> [[Float]] {
            let xy = x.scalars
            return labels.scalars.enumerated().map { [xy[2 * $0.offset], xy[2 * $0.offset + 1], $0.element] }
        }
        self.domain = domain
        self.train = triples(train.x, train.labels)
        self.test = triples(test.x, test.labels)
    }
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
    /// Losses and accuracies over the whole training and test sets (left out when not a number).
    let trainLoss: Double?, testLoss: Double?, trainAccuracy: Double?, testAccuracy: Double?
    let curves: LossCurves
    /// ``NetworkPictures/boundary(of:objective:)``, `boundarySize` cells per side.
    let boundary: [UInt8]
    let boundarySize: Int
    /// ``NetworkPictures/neurons(of:)``, `neuronSize` cells per side: `[layer][unit][cell]`.
    let neurons: [[[Int8]]]
    let neuronSize: Int
    /// Why training stopped by itself (a loss that became NaN); left out when it did not.
    var error: String?
}

/// One session's data and network, trained an epoch at a time. Not thread-safe: its
/// ``PlaygroundSession`` serialises every use.
final class SessionTrainer {
    let id: String
    let settings: PlaygroundSettings
    let generation: Int
    let data: PlaygroundData
    private(set) var epoch = 0
    private let model: Sequential<Float>
    private let objective: PlaygroundObjective
    private let train: (x: Tensor<Float>, y: Tensor<Float>)
    private let test: (x: Tensor<Float>, y: Tensor<Float>)
    private let pictures: NetworkPictures
    private var curves = LossCurves()

    /// Generates the data and builds the network `settings` describe, with weights from its seed.
    /// - Throws: ``PlaygroundError/badRequest(_:)`` for settings out of range.
    init(id: String, settings: PlaygroundSettings, generation: Int) throws {
        try settings.validate()
        // validate() checked the names, so these lookups succeed.
        let dataset = Synthetic2D(rawValue: settings.dataset)!
        let objective = PlaygroundObjective(rawValue: settings.loss)!
        let optimizer = PlaygroundOptimizer(rawValue: settings.optimizer)!.make(learningRate: settings.learningRate)
        let activation = try Activation(name: settings.activation)
        let (points, labels): (Tensor<Float>, Tensor<Float>) = dataset.generate(count: settings.points, noise: settings.noise,
                                                                                seed: settings.seed)
        let n = settings.trainCount, all = settings.points
        let trainLabels = labels.rows(0..<n), testLabels = labels.rows(n..<all)
        model = try Sequential<Float>(inputShape: [2], seed: settings.seed) {
            for _ in 0..<settings.hiddenLayers {
                Dense(settings.units, activation: activation)
                if settings.dropout > 0 { try Dropout(rate: settings.dropout) }
            }
            Dense(2, activation: objective.outputActivation)
        }
        model.compile(optimizer: optimizer, loss: objective.loss, metrics: [.accuracy],
                      regularization: settings.l2 > 0 ? try Regularization(l2: settings.l2) : nil)
        model.eval()
        self.id = id
        self.settings = settings
        self.generation = generation
        self.objective = objective
        train = (points.rows(0..<n), objective.targets(trainLabels))
        test = (points.rows(n..<all), objective.targets(testLabels))
        pictures = NetworkPictures(covering: points)
        data = PlaygroundData(domain: pictures.domain, train: (train.x, trainLabels), test: (test.x, testLabels))
    }

    /// Trains one more epoch (shuffled from the seed and the epoch number, so a run is reproducible).
    /// - Throws: ``TrainingError/nonFiniteLoss(epoch:batch:)`` when the loss diverges.
    func trainEpoch() throws {
        try model.fit(train.x, train.y, epochs: epoch + 1, batchSize: settings.batchSize, callbacks: [TerminateOnNaN()],
                      verbose: .silent, seed: settings.seed, initialEpoch: epoch)
        epoch += 1
    }

    /// Evaluates the network on both sets, records the losses on the curves and draws the pictures.
    func status() throws -> SessionStatus {
        let trainLogs = try model.evaluate(train.x, train.y), testLogs = try model.evaluate(test.x, test.y)
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        curves.append(epoch: epoch, train: finite(trainLogs["loss"]), test: finite(testLogs["loss"]))
        return SessionStatus(id: id, generation: generation, epoch: epoch,
                             trainLoss: finite(trainLogs["loss"]), testLoss: finite(testLogs["loss"]),
                             trainAccuracy: finite(trainLogs["accuracy"]), testAccuracy: finite(testLogs["accuracy"]),
                             curves: curves, boundary: try pictures.boundary(of: model, objective: objective),
                             boundarySize: NetworkPictures.boundarySize, neurons: pictures.neurons(of: model),
                             neuronSize: NetworkPictures.neuronSize)
    }
}
