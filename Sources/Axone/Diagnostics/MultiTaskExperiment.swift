import Foundation

/// Seed 000's multi-task learning on Fashion-MNIST: one network whose shared trunk feeds two
/// heads — the 10 classes, and the 4 groups of ``FashionMNIST/groupOfClass`` (tops, bottoms,
/// shoes, bags) — against two single-task networks of the same trunk with one head each.
///
/// Every network of a seed starts its trunk from the same weights and sees the batches in the same
/// order; each head is trained with softmax cross-entropy, the multi-task network on their sum.
///
/// ```swift
/// let runs = try MultiTaskExperiment.run(train: train, test: test, seed: 0)   // 3 networks
/// print(MultiTaskExperiment.table(runs))
/// let svg = SVGPlot.grid(MultiTaskExperiment.charts(runs), columns: 2)
/// ```
public enum MultiTaskExperiment {
    /// What a head predicts.
    public enum Task: String, Sendable, CaseIterable {
        /// The 10 Fashion-MNIST classes.
        case classes
        /// The 4 groups of ``FashionMNIST/groupOfClass``.
        case groups

        /// The number of classes of the task.
        public var classCount: Int {
            switch self {
            case .classes: FashionMNIST.classNames.count
            case .groups: FashionMNIST.groupNames.count
            }
        }

        /// The task's label for each Fashion-MNIST class label.
        /// - Throws: ``TrainingError/labelOutOfRange(label:classes:)`` for a label outside 0..<10.
        public func labels(fromClasses labels: [Int]) throws -> [Int] {
            let classes = FashionMNIST.groupOfClass.count
            if let bad = labels.first(where: { !(0..<classes).contains($0) }) {
                throw TrainingError.labelOutOfRange(label: Double(bad), classes: classes)
            }
            return switch self {
            case .classes: labels
            case .groups: labels.map { FashionMNIST.groupOfClass[$0] }
            }
        }

        /// `classes (10)`, `groups (4)`.
        public var title: String { "\(rawValue) (\(classCount))" }
    }

    /// One of the networks compared.
    public enum Network: Sendable, Hashable, CustomStringConvertible {
        /// Both heads on one trunk.
        case multiTask
        /// The trunk with one head.
        case singleTask(Task)

        /// The three networks of a seed, in the order they are trained.
        public static let all: [Network] = [.multiTask] + Task.allCases.map { .singleTask($0) }

        /// The heads, in the order of the model's outputs.
        public var tasks: [Task] {
            switch self {
            case .multiTask: Task.allCases
            case .singleTask(let task): [task]
            }
        }

        /// `multi-task`, `single-task classes`.
        public var description: String {
            switch self {
            case .multiTask: "multi-task"
            case .singleTask(let task): "single-task \(task.rawValue)"
            }
        }
    }

    /// How the networks are built and trained.
    public struct Settings: Sendable {
        /// The units of each hidden (ReLU) layer of the trunk.
        public var trunk: [Int]
        /// The number of training epochs.
        public var epochs: Int
        /// The mini-batch size.
        public var batchSize: Int
        /// Adam's learning rate.
        public var learningRate: Double

        /// Settings with the given trunk, epochs, batch size and Adam learning rate.
        public init(trunk: [Int] = [256, 128], epochs: Int = 10, batchSize: Int = 128, learningRate: Double = 1e-3) {
            self.trunk = trunk
            self.epochs = epochs
            self.batchSize = batchSize
            self.learningRate = learningRate
        }
    }

    /// What one network measured with one seed.
    public struct Run: Sendable, CustomStringConvertible {
        /// Which network was trained.
        public var network: Network
        /// The seed of its weights and shuffling.
        public var seed: UInt64
        /// Its number of parameters.
        public var parameterCount: Int
        /// The test accuracy of each of the network's heads after every epoch.
        public var testAccuracy: [Task: [Double]]

        /// The test accuracy of `task`'s head after the last epoch; `nil` when the network has no such head.
        public func finalAccuracy(_ task: Task) -> Double? { testAccuracy[task]?.last }

        /// `seed 0, multi-task (235,662 parameters): classes 88.21 %, groups 99.52 %`.
        public var description: String {
            let heads = network.tasks.map { task in
                "\(task.rawValue) " + (finalAccuracy(task).map { String(format: "%.2f %%", $0 * 100) } ?? "–")
            }
            return "seed \(seed), \(network) (\(groupedThousands(parameterCount)) parameters): " + heads.joined(separator: ", ")
        }
    }

    /// The functional model of `network`: `Input([inputSize])`, the trunk's ReLU Dense layers, then
    /// one linear `Dense(task.classCount)` named after each task (`classes`, `groups`).
    public static func model(_ network: Network, inputSize: Int = 784, trunk: [Int] = Settings().trunk,
                             seed: UInt64) throws -> Model<Float> {
        let inputs = Input<Float>(shape: [inputSize], seed: seed)
        var hidden = inputs
        for units in trunk { hidden = try Dense(units, activation: .relu)(hidden) }
        let heads = try network.tasks.map { try Dense($0.classCount, name: $0.rawValue)(hidden) }
        return try Model(inputs: [inputs], outputs: heads)
    }

