/// Maps each feature's training range `[min, max]` linearly onto `range` (default `[0, 1]`),
/// like scikit-learn's `MinMaxScaler`.
///
/// Test values outside the training range land outside `range` (they are not clipped). A
/// constant feature maps to `range.lowerBound`.
///
/// ```swift
/// let scaler = try MinMaxScaler(fittedOn: xTrain)
/// let scaled = try scaler.transform(xTest)   // training minimum → 0, training maximum → 1
/// ```
public struct MinMaxScaler<Scalar: TensorScalar>: FeatureScaler, Equatable {
    /// The training minimum of each feature.
    public let minimum: [Scalar]
    /// The training maximum of each feature.
    public let maximum: [Scalar]
    /// The interval the training range is mapped onto.
    public let range: ClosedRange<Scalar>

    public var center: [Scalar] { zip(minimum, spread).map { $0 - range.lowerBound * $1 } }
    public var spread: [Scalar] {
        zip(minimum, maximum).map { $1 > $0 ? ($1 - $0) / (range.upperBound - range.lowerBound) : 1 }
    }

    /// Records each column's minimum and maximum of `x`, a `[rows, features]` matrix.
    /// - Throws: ``DataError`` when `x` is not a matrix or has no rows, or `range` is a single point.
    public init(fittedOn x: Tensor<Scalar>, range: ClosedRange<Scalar> = 0...1) throws(DataError) {
        guard range.upperBound > range.lowerBound else {
            throw .invalidArgument(name: "range", expected: "a non-empty interval", received: "\(range)")
        }
        let columns = try featureColumns(of: x, fitting: "MinMaxScaler")
        minimum = columns.map { Scalar($0.min()!) }
        maximum = columns.map { Scalar($0.max()!) }
        self.range = range
    }
}
