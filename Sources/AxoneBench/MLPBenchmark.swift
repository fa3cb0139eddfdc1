import ArgumentParser
import Axone
import Foundation

/// The peers' benchmark task (shared/peers): Fashion-MNIST, MLP 784-256-128-10 ReLU, softmax
/// cross-entropy, Adam 1e-3, reshuffled every epoch; epoch time = median of epochs 2…N.
struct MLPBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlp", abstract: "Train the peers' Fashion-MNIST MLP and print the peers' RESULT columns.",
        discussion: """
            --distributed trains data-parallel over the processes of an mpirun job (--batch is the global batch)
            and adds two lines on the all-reduce of a step's gradients, ALLREDUCE,when,processes,calls,bytes_per_call,
            ms_per_call,GB_per_s (the bytes each process contributes per call / seconds per call): during training
            (waiting for the slower process included), then alone (50 calls back to back after training).
            """)

    @Option(help: "Threads.") var threads = 2
    @Option(help: "Epochs (the median skips the first).") var epochs = 10
    @Option(help: "Batch size.") var batch = 128
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Weight initialiser (Keras name).") var initializer = "glorot_uniform"
    @Option(help: "Fashion-MNIST directory.") var dataDirectory = FashionMNIST.defaultDirectory
    @OptionGroup var cluster: DistributedOptions
    @Option(help: "Heads on the 784-256-128 trunk: 1 (the peers' MLP) or 2 (seed 000's multi-task graph: classes and groups).")
    var heads = 1
    @Flag(help: "After each epoch, print its training steps' time by phase (TrainingProfiler), to set beside `AxoneBench gemm`'s floor by phase.")
    var profile = false
    @Flag(help: "Before each epoch, time one epoch of the step's GEMMs as Axone runs them (EpochFloor), and print the epochs against it.")
    var floor = false

    func validate() throws {
        guard heads == 1 || heads == 2 else { throw ValidationError("--heads must be 1 or 2") }
        guard heads == 1 || !cluster.distributed else { throw ValidationError("--heads 2 does not run --distributed") }
        guard !floor || (heads == 1 && !cluster.distributed) else {
            throw ValidationError("--floor times the one-head MLP's products on one process: it takes neither --heads 2 nor --distributed")
        }
    }

    func run() throws {
        let job = cluster.distributed ? try DistributedBenchmark(cluster) : nil
        let prints = job?.prints ?? true
        if prints { printInvocation() }
        Parallelism.setThreadCount(threads)
        let train = try FashionMNIST.load(directory: dataDirectory, split: .train)
        let test = try FashionMNIST.load(directory: dataDirectory, split: .test)
        let model = try makeModel()
        job?.synchronize(model)
        let epochFloor = floor ? EpochFloor(examples: train.count, batch: batch) : nil
        let epochSeconds = heads == 1
            ? try timedFit(model, on: train, epochs: epochs, batchSize: batch, seed: seed, prints: prints, profiles: profile, floor: epochFloor)
            : try timedFit(model, on: try MultiTensorDataset(inputs: [train.allImages()], targets: try Self.multiTaskTargets(train)),
                           epochs: epochs, batchSize: batch, seed: seed, prints: prints, profiles: profile)
        if let job {
            job.reportAllReduce(of: model, steps: epochs * ((train.count + batch - 1) / batch))
            guard prints else { return }
        }
        let images = test.allImages()
        let (accuracy, inference) = timedInference(model, images: images, labels: test.labels)
        printPredictLatency(model, images: images)
        if let epochFloor {
            let (ratio, floorSeconds) = (epochFloor.medianRatio(epochSeconds: epochSeconds), medianEpoch(epochFloor.measurements))
            print(String(format: "GEMM floor in this run: %.3f s per epoch (median); the epochs ×%.2f their floors "
                         + "(median over epochs 2…N, each against the floor timed just before it)", floorSeconds, ratio))
            print("epoch_over_floor,median_floor_s")
            print(String(format: "FLOOR,%.4f,%.4f", ratio, floorSeconds))
        }
        printResult(name: heads == 1 ? "axone" : "axone_2heads", threads: threads, medianEpoch: medianEpoch(epochSeconds), trainCount: train.count, accuracy: accuracy,
                    inferenceSeconds: inference, testCount: test.count)
    }
}

extension MLPBenchmark {
    /// The peers' MLP, or with `--heads 2` the same trunk with seed 000's two heads (the 10 classes
    /// and the 4 groups of ``FashionMNIST/groupOfClass``), each with its cross-entropy.
    func makeModel() throws -> Model<Float> {
        guard heads == 2 else {
            var architecture = try Architecture(preset: "mlp:784-256-128-10")
            for i in architecture.layers.indices { architecture.layers[i].kernelInitializer = initializer }
            let model = try Sequential<Float>(architecture: architecture, seed: seed)
            model.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
            return model
        }
        let model = try MultiTaskExperiment.model(.multiTask, trunk: [256, 128], seed: seed)
        let names = MultiTaskExperiment.Task.allCases.map(\.rawValue)
        try model.compile(optimizer: Adam(learningRate: 1e-3),
                          losses: Dictionary(uniqueKeysWithValues: names.map { ($0, Loss.categoricalCrossEntropy()) }),
                          metrics: Dictionary(uniqueKeysWithValues: names.map { ($0, [Metric.accuracy]) }))
        return model
    }

    /// Each head's labels for `images`.
    static func multiTaskTargets(_ images: LabeledImages) throws -> [Tensor<Float>] {
        try MultiTaskExperiment.Task.allCases.map { task in
            Tensor(shape: [images.count], scalars: try task.labels(fromClasses: images.labels).map(Float.init))
        }
    }
}