    /// Trains the three networks of ``Network/all`` with `seed`, measuring every head on `test`
    /// after each epoch.
    /// - Throws: ``TrainingError`` for settings `fit` refuses (e.g. no epochs).
    public static func run(train: LabeledImages, test: LabeledImages, settings: Settings = Settings(),
                           seed: UInt64) throws -> [Run] {
        let trainX = train.allImages(), testX = test.allImages()
        func targets(_ images: LabeledImages, _ tasks: [Task]) throws -> [Tensor<Float>] {
            try tasks.map { task in Tensor(shape: [images.count], scalars: try task.labels(fromClasses: images.labels).map(Float.init)) }
        }
        return try Network.all.map { network in
            let model = try Self.model(network, inputSize: train.pixelsPerImage, trunk: settings.trunk, seed: seed)
            let names = network.tasks.map(\.rawValue)
            try model.compile(optimizer: Adam(learningRate: settings.learningRate),
                              losses: Dictionary(uniqueKeysWithValues: names.map { ($0, Loss.categoricalCrossEntropy()) }),
                              metrics: Dictionary(uniqueKeysWithValues: names.map { ($0, [Metric.accuracy]) }))
            let history = try model.fit([trainX], try targets(train, network.tasks), epochs: settings.epochs,
                                        batchSize: settings.batchSize,
                                        validationData: ([testX], try targets(test, network.tasks)), verbose: .progressBarOnly, seed: seed)
            // One output logs `val_accuracy`; several log `val_<output>_accuracy`.
            let accuracy = Dictionary(uniqueKeysWithValues: network.tasks.map { task in
                (task, history[network.tasks.count == 1 ? "val_accuracy" : "val_\(task.rawValue)_accuracy"])
            })
            return Run(network: network, seed: seed, parameterCount: model.trainableParameterCount, testAccuracy: accuracy)
        }
    }

    /// The final test accuracy of each head, in %, as mean ± sample standard deviation over the
    /// seeds of `runs` (the mean alone for one seed), multi-task against single-task, and the
    /// difference of the means in percentage points (`axone experiment multitask`'s defaults):
    ///
    /// ```
    /// Test accuracy (%), mean ± std over 3 seeds
    /// head             multi-task       single-task      multi − single
    /// classes (10)     88.24 ± 0.24     88.33 ± 0.43     -0.09
    /// groups (4)       99.02 ± 0.18     99.04 ± 0.16     -0.02
    /// ```
    public static func table(_ runs: [Run]) -> String {
        let seeds = Set(runs.map(\.seed)).count
        func cell(_ text: String) -> String { text.padding(toLength: 17, withPad: " ", startingAt: 0) }
        let lines = Task.allCases.map { task in
            let multi = finalAccuracies(runs, .multiTask, task), single = finalAccuracies(runs, .singleTask(task), task)
            let difference = multi.isEmpty || single.isEmpty ? "–" : String(format: "%+.2f", (mean(multi) - mean(single)) * 100)
            return cell(task.title) + cell(summary(multi)) + cell(summary(single)) + difference
        }
        return (["Test accuracy (%), mean ± std over \(seeds) seed\(seeds == 1 ? "" : "s")",
                 cell("head") + cell("multi-task") + cell("single-task") + "multi − single"] + lines).joined(separator: "\n")
    }

    /// Every measurement, one row per seed, network, head and epoch:
    /// `seed,network,head,epoch,test_accuracy` (epochs from 1).
    public static func csv(_ runs: [Run]) -> String {
        var lines = ["seed,network,head,epoch,test_accuracy"]
        for run in runs {
            for task in run.network.tasks {
                for (epoch, accuracy) in (run.testAccuracy[task] ?? []).enumerated() {
                    lines.append("\(run.seed),\(run.network),\(task.rawValue),\(epoch + 1),\(accuracy)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One chart per head: its test accuracy (%) after each epoch, averaged over the seeds, in the
    /// multi-task network (solid) and in the single-task one (dashed).
    public static func charts(_ runs: [Run]) -> [LineChart] {
        Task.allCases.map { task in
            let series = [Network.multiTask, .singleTask(task)].compactMap { network -> LineChart.Series? in
                let curves = runs.filter { $0.network == network }.compactMap { $0.testAccuracy[task] }
                guard let epochs = curves.map(\.count).min(), epochs > 0 else { return nil }
                let means = (0..<epochs).map { epoch in mean(curves.map { $0[epoch] }) * 100 }
                return .init(name: network == .multiTask ? "multi-task" : "single-task", x: (1...epochs).map(Double.init), y: means,
                             dashed: network != .multiTask)
            }
            return LineChart(title: "\(task.title) head", xLabel: "epoch", yLabel: "test accuracy (%)", series: series)
        }
    }

    /// The final accuracies of `task`'s head in the runs of `network`, one per seed.
    private static func finalAccuracies(_ runs: [Run], _ network: Network, _ task: Task) -> [Double] {
        runs.filter { $0.network == network }.compactMap { $0.finalAccuracy(task) }
    }

    /// `88.41 ± 0.22` (in %, sample standard deviation), `88.41` for one value, `–` for none.
    private static func summary(_ values: [Double]) -> String {
        guard !values.isEmpty else { return "–" }
        guard values.count > 1 else { return String(format: "%.2f", values[0] * 100) }
        let m = mean(values)
        let variance = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)
        return String(format: "%.2f ± %.2f", m * 100, variance.squareRoot() * 100)
    }

    private static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(Swift.max(values.count, 1)) }
}
