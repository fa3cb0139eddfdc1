/// What one output of a model is trained for (Keras's per-output `loss`, `loss_weights` and
/// `metrics`): the total loss is `Σ weight · loss` over the outputs.
public struct OutputObjective {
    /// The output's name: the name of the layer that gives it (`classes`), used in the logs
    /// (`classes_loss`, `val_classes_accuracy`).
    public var name: String
    /// The loss of this output against its targets.
    public var loss: Loss
    /// Its weight in the total loss (≥ 0).
    public var weight: Double
    /// The metrics reported for this output.
    public var metrics: [Metric]

    /// An output's objective: `weight · loss`, with `metrics` reported.
    public init(name: String, loss: Loss, weight: Double = 1, metrics: [Metric] = []) {
        self.name = name
        self.loss = loss
        self.weight = weight
        self.metrics = metrics
    }
}

/// The running sums of an epoch (or an evaluation) over every output: the total loss, each
/// output's loss and metrics. A model with one output logs `loss` and `accuracy`; with several,
/// `loss` (the weighted total) and Keras's `<output>_loss`, `<output>_accuracy`, ….
struct ObjectiveTotals {
    let objectives: [OutputObjective]
    var lossSum = 0.0
    var outputLossSums: [Double]
    var accumulators: [MetricAccumulator]
    var examples = 0

    init(_ objectives: [OutputObjective]) {
        self.objectives = objectives
        outputLossSums = Array(repeating: 0, count: objectives.count)
        accumulators = objectives.map { MetricAccumulator(metrics: $0.metrics, threshold: $0.loss.decisionThreshold) }
    }

    /// Adds a batch of `count` examples: its total loss, each output's loss (for several outputs),
    /// and the outputs against the targets.
    mutating func add<Scalar: TensorScalar>(loss: Double, outputLosses: [Double], outputs: [Tensor<Scalar>],
                                            targets: [Tensor<Scalar>], count: Int) {
        lossSum += loss * Double(count)
        for (index, value) in outputLosses.enumerated() { outputLossSums[index] += value * Double(count) }
        for index in accumulators.indices { accumulators[index].add(outputs: outputs[index], targets: targets[index]) }
        examples += count
    }

    /// The mean loss so far (what the progress bar shows).
    var meanLoss: Double { lossSum / Double(Swift.max(examples, 1)) }

    /// The logs: `loss`, then per output its loss and metrics (named after the output when there are several).
    var logs: Logs {
        var logs = Logs([("loss", meanLoss)])
        for (index, objective) in objectives.enumerated() {
            let prefix = objectives.count == 1 ? "" : "\(objective.name)_"
            if objectives.count > 1 { logs["\(prefix)loss"] = outputLossSums[index] / Double(Swift.max(examples, 1)) }
            for metric in objective.metrics { logs["\(prefix)\(metric)"] = accumulators[index].value(of: metric) }
        }
        return logs
    }

    /// Appends the loss sums, the example count and each output's metric totals, in a fixed order.
    func appendTotals(to values: inout [Double]) {
        values.append(lossSum)
        values.append(contentsOf: outputLossSums)
        values.append(Double(examples))
        for accumulator in accumulators { accumulator.appendTotals(to: &values) }
    }

    /// Reads back what ``appendTotals(to:)`` wrote (for outputs of the same sizes).
    mutating func readTotals(_ values: [Double]) {
        var offset = 0
        func next() -> Double { defer { offset += 1 }; return values[offset] }
        lossSum = next()
        outputLossSums = outputLossSums.map { _ in next() }
        examples = Int(next())
        for index in accumulators.indices { accumulators[index].readTotals(values, from: &offset) }
    }

    /// Continues from what an interrupted epoch saved after `examples` examples.
    mutating func restore(_ progress: EpochProgress, examples: Int) {
        lossSum = progress.lossSum
        self.examples = examples
        if let outputs = progress.outputs {
            for (index, totals) in outputs.prefix(accumulators.count).enumerated() {
                outputLossSums[index] = Double(bitPattern: totals.lossSumBits)
                accumulators[index].restore(totals.metrics)
            }
        } else {
            accumulators[0].restore(progress.metrics)
        }
    }
}
