/// Standardises each feature to mean 0 and standard deviation 1 over the training data
/// (scikit-learn's `StandardScaler`: the population standard deviation, divisor `n`).
///
/// A constant feature keeps a spread of 1, so it becomes 0 instead of dividing by zero.
///
/// ```swift
/// let scaler = try Standardizer(fittedOn: xTrain)   // statistics of the training data only
/// let xTrainScaled = try scaler.transform(xTrain)   // each column: mean 0, std 1
/// let xTestScaled = try scaler.transform(xTest)     // the training mean and std, reused
/// ```
public struct Standardizer<Scalar: TensorScalar>: FeatureScaler, Equatable {
    /// The training mean of each feature.
    public let mean: [Scalar]
    /// The training standard deviation of each feature (0 for a constant feature).
    public let standardDeviation: [Scalar]

    public var center: [Scalar] { mean }
    public var spread: [Scalar] { standardDeviation.map { $0 > 0 ? $0 : 1 } }

    /// Computes each column's mean and standard deviation of `x`, a `[rows, features]` matrix.
    /// - Throws: ``DataError`` when `x` is not a matrix or has no rows.
    public init(fittedOn x: Tensor<Scalar>) throws(DataError) {
        let columns = try featureColumns(of: x, fitting: "Standardizer")
        let means = columns.map { $0.reduce(0, +) / Double($0.count) }
        mean = means.map { Scalar($0) }
        standardDeviation = zip(columns, means).map { column, mean in
            Scalar((column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)).squareRoot())
        }
    }
}
