/// A quantity reported during training and evaluation (Keras `metrics=[…]`).
///
/// Classification metrics read the predicted class as the arg-max of the model's output row (or,
/// with one output, `output ≥ threshold` where the threshold is the loss's
/// ``Loss/decisionThreshold``: 0.5 on probabilities, 0 on logits and scores).
public enum Metric: Sendable, Hashable, CustomStringConvertible {
    /// Fraction of examples whose predicted class is the target (1 − the 0/1 loss, seed 003).
    case accuracy
    /// Fraction of examples whose target is among the k highest outputs.
    case topKAccuracy(Int)
    /// Macro-averaged precision over the classes.
    case precision
    /// Macro-averaged recall over the classes.
    case recall
    /// Macro-averaged F1 score (the mean of per-class F1).
    case f1
    /// Mean squared error.
    case meanSquaredError
    /// Mean absolute error.
    case meanAbsoluteError
    /// A metric defined outside Axone (see ``MetricFunction``).
    case custom(CustomMetric)

    /// The names accepted by ``init(name:)``.
    public static let names = ["accuracy", "top_k_accuracy", "precision", "recall", "f1", "mse", "mae"]

    /// Parses a Keras-style name (`accuracy`, `top5_accuracy`, `mse`, …).
    public init(name: String) throws {
        let lower = name.lowercased()
        switch lower {
        case "accuracy", "acc": self = .accuracy
        case "precision": self = .precision
        case "recall": self = .recall
        case "f1", "f1_score": self = .f1
        case "mse", "mean_squared_error": self = .meanSquaredError
        case "mae", "mean_absolute_error": self = .meanAbsoluteError
        case "top_k_accuracy": self = .topKAccuracy(5)
        default:
            if lower.hasPrefix("top"), lower.hasSuffix("_accuracy"),
               let k = Int(lower.dropFirst(3).dropLast("_accuracy".count)), k > 0 {
                self = .topKAccuracy(k)
            } else if let custom = Metric.registered(name) {
                self = .custom(custom)
            } else {
                throw LayerError.unknownName(kind: "metric", name: name, known: Metric.names + Metric.registeredNames)
            }
        }
    }

    /// Whether the metric reads predicted and true classes (the confusion matrix).
    var needsClasses: Bool {
        switch self {
        case .meanSquaredError, .meanAbsoluteError, .custom: false
        default: true
        }
    }

    /// The key in logs and history (`accuracy`, `top5_accuracy`, …).
    public var description: String {
        switch self {
        case .accuracy: "accuracy"
        case .topKAccuracy(let k): "top\(k)_accuracy"
        case .precision: "precision"
        case .recall: "recall"
        case .f1: "f1"
        case .meanSquaredError: "mse"
        case .meanAbsoluteError: "mae"
        case .custom(let metric): metric.function.name
        }
    }
}

/// Accumulates predictions batch by batch and computes metrics over everything seen.
public struct MetricAccumulator: Sendable {
    /// `confusion[target][predicted]` counts (classification only).
    public internal(set) var confusion: [[Int]] = []
    var topKHits: [Int: Int] = [:]
    var squaredError = 0.0, absoluteError = 0.0, elements = 0, examples = 0
    /// The running sums of the custom metrics, by name.
    var customSums: [String: Double] = [:]
    /// Per-batch class indices, kept so that adding a batch of the same size allocates nothing.
    private var labels: [Int] = [], predicted: [Int] = []
    let metrics: [Metric]
    /// The output value from which a single output predicts class 1.
    let threshold: Double

    /// Creates an empty accumulator for `metrics`.
    ///
    /// - Parameters:
    ///   - metrics: the metrics to accumulate, in the order of their logs.
    ///   - threshold: the output value from which a single output predicts class 1, the
    ///     loss's ``Loss/decisionThreshold`` (0.5 on probabilities, 0 on logits and scores).
    public init(metrics: [Metric], threshold: Double) {
        self.metrics = metrics
        self.threshold = threshold
        // Every top-k count exists from the start, so the totals of any two accumulators of the
        // same metrics line up (``appendTotals(to:)``), hits or not.
        for case .topKAccuracy(let k) in metrics { topKHits[k] = 0 }
    }

