/// The decision regions of a classifier of 2-D points (XOR, moons, spirals, …): the model is
/// evaluated on a grid over the data's bounding box and each cell coloured by its predicted class,
/// with the data points on top.
///
/// ```swift
/// let (points, labels): (Tensor<Float>, Tensor<Float>) = Synthetic2D.moons.generate(count: 200)
/// try model.fit(points, labels, epochs: 200)
/// let svg = try DecisionBoundary.svg(model: model, points: points, labels: labels)
/// ```
public enum DecisionBoundary {
    /// The predicted class at the centre of every cell of a `resolution × resolution` grid over
    /// `xRange × yRange`: `grid[row][column]`, row 0 at the bottom. With several outputs the class
    /// is the arg-max; with one output it is `output ≥` the compiled loss's ``Loss/decisionThreshold``,
    /// as the accuracy metric reads it (0.5, Keras' `BinaryAccuracy` default, for a model not compiled).
    /// - Throws: ``TrainingError`` when the model does not take 2-D inputs.
    public static func classGrid<Scalar: TensorScalar>(model: Model<Scalar>, xRange: ClosedRange<Double>,
                                                      yRange: ClosedRange<Double>, resolution: Int = 100) throws -> [[Int]] {
        guard resolution > 0 else { throw TrainingError.invalidArgument("DecisionBoundary: resolution must be positive, got \(resolution)") }
        func centre(_ range: ClosedRange<Double>, _ i: Int) -> Scalar {
            Scalar(range.lowerBound + (Double(i) + 0.5) * (range.upperBound - range.lowerBound) / Double(resolution))
        }
        var grid: [Scalar] = []
        grid.reserveCapacity(2 * resolution * resolution)
        for row in 0..<resolution {
            for column in 0..<resolution { grid += [centre(xRange, column), centre(yRange, row)] }
        }
        let outputs = try model.predict(Tensor(shape: [resolution * resolution, 2], scalars: grid), batchSize: 1024)
        let classes = MetricAccumulator.predictedClasses(outputs, threshold: model.configuration?.loss.decisionThreshold ?? 0.5)
        return (0..<resolution).map { Array(classes[($0 * resolution)..<(($0 + 1) * resolution)]) }
    }

    /// The decision regions of `model` with `points` (`[n, 2]`) coloured by `labels` (`[n]` class
    /// indices, `[n, k]` one-hot rows or `[n, 1]` binary targets), over the points' bounding box widened by `margin` of its size.
    /// - Throws: ``TrainingError`` when the points are not 2-D, the labels do not match them, or
    ///   the model does not take 2-D inputs.
    public static func svg<Scalar: TensorScalar>(model: Model<Scalar>, points: Tensor<Scalar>, labels: Tensor<Scalar>,
                                                resolution: Int = 100, margin: Double = 0.1,
                                                title: String = "Decision regions", classNames: [String] = [],
                                                width: Double = 560, height: Double = 520) throws -> String {
        guard points.rank == 2, points.shape[1] == 2 else {
            throw TrainingError.dataShape(expected: [2], got: points.shape, what: "points")
        }
        let n = points.shape[0]
        guard labels.shape.first == n, labels.rank <= 2 else {
            throw TrainingError.invalidArgument("DecisionBoundary: \(n) points but labels of shape \(labels.shape)")
        }
        let truth = labels.rank == 2 && labels.shape[1] > 1 ? labels.argmaxRows()
            : labels.scalars.map { Swift.max(0, Int($0.rounded())) }   // indices, or 0/1 (±1) single targets
        let xs = (0..<n).map { Double(points[$0, 0]) }, ys = (0..<n).map { Double(points[$0, 1]) }
        func widened(_ values: [Double]) -> ClosedRange<Double> {
            let low = values.min() ?? -1, high = values.max() ?? 1
            let pad = Swift.max((high - low) * margin, 1e-3)
            return (low - pad)...(high + pad)
        }
        let xRange = widened(xs), yRange = widened(ys)
        let chart = ClassMapChart(title: title, xRange: xRange, yRange: yRange,
                                  regions: try classGrid(model: model, xRange: xRange, yRange: yRange, resolution: resolution),
                                  points: (0..<n).map { ClassMapChart.Point(x: xs[$0], y: ys[$0], label: truth[$0]) },
                                  classNames: classNames)
        return chart.svg(width: width, height: height)
    }
}
