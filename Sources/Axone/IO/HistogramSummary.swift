/// A histogram as TensorBoard's `HistogramProto` holds it: the values' extremes, count, sum and sum
/// of squares, and buckets given by their right edges and counts (the first bucket starts at
/// `minimum`; TensorBoard draws the last one up to `maximum`).
public struct HistogramSummary: Sendable, Equatable {
    /// The smallest value.
    public var minimum: Double
    /// The largest value.
    public var maximum: Double
    /// The number of values.
    public var count: Double
    /// The sum of the values.
    public var sum: Double
    /// The sum of their squares.
    public var sumOfSquares: Double
    /// The right edge of each bucket, increasing.
    public var bucketLimits: [Double]
    /// The number of values in each bucket.
    public var bucketCounts: [Double]

    /// A summary with the given statistics and buckets (`bucketLimits` and `bucketCounts` of one length).
    public init(minimum: Double, maximum: Double, count: Double, sum: Double, sumOfSquares: Double,
                bucketLimits: [Double], bucketCounts: [Double]) {
        self.minimum = minimum
        self.maximum = maximum
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        self.bucketLimits = bucketLimits
        self.bucketCounts = bucketCounts
    }
}
