/// A per-feature affine preprocessing step `y = (x − center) / spread`, fitted on training data.
///
/// Fit a scaler on the training features only and apply the same ``transform(_:)`` to the
/// validation and test features, so no statistic of held-out data leaks into training.
public protocol FeatureScaler: Sendable {
    /// The element type of the features.
    associatedtype Scalar: TensorScalar
    /// The value subtracted from each feature.
    var center: [Scalar] { get }
    /// The positive value each centred feature is divided by.
    var spread: [Scalar] { get }
}

extension FeatureScaler {
    /// The number of features the scaler was fitted on.
    public var featureCount: Int { center.count }

    /// Scales `x`, whose last axis holds the ``featureCount`` features: `(x − center) / spread`.
    /// - Throws: ``DataError/invalidShape(operation:expected:got:)`` for another number of features.
    public func transform(_ x: Tensor<Scalar>) throws(DataError) -> Tensor<Scalar> {
        let center = center, spread = spread
        return try map(x, operation: "transform") { value, feature in (value - center[feature]) / spread[feature] }
    }

    /// Undoes ``transform(_:)``: `y · spread + center` (for example to report regression
    /// predictions in the target's original unit).
    public func inverseTransform(_ y: Tensor<Scalar>) throws(DataError) -> Tensor<Scalar> {
        let center = center, spread = spread
        return try map(y, operation: "inverseTransform") { value, feature in
            value * spread[feature] + center[feature]
        }
    }

    private func map(_ x: Tensor<Scalar>, operation: String,
                     _ body: (Scalar, Int) -> Scalar) throws(DataError) -> Tensor<Scalar> {
        let featureCount = featureCount
        guard x.rank >= 1, x.shape[x.rank - 1] == featureCount else {
            throw .invalidShape(operation: "\(Self.self).\(operation)",
                                expected: "a last axis of \(featureCount) features", got: x.shape)
        }
        var result = x
        result.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] = body(values[i], i % featureCount) }
        }
        return result
    }
}

/// The columns of a `[rows, features]` matrix with at least one row, for fitting a scaler.
/// - Throws: ``DataError`` for another rank or no rows.
func featureColumns<Scalar: TensorScalar>(of x: Tensor<Scalar>, fitting scaler: String) throws(DataError)
    -> [[Double]] {
    guard x.rank == 2 else {
        throw .invalidShape(operation: "\(scaler) fitting", expected: "a [rows, features] matrix", got: x.shape)
    }
    guard x.shape[0] > 0 else { throw .emptyData(source: "the matrix given to \(scaler)") }
    let width = x.shape[1]
    return (0..<width).map { feature in
        stride(from: feature, to: x.count, by: width).map { Double(x.scalars[$0]) }
    }
}
