import Foundation

/// Géron's transfer-learning experiment on Fashion-MNIST (seed 002:426-510), with a dense or a
/// convolutional base.
///
/// Model A learns the 8 classes other than sandal (5) and shirt (6). Model B learns sandal vs shirt
/// from 200 training images, once from scratch and once reusing A: A is cloned, its top (the
/// layers after the reused base) replaced by a new one, the reused layers frozen for a few epochs,
/// then unfrozen and fine-tuned, usually at a lower learning rate (seed 002's recipe). Accuracies
/// are on the test images of each task.
///
/// ```swift
/// let tasks = try TransferExperiment.Tasks(train: FashionMNIST.load(split: .train), test: FashionMNIST.load(split: .test))
/// let outcome = try TransferExperiment.run(.cnn, tasks: tasks, settings: .init(), seed: 0)
/// print(outcome.scratch, outcome.transfer)
/// ```
public enum TransferExperiment {
    /// The network whose layers are reused.
    public enum Base: String, Sendable, CaseIterable {
        /// 784-300-100-50-50-50 (ReLU, Glorot-uniform), Géron's network; the whole body is reused and
        /// only the output layer replaced.
        case mlp
        /// The 2-conv network on 28×28×1 images: Conv 32 3×3 → max-pool → Conv 64 3×3 →
        /// max-pool → Flatten is the reused convolutional base; the top, Dense 128 (ReLU) then the
        /// output, is replaced by Dense 64 (ReLU) then the output (seed 002 puts Dense layers on
        /// VGG16's base the same way).
        case cnn

        /// The reused layers, new.
        func body() -> [Layer<Float>] {
            switch self {
            case .mlp:
                [Dense(300, activation: .relu), Dense(100, activation: .relu), Dense(50, activation: .relu),
                 Dense(50, activation: .relu), Dense(50, activation: .relu)]
            case .cnn:
                [Reshape(targetShape: [28, 28, 1]), Conv2D(filters: 32, kernelSize: 3, activation: .relu), MaxPooling2D(),
                 Conv2D(filters: 64, kernelSize: 3, activation: .relu), MaxPooling2D(), Flatten()]
            }
        }

        /// The layers after the body, new: model A's (8 classes, logits) or model B's (one sigmoid).
        func top(classes: Int) -> [Layer<Float>] {
            let output = classes == 1 ? Dense<Float>(1, activation: .sigmoid) : Dense<Float>(classes)
            switch self {
            case .mlp: return [output]
            case .cnn: return [Dense(classes == 1 ? 64 : 128, activation: .relu), output]
            }
        }

        /// The number of layers of the reused base, `body()`.
        public var reusedLayerCount: Int { body().count }
    }

    /// The images of the two tasks.
    public struct Tasks: Sendable {
        /// Task A: the 8 classes other than sandal and shirt, relabelled 0..<8.
        public let trainA: LabeledImages, testA: LabeledImages
        /// Task B: sandal (0) vs shirt (1); the training set is the first `imagesB` such images.
        public let trainB: LabeledImages, testB: LabeledImages

        /// Splits Fashion-MNIST's training and test sets into the two tasks.
        /// - Throws: ``DataError`` when the images are not Fashion-MNIST's 10 classes or fewer than
        ///   `imagesB` sandals and shirts are available.
        public init(train: LabeledImages, test: LabeledImages, imagesB: Int = 200) throws {
            let otherClasses = [0, 1, 2, 3, 4, 7, 8, 9]
            trainA = try train.relabelled(keeping: otherClasses)
            testA = try test.relabelled(keeping: otherClasses)
            let sandalsAndShirts = try train.relabelled(keeping: [5, 6])
            guard imagesB >= 1 && imagesB <= sandalsAndShirts.count else {
                throw DataError.invalidArgument(name: "imagesB", expected: "1...\(sandalsAndShirts.count) (the sandals and shirts available)",
                                                received: "\(imagesB)")
            }
            trainB = sandalsAndShirts.subset(0..<imagesB)
            testB = try test.relabelled(keeping: [5, 6])
        }
    }

    /// Epochs and learning rates (Adam throughout).
    public struct Settings: Sendable {
        /// Epochs of model A (batch 128, learning rate 1e-3).
        public var epochsA = 5
        /// Epochs of B with the reused layers frozen.
        public var frozenEpochs = 4
        /// Epochs of B after unfreezing; B from scratch trains frozen + fine-tuning epochs.
        public var fineTuneEpochs = 16
        /// The learning rate of the frozen phase and of B from scratch.
        public var learningRate = 1e-3
        /// The learning rate of fine-tuning.
        public var fineTuneLearningRate = 1e-3
        /// The batch size of model B.
        public var batchSizeB = 32

