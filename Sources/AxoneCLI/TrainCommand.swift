import ArgumentParser
import Axone
import AxoneDistributed
import Foundation

/// `axone train`: trains a model on a data set and writes the model and its history.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model and write it (safetensors) with its history (CSV).",
        discussion: """
            Examples:
              axone train --model mlp:784-256-128-10 --dataset fashion-mnist --epochs 10 --output fmnist.safetensors
              axone train --model arch.json --csv train.csv --label-column species --optimizer sgd --learning-rate 0.1
              axone train --model fmnist.safetensors --dataset fashion-mnist --epochs 20 --resume
              axone train --model mlp:784-256-128-10 --dataset fashion-mnist --tensorboard runs/mlp   # then: tensorboard --logdir runs

            The full checkpoint (weights, optimizer state, epoch) is written to --output (or --checkpoint)
            after every epoch (--checkpoint-every); Ctrl-C or SIGTERM stops after the current step, writes
            it to --output and exits with 130 or 143. Resume with --model <output> --resume and the same
            options.

            --distributed trains data-parallel over the processes of an Open MPI job, each taking its share
            of every batch of --batch-size examples; process 0 writes the files and prints:
              mpirun -np 4 --hostfile hosts axone train --distributed --model mlp:784-256-128-10 --dataset fashion-mnist
            """)

    @OptionGroup var model: ModelOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Loss: \(Loss.names.joined(separator: ", ")); binary_crossentropy reads probabilities (a sigmoid output), binary_crossentropy(from_logits=true) the linear output of an mlp preset.") var loss = "categorical_crossentropy"
    @Option(help: "Optimizer: \(OptimizerChoice.allCases.map(\.rawValue).joined(separator: ", ")).") var optimizer = OptimizerChoice.adam
    @Option(parsing: .unconditional, help: "Learning rate (default: the optimizer's PyTorch default).") var learningRate: Double?
    @Option(parsing: .unconditional, help: "Momentum for sgd/momentum/nesterov.") var momentum = 0.9
    @Option(parsing: .unconditional, help: "Coupled weight decay (L2 through the optimizer, PyTorch style; decoupled for adamw).") var weightDecay = 0.0
    @Option(parsing: .unconditional, help: "L1 penalty on weights (not biases).") var l1 = 0.0
    @Option(parsing: .unconditional, help: "L2 penalty α·Σw² on weights (not biases).") var l2 = 0.0
    @Option(parsing: .unconditional, help: "Max-norm constraint on each unit's incoming weights.") var maxNorm: Double?
    @Option(help: "Metrics, comma-separated: \(Metric.names.joined(separator: ", ")).") var metrics = "accuracy"
    @Option(parsing: .unconditional, help: "Examples per mini-batch.") var batchSize = 128
    @Option(parsing: .unconditional, help: "Epochs to train (in total, when resuming).") var epochs = 10
    @Option(parsing: .unconditional, help: "Fraction of the training data held out for validation (the last examples).") var validationSplit = 0.0
    @Option(parsing: .unconditional, help: "Stop when val_loss has not improved for this many epochs (restoring the best weights).") var earlyStopping: Int?
    @Option(parsing: .unconditional, help: "Halve the learning rate when val_loss has not improved for this many epochs.") var reduceLRPatience: Int?
    @Option(parsing: .unconditional, help: "Seed of the weights, shuffling and dropout.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Threads (the results are the same bits at any count).") var threads = 2
    @Option(parsing: .unconditional, help: "0 silent, 1 progress bar (one line per epoch when not a terminal), 2 one line per epoch.") var verbose = 1
    @Option(help: "Where to write the trained model.") var output = "model.safetensors"
    @Option(parsing: .unconditional, help: "Write the training checkpoint every N epochs (0: only at the end).") var checkpointEvery = 1
    @Option(name: .customLong("checkpoint"), help: "Where to write the checkpoint each time (default: --output); {epoch} or {epoch:02d} is replaced by the epoch.")
    var checkpointPath: String?
    @Option(help: "Where to write the history CSV (Keras CSVLogger layout).") var history = "history.csv"
    @Option(help: "Write TensorBoard event files here: per-batch and per-epoch losses, metrics and learning rate, weight and (for a Sequential model) activation histograms every epoch; view with tensorboard --logdir DIR.")
    var tensorboard: String?
    @Flag(name: .customLong("terminate-on-nan"), help: "Stop with an error (exit status 1) when a batch loss becomes NaN or infinite.")
    var terminateOnNaN = false
    @Flag(help: "Continue a training checkpoint given as --model (optimizer state and epoch restored).") var resume = false
    @Flag(help: "Train data-parallel with the other processes of an mpirun job (Open MPI); process 0 writes the files.")
    var distributed = false
    @Flag(help: "Train on the eager tape instead of the compiled executor (Keras' run_eagerly), e.g. to compare the two.")
    var runEagerly = false

    func validate() throws {
        try learningRate.map { try OptionError.requirePositive($0, "learning-rate") }
        try OptionError.require(batchSize, "batch-size", atLeast: 1)
        try OptionError.require(epochs, "epochs", atLeast: 1)
        try OptionError.require(validationSplit, "validation-split", "in [0, 1)") { (0..<1).contains($0) }
        try earlyStopping.map { try OptionError.require($0, "early-stopping", atLeast: 0) }
        try reduceLRPatience.map { try OptionError.require($0, "reduce-lr-patience", atLeast: 0) }
        try OptionError.requireThreads(threads)
        try OptionError.require(verbose, "verbose", "0, 1 or 2") { (0...2).contains($0) }
        try OptionError.require(checkpointEvery, "checkpoint-every", atLeast: 0)
    }

    func run() throws {
        Parallelism.setThreadCount(threads)
        let communicator = distributed ? try MPICommunicator() : nil
        let writes = communicator?.writesFiles ?? true
        let loss = try Loss(name: loss)
        let metrics = try self.metrics.split(separator: ",").map { try Metric(name: String($0)) }
        let train = try data.load(split: .train, classification: loss.acceptsClassIndices)
        let test = data.dataset != nil ? try data.load(split: .test, classification: loss.acceptsClassIndices) : nil

        let checkpoint = resume ? try ModelFile.load(from: model.model, as: Float.self) : nil
        if resume && checkpoint?.training == nil {
            throw ValidationError("--resume needs a training checkpoint written by axone train; \(model.model) holds weights only")
        }
        let network = try checkpoint?.model ?? model.make(seed: seed)
        let optimizer = try checkpoint?.training?.optimizer ?? self.optimizer.make(
            learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        network.compile(optimizer: optimizer, loss: loss, metrics: metrics,
                        regularization: l1 != 0 || l2 != 0 ? try Regularization(l1: l1, l2: l2) : nil,
                        maxNorm: try maxNorm.map(MaxNormConstraint.init(maxNorm:)))
        network.gradientSynchronizer = communicator
        network.usesCompiledPasses = !runEagerly
        if verbose > 0 && writes { print(network.summary()) }

        var callbacks: [Callback<Float>] = writes ? [CSVLogger(path: history, append: resume)] : []
        if checkpointEvery > 0 && writes { callbacks.append(try ModelCheckpoint(path: checkpointPath ?? output, period: checkpointEvery)) }
        let monitored = test != nil || validationSplit > 0 ? "val_loss" : "loss"
        if let earlyStopping { callbacks.append(EarlyStopping(monitor: monitored, patience: earlyStopping, restoreBestWeights: true)) }
        if terminateOnNaN { callbacks.append(TerminateOnNaN()) }
        if let tensorboard, writes {
            // The activations are measured on the first 64 training examples.
            let probe = network is Sequential<Float> ? train.batch(Array(0..<min(64, train.count))[...]).features : nil
            callbacks.append(TensorBoard(logDirectory: tensorboard, activationInput: probe))
        }
        if let reduceLRPatience { callbacks.append(ReduceLROnPlateau(monitor: monitored, patience: reduceLRPatience)) }
        let start = checkpoint?.training?.epoch ?? 0, trainingSeed = checkpoint?.training?.seed ?? seed
        // `requestInterruption` only sets an atomic flag, so calling it from the signal queue is safe.
        nonisolated(unsafe) let interruptible = network
        let signals = InterruptSignals { interruptible.requestInterruption() }
        let record: History
        do {
            record = try network.fit(train, epochs: epochs, batchSize: batchSize, validationSplit: test == nil ? validationSplit : 0,
                                     validationData: test, callbacks: callbacks,
                                     verbose: Verbosity(rawValue: verbose) ?? .progressBar, seed: trainingSeed,
                                     initialEpoch: start, progress: checkpoint?.training?.progress)
        } catch TrainingError.interrupted(let progress) {
            guard writes else { throw ExitCode(signals.exitStatus ?? 130) }
            try ModelFile.save(network, to: output, training: TrainingCheckpoint(
                optimizer: optimizer, epoch: progress.epoch, seed: trainingSeed, progress: progress))
            FileHandle.standardError.write(Data("""
                Interrupted by \(InterruptSignals.name(signals.receivedSignal ?? SIGINT)) after step \(progress.step) of epoch \(progress.epoch + 1): \
                wrote the checkpoint \(output); continue with --model \(output) --resume and the same options.\n
                """.utf8))
            throw ExitCode(signals.exitStatus ?? 130)
        }
        if writes {
            try ModelFile.save(network, to: output, training: TrainingCheckpoint(
                optimizer: optimizer, epoch: start + record.epochs.count, seed: trainingSeed))
            if let test {
                let result = try network.evaluate(test)
                print("Test: " + result.entries.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: ", "))
            }
            print("Wrote \(output) and \(history).")
        }
        communicator?.finalize()
        if let status = signals.exitStatus { throw ExitCode(status) }   // a signal after the last step
    }
}