    /// Adds a batch of outputs `[n, k]` and targets (`[n]` class indices or `[n, k]` values/one-hot).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func add<Scalar: TensorScalar>(outputs: Tensor<Scalar>, targets: Tensor<Scalar>) {
        let n = outputs.shape.first ?? 0, k = outputs.rank > 1 ? outputs.rowSize : 1
        examples += n
        for case .custom(let metric) in metrics {
            customSums[metric.function.name, default: 0] += metric.function.batchSum(outputs: outputs, targets: targets)
        }
        if metrics.contains(where: { $0 == .meanSquaredError || $0 == .meanAbsoluteError }) && targets.shape == outputs.shape {
            for (o, t) in zip(outputs.scalars, targets.scalars) {
                let d = Double(o - t)
                squaredError += d * d
                absoluteError += Swift.abs(d)
            }
            elements += outputs.count
        }
        guard metrics.contains(where: { $0.needsClasses }) else { return }
        let classes = Swift.max(k, 2)
        if confusion.isEmpty { confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes) }
        MetricAccumulator.classLabels(targets, outputs: outputs, into: &labels)
        MetricAccumulator.predictedClasses(outputs, threshold: threshold, into: &predicted)
        for (t, p) in zip(labels, predicted) where t >= 0 && t < classes { confusion[t][p] += 1 }
        for case .topKAccuracy(let topK) in metrics {
            outputs.withUnsafeBufferPointer { o in
                for (i, t) in labels.enumerated() where t >= 0 && t < k {
                    let target = o[i * k + t]
                    var higher = 0
                    for j in 0..<k where o[i * k + j] > target { higher += 1 }
                    if higher < topK { topKHits[topK, default: 0] += 1 }
                }
            }
        }
    }

    /// The predicted class of each row: arg-max, or `output ≥ threshold` for a single output.
    static func predictedClasses<Scalar: TensorScalar>(_ outputs: Tensor<Scalar>, threshold: Double) -> [Int] {
        var classes: [Int] = []
        predictedClasses(outputs, threshold: threshold, into: &classes)
        return classes
    }

    /// ``predictedClasses(_:threshold:)`` written into `classes`, reusing its storage.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func predictedClasses<Scalar: TensorScalar>(_ outputs: Tensor<Scalar>, threshold: Double, into classes: inout [Int]) {
        if outputs.rank == 2 && outputs.shape[1] > 1 { return outputs.argmaxRows(into: &classes) }
        let threshold = Scalar(threshold)
        classes.removeAll(keepingCapacity: true)
        classes.append(contentsOf: outputs.scalars.lazy.map { $0 >= threshold ? 1 : 0 })
    }

    /// Class indices from `[n]` indices, one-hot/probability rows, or single 0/1 (or ±1) targets,
    /// written into `labels` (reusing its storage).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func classLabels<Scalar: TensorScalar>(_ targets: Tensor<Scalar>, outputs: Tensor<Scalar>, into labels: inout [Int]) {
        if targets.rank == 2 && targets.shape[1] > 1 { return targets.argmaxRows(into: &labels) }
        labels.removeAll(keepingCapacity: true)
        if outputs.rank == 2 && outputs.shape[1] == 1 {
            labels.append(contentsOf: targets.scalars.lazy.map { $0 > 0 ? 1 : 0 })
        } else {
            labels.append(contentsOf: targets.scalars.lazy.map { $0.truncatedInt })
        }
    }

    /// The value of `metric` over everything added.
    public func value(of metric: Metric) -> Double {
        let total = confusion.joined().reduce(0, +)
        let classes = confusion.indices
        func truePositives(_ c: Int) -> Double { Double(confusion[c][c]) }
        func predictedCount(_ c: Int) -> Double { Double(classes.map { confusion[$0][c] }.reduce(0, +)) }
        func actualCount(_ c: Int) -> Double { Double(confusion[c].reduce(0, +)) }
        func precision(_ c: Int) -> Double { predictedCount(c) == 0 ? 0 : truePositives(c) / predictedCount(c) }
        func recall(_ c: Int) -> Double { actualCount(c) == 0 ? 0 : truePositives(c) / actualCount(c) }
        func macro(_ f: (Int) -> Double) -> Double { classes.isEmpty ? 0 : classes.map(f).reduce(0, +) / Double(classes.count) }
        switch metric {
        case .accuracy: return total == 0 ? 0 : Double(classes.map { confusion[$0][$0] }.reduce(0, +)) / Double(total)
        case .topKAccuracy(let k): return examples == 0 ? 0 : Double(topKHits[k] ?? 0) / Double(examples)
        case .precision: return macro(precision)
        case .recall: return macro(recall)
        case .f1:
            return macro { c in
                let (p, r) = (precision(c), recall(c))
                return p + r == 0 ? 0 : 2 * p * r / (p + r)
            }
        case .meanSquaredError: return elements == 0 ? 0 : squaredError / Double(elements)
        case .meanAbsoluteError: return elements == 0 ? 0 : absoluteError / Double(elements)
        case .custom(let metric): return examples == 0 ? 0 : (customSums[metric.function.name] ?? 0) / Double(examples)
        }
    }
}
