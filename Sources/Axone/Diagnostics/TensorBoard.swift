/// Logs training to TensorBoard event files (Keras `TensorBoard`): open the curves with
/// `tensorboard --logdir <logDirectory>`.
///
/// As in Keras, training values go to the run `<logDirectory>/train` and validation values to
/// `<logDirectory>/validation`, under the same tags, so TensorBoard draws a quantity's training and
/// validation curves on one chart:
/// - every `batchPeriod` batches, `batch_loss` and `batch_learning_rate` (train), at step = the
///   optimizer's iteration count (1 after the first batch);
/// - every epoch, `epoch_<key>` for each logged key (`epoch_loss`, `epoch_accuracy`, …), the `val_`
///   keys without their prefix in the validation run, and `lr` as `epoch_learning_rate`, at step =
///   the 0-based epoch;
/// - every `histogramPeriod` epochs (epochs 0, `histogramPeriod`, …, as Keras's `histogram_freq`),
///   a histogram of every parameter, `weights/<name>` (`weights/layers.0.weight`), and with
///   `activationInput`, of every layer's outputs on it in inference mode, `activations/layers.<i>`
///   (Sequential models only).
///
/// Histograms have 30 equal-width buckets between the values' minimum and maximum (as TensorBoard's
/// own `histogram` summary; tanh and sigmoid outputs between −1 or 0 and 1), empty buckets at either
/// end left out. The files are forced to disk after every epoch.
///
/// ```swift
/// try model.fit(x, y, epochs: 10, validationSplit: 0.1, callbacks: [TensorBoard(logDirectory: "runs/mlp")])
/// ```
public final class TensorBoard<Scalar: TensorScalar>: Callback<Scalar> {
    /// The directory holding the `train` and `validation` runs.
    public let logDirectory: String
    /// Batch scalars are written every `batchPeriod` batches; 0 writes none.
    public let batchPeriod: Int
    /// Histograms are written every `histogramPeriod` epochs; 0 writes none.
    public let histogramPeriod: Int
    /// A small batch whose per-layer outputs are logged as histograms.
    public let activationInput: Tensor<Scalar>?
    /// Buckets per histogram.
    public let buckets: Int
    private var training: EventFileWriter?
    private var validation: EventFileWriter?

    /// `batchPeriod` and `histogramPeriod` must be non-negative and `buckets` positive, and
    /// `activationInput` needs a ``Sequential`` model; `fit` refuses them otherwise
    /// (``TrainingError/invalidArgument(_:)``). The directories are created when training begins
    /// (``IOError/cannotCreateDirectory(path:reason:)`` if they cannot be).
    public init(logDirectory: String, batchPeriod: Int = 1, histogramPeriod: Int = 1,
                activationInput: Tensor<Scalar>? = nil, buckets: Int = 30) {
        self.logDirectory = logDirectory
        self.batchPeriod = batchPeriod
        self.histogramPeriod = histogramPeriod
        self.activationInput = activationInput
        self.buckets = buckets
    }

    public override func trainingWillBegin(model: Model<Scalar>) throws {
        guard batchPeriod >= 0, histogramPeriod >= 0, buckets > 0 else {
            throw TrainingError.invalidArgument(
                "TensorBoard: batchPeriod and histogramPeriod must be ≥ 0 and buckets positive, got \(batchPeriod), \(histogramPeriod) and \(buckets)")
        }
        if activationInput != nil && !(model is Sequential<Scalar>) {
            throw TrainingError.invalidArgument("TensorBoard: activation histograms are taken layer by layer and need a Sequential model, got \(model.typeName)")
        }
        training = try EventFileWriter(directory: logDirectory + "/train")
        validation = nil
    }

    public override func batchDidEnd(_ batch: Int, logs: Logs, model: Model<Scalar>) throws {
        guard batchPeriod > 0, let training, let optimizer = model.configuration?.optimizer,
              optimizer.iterations % batchPeriod == 0 else { return }
        for (key, value) in logs.entries { try training.addScalar("batch_" + key, value, step: optimizer.iterations) }
        try training.addScalar("batch_learning_rate", optimizer.learningRate, step: optimizer.iterations)
    }

    public override func epochDidEnd(_ epoch: Int, logs: Logs, model: Model<Scalar>) throws {
        guard let training else { return }
        for (key, value) in logs.entries {
            if key.hasPrefix("val_") {
                if validation == nil { validation = try EventFileWriter(directory: logDirectory + "/validation") }
                try validation!.addScalar("epoch_" + key.dropFirst(4), value, step: epoch)
            } else {
                try training.addScalar(key == "lr" ? "epoch_learning_rate" : "epoch_" + key, value, step: epoch)
            }
        }
        if histogramPeriod > 0 && epoch % histogramPeriod == 0 {
            for (name, parameter) in model.namedParameters() {
                let statistics = try ValueStatistics(parameter.value, bins: buckets)
                try training.addHistogram("weights/" + name, HistogramSummary(statistics), step: epoch)
            }
            if let activationInput, let sequential = model as? Sequential<Scalar> {
                let measured = try NetworkStatistics.measure(sequential, input: activationInput, bins: buckets)
                for layer in measured.layers {
                    try training.addHistogram("activations/" + layer.name, HistogramSummary(layer.output), step: epoch)
                }
            }
        }
        try training.flush()
        try validation?.flush()
    }

    public override func trainingDidEnd(model: Model<Scalar>) throws {
        training?.close()
        validation?.close()
    }
}

extension HistogramSummary {
    /// The histogram of `statistics`, its empty buckets at either end left out (so the first bucket
    /// holds the minimum and the last the maximum, as TensorBoard draws them); the sum and the sum of
    /// squares are n·mean and n·(std² + mean²).
    public init(_ statistics: ValueStatistics) {
        let histogram = statistics.histogram
        let filled = histogram.counts.indices.filter { histogram.counts[$0] > 0 }
        let kept = (filled.first ?? 0)...(filled.last ?? 0)
        let n = Double(statistics.count), mean = statistics.mean, deviation = statistics.standardDeviation
        self.init(minimum: statistics.minimum, maximum: statistics.maximum, count: n, sum: n * mean,
                  sumOfSquares: n * (deviation * deviation + mean * mean),
                  bucketLimits: kept.map { histogram.lower + Double($0 + 1) * histogram.binWidth },
                  bucketCounts: kept.map { Double(histogram.counts[$0]) })
    }
}