/// The optimizers the CLI can create.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw, nadam

    /// The optimizer, its hyper-parameters checked (``OptimizerError`` when one is out of range).
    func make(learningRate: Double?, momentum: Double, weightDecay: Double) throws -> Optimizer {
        let optimizer: Optimizer = switch self {
        case .sgd: SGD(learningRate: learningRate ?? 0.01, weightDecay: weightDecay)
        case .momentum: SGD(learningRate: learningRate ?? 0.01, momentum: momentum, weightDecay: weightDecay)
        case .nesterov: SGD(learningRate: learningRate ?? 0.01, momentum: momentum, nesterov: true, weightDecay: weightDecay)
        case .adagrad: Adagrad(learningRate: learningRate ?? 0.01, weightDecay: weightDecay)
        case .adadelta: AdaDelta(learningRate: learningRate ?? 1, weightDecay: weightDecay)
        case .rmsprop: RMSProp(learningRate: learningRate ?? 0.01, weightDecay: weightDecay)
        case .adam: Adam(learningRate: learningRate ?? 1e-3, weightDecay: weightDecay)
        case .adamw: AdamW(learningRate: learningRate ?? 1e-3, weightDecay: weightDecay == 0 ? 0.01 : weightDecay)
        case .nadam: Nadam(learningRate: learningRate ?? 2e-3, weightDecay: weightDecay)
        }
        try optimizer.validate()
        return optimizer
    }
}
