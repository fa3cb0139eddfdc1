import Foundation

/// What a training checkpoint adds to a model: the optimiser (hyper-parameters, step count and
/// slots), the number of epochs done, the shuffling seed and, when training was interrupted within
/// an epoch, how far that epoch got — so `fit` can resume exactly.
public struct TrainingCheckpoint {
    /// The optimiser, with its hyper-parameters, step count and slots (moments, velocities).
    public var optimizer: Optimizer
    /// Epochs completed (the next `fit` starts with `initialEpoch: epoch`).
    public var epoch: Int
    /// The seed `fit` shuffles with.
    public var seed: UInt64
    /// The interrupted epoch's progress (its `epoch` equals ``epoch``); pass it to `fit(…, progress:)`.
    public var progress: EpochProgress?

    /// Collects the training state to save with ``ModelFile/save(_:to:training:)``.
    ///
    /// - Parameters:
    ///   - optimizer: the optimiser being trained with.
    ///   - epoch: the number of epochs completed.
    ///   - seed: the seed `fit` shuffles with.
    ///   - progress: how far an interrupted epoch got, or `nil` between epochs.
    public init(optimizer: Optimizer, epoch: Int, seed: UInt64, progress: EpochProgress? = nil) {
        self.optimizer = optimizer
        self.epoch = epoch
        self.seed = seed
        self.progress = progress
    }
}

/// Axone's model file (SPEC §10): one safetensors file, readable by any safetensors loader, holding
/// the parameters and buffers under their dotted names (`layers.0.weight`, `layers.1.runningMean`)
/// and, in `__metadata__`, `axone.version`, `axone.layout` and `axone.architecture` (JSON). A
/// training checkpoint adds the optimiser slots as tensors `optimizer.<parameter>.<slot>` and, in
/// metadata, `axone.optimizer` (JSON), `axone.epoch`, `axone.seed`, `axone.rng` (the generators
/// of dropout-like layers) and, for an interrupted epoch, `axone.progress` (JSON). Files are
/// written atomically.
public enum ModelFile {
    /// The format version written in `axone.version`.
    public static let version = "1"
    /// The `axone.layout` note: Axone stores Dense weights as `[in, out]`.
    public static let layout = "Dense weight [in, out] (Z = A·W + b); PyTorch Linear stores [out, in]"

    /// Writes `model` (and, for a checkpoint, its training state) to `path`.
    public static func save<Scalar: TensorScalar>(_ model: Model<Scalar>, to path: String,
                                                  training: TrainingCheckpoint? = nil) throws {
        var metadata = ["axone.version": version, "axone.layout": layout,
                        "axone.architecture": try model.architectureJSON()]
        var tensors = model.namedParameters().map { ($0.name, $0.variable.value) }
            + model.namedBuffers().map { ($0.name, $0.buffer.value) }
        let generators = model.generatorStates()
        if !generators.isEmpty {
            metadata["axone.rng"] = try json(generators.mapValues { g in [g.state.0, g.state.1, g.state.2, g.state.3].map(String.init) })
        }
        if let training {
            metadata["axone.optimizer"] = try json(OptimizerSpecification(training.optimizer))
            metadata["axone.epoch"] = String(training.epoch)
            metadata["axone.seed"] = String(training.seed)
            if let progress = training.progress { metadata["axone.progress"] = try json(progress) }
            tensors += training.optimizer.stateTensors(Scalar.self).map { ("optimizer.\($0.name)", $0.tensor) }
        }
        try SafeTensors.write(tensors.map { (name: $0.0, tensor: $0.1) }, metadata: metadata, to: path)
    }

    /// Reads a model (and its training state when the file is a checkpoint) from `path`.
    public static func load<Scalar: TensorScalar>(from path: String, as _: Scalar.Type = Scalar.self) throws
        -> (model: Model<Scalar>, training: TrainingCheckpoint?) {
        let file: SafeTensors
        do { file = try SafeTensors(contentsOf: path) } catch let error as SafeTensorsError {
            throw ModelFileError.corrupt(path: path, reason: error.description)
        }
        func metadata(_ key: String) throws -> String {
            guard let value = file.metadata[key] else { throw ModelFileError.missingMetadata(path: path, key: key) }
            return value
        }
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            do { return try JSONDecoder().decode(type, from: Data(metadata(key).utf8)) } catch let error as DecodingError {
                throw ModelFileError.invalidMetadata(path: path, key: key, reason: "\(error)")
            }
        }
        let model = try Model<Scalar>.make(architectureJSON: metadata("axone.architecture"))
        var state: [String: Tensor<Scalar>] = [:]
        for name in file.names where !name.hasPrefix("optimizer.") { state[name] = try file.tensor(named: name, as: Scalar.self) }
        try model.loadState(state, source: path)
        if file.metadata["axone.rng"] != nil {
            var generators: [String: SeededGenerator] = [:]
            for (name, words) in try decode([String: [String]].self, "axone.rng") {
                let values = words.compactMap(UInt64.init)
                guard values.count == 4 else {
                    throw ModelFileError.invalidMetadata(path: path, key: "axone.rng", reason: "\(name) needs 4 unsigned integers")
                }
                var generator = SeededGenerator(seed: 0)
                generator.state = (values[0], values[1], values[2], values[3])
                generators[name] = generator
            }
            model.restoreGenerators(generators)
        }
        guard file.metadata["axone.optimizer"] != nil else { return (model, nil) }
        let optimizer = try decode(OptimizerSpecification.self, "axone.optimizer").makeOptimizer()
        let prefix = "optimizer."
        var slots: [String: Tensor<Scalar>] = [:]
        for name in file.names where name.hasPrefix(prefix) {
            slots[String(name.dropFirst(prefix.count))] = try file.tensor(named: name, as: Scalar.self)
        }
        try optimizer.restoreState(slots, iterations: optimizer.iterations)
        guard let epoch = Int(try metadata("axone.epoch")), epoch >= 0, let seed = UInt64(try metadata("axone.seed")) else {
            throw ModelFileError.invalidMetadata(path: path, key: "axone.epoch/axone.seed", reason: "not a non-negative integer")
        }
        let progress = file.metadata["axone.progress"] == nil ? nil : try decode(EpochProgress.self, "axone.progress")
        if let progress, progress.epoch != epoch || progress.step < 0 {
            throw ModelFileError.invalidMetadata(path: path, key: "axone.progress",
                                                 reason: "epoch \(progress.epoch), step \(progress.step) do not continue epoch \(epoch)")
        }
        return (model, TrainingCheckpoint(optimizer: optimizer, epoch: epoch, seed: seed, progress: progress))
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