        /// The default settings.
        public init() {}
    }

    /// The test accuracies of one seed.
    public struct Outcome: Sendable {
        /// The seed of both models' weights and shuffling.
        public var seed: UInt64
        /// Model A on task A's test images.
        public var accuracyA: Double
        /// Model B trained from scratch.
        public var scratch: Double
        /// Model B reusing A's layers.
        public var transfer: Double
    }

    /// The network of `base` with the top for `classes` outputs (1: a sigmoid), weights from `seed`.
    public static func network(_ base: Base, classes: Int, seed: UInt64) throws -> Sequential<Float> {
        try Sequential<Float>(base.body() + base.top(classes: classes), inputShape: [784], seed: seed)
    }

    /// Model B reusing model A: a clone of A's first ``Base/reusedLayerCount`` layers, frozen,
    /// then a new top for one sigmoid output (weights from `seed`). A itself is left untouched.
    public static func reusing(_ modelA: Sequential<Float>, base: Base, seed: UInt64) throws -> Sequential<Float> {
        let reused = try modelA.clone().layers.prefix(base.reusedLayerCount)
        for layer in reused { layer.isTrainable = false }
        return try Sequential<Float>(Array(reused) + base.top(classes: 1), inputShape: modelA.inputShape, seed: seed)
    }

    /// Trains A, B from scratch and B with transfer for one seed, and tests them.
    public static func run(_ base: Base, tasks: Tasks, settings: Settings, seed: UInt64) throws -> Outcome {
        let modelA = try network(base, classes: 8, seed: seed)
        modelA.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        try modelA.fit(tasks.trainA, epochs: settings.epochsA, batchSize: 128, verbose: .progressBarOnly, seed: seed)

        // Epochs `range` of model B at `learningRate` (Adam, binary cross-entropy on the sigmoid).
        func trainB(_ model: Sequential<Float>, learningRate: Double, epochs range: Range<Int>) throws {
            model.compile(optimizer: Adam(learningRate: learningRate), loss: .binaryCrossEntropy(), metrics: [.accuracy])
            try model.fit(tasks.trainB, epochs: range.upperBound, batchSize: settings.batchSizeB, verbose: .progressBarOnly, seed: seed,
                          initialEpoch: range.lowerBound)
        }
        let frozen = 0..<settings.frozenEpochs, fineTuning = settings.frozenEpochs..<(settings.frozenEpochs + settings.fineTuneEpochs)
        let scratch = try network(base, classes: 1, seed: seed &+ 100)
        try trainB(scratch, learningRate: settings.learningRate, epochs: 0..<fineTuning.upperBound)

        let modelB = try reusing(modelA, base: base, seed: seed &+ 200)
        try trainB(modelB, learningRate: settings.learningRate, epochs: frozen)
        for layer in modelB.layers { layer.isTrainable = true }
        try trainB(modelB, learningRate: settings.fineTuneLearningRate, epochs: fineTuning)

        func accuracy(_ model: Sequential<Float>, _ images: LabeledImages) throws -> Double {
            guard let value = try model.evaluate(images)["accuracy"] else { throw TrainingError.notCompiled }
            return value
        }
        return Outcome(seed: seed, accuracyA: try accuracy(modelA, tasks.testA), scratch: try accuracy(scratch, tasks.testB),
                       transfer: try accuracy(modelB, tasks.testB))
    }

    /// One seed's line of `axone experiment transfer`: `seed 0: A (8 classes) 90.12 % | B from scratch …`.
    public static func line(_ outcome: Outcome) -> String {
        "seed \(outcome.seed): " + String(format: "A (8 classes) %.2f %% | B from scratch %.2f %% | B with transfer %.2f %%",
                                         outcome.accuracyA * 100, outcome.scratch * 100, outcome.transfer * 100)
    }

    /// The last line of `axone experiment transfer`: the means over the seeds and how often transfer won.
    public static func meanLine(_ outcomes: [Outcome], base: Base) -> String {
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(Swift.max(values.count, 1)) * 100 }
        return "mean over \(outcomes.count) seeds (\(base.rawValue) base): "
            + String(format: "B from scratch %.2f %%, B with transfer %.2f %% (transfer better in %d/%d)",
                     mean(outcomes.map(\.scratch)), mean(outcomes.map(\.transfer)),
                     outcomes.filter { $0.transfer > $0.scratch }.count, outcomes.count)
    }
}
