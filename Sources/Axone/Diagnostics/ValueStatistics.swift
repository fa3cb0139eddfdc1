/// Counts of values in equal-width bins over `[lower, upper]`; values outside the range are
/// counted in the first or last bin, non-finite values are left out.
public struct Histogram: Sendable, Equatable {
    /// The left edge of the first bin.
    public var lower: Double
    /// The right edge of the last bin.
    public var upper: Double
    /// The number of values in each bin.
    public var counts: [Int]

    /// Bins `values` into `bins` bins over `range` (by default the values' own minimum and maximum).
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `bins` is not positive.
    public init(_ values: [Double], bins: Int = 30, range: ClosedRange<Double>? = nil) throws {
        guard bins > 0 else { throw TensorError.invalidArgument("Histogram: bins must be positive, got \(bins)") }
        // Plain loops with `if`s: generic helpers (min, filter, key paths) cost ~10× more per element
        // in unoptimised builds, and these run over every activation of a network.
        var low = Double.infinity, high = -Double.infinity
        if range == nil {
            for v in values where v.isFinite {
                if v < low { low = v }
                if v > high { high = v }
            }
        }
        let range = range ?? (low <= high ? low...high : 0...0)
        let width = range.upperBound - range.lowerBound
        (lower, upper) = width > 0 ? (range.lowerBound, range.upperBound) : (range.lowerBound - 0.5, range.upperBound + 0.5)
        var counts = [Int](repeating: 0, count: bins)
        let scale = Double(bins) / (upper - lower), first = lower
        counts.withUnsafeMutableBufferPointer { counts in
            for v in values where v.isFinite {
                let bin = Int((v - first) * scale)
                counts[bin < 0 ? 0 : bin >= bins ? bins - 1 : bin] += 1
            }
        }
        self.counts = counts
    }

    /// The width of one bin.
    public var binWidth: Double { (upper - lower) / Double(counts.count) }
    /// The number of values counted.
    public var total: Int { counts.reduce(0, +) }
}

/// Summary statistics of a set of values (e.g. a tensor's elements): count, mean, standard
/// deviation, extremes and a histogram.
public struct ValueStatistics: Sendable, Equatable {
    /// The number of values.
    public var count: Int
    /// The arithmetic mean (0 when there are no values).
    public var mean: Double
    /// The population standard deviation (divided by n, as numpy's `std`).
    public var standardDeviation: Double
    /// The smallest value.
    public var minimum: Double
    /// The largest value.
    public var maximum: Double
    /// The values binned over the histogram's range.
    public var histogram: Histogram

    /// Measures `values`; the histogram spans `histogramRange`, or the values' own extremes.
    public init(_ values: [Double], bins: Int = 30, histogramRange: ClosedRange<Double>? = nil) throws {
        count = values.count
        var sum = 0.0, low = Double.infinity, high = -Double.infinity
        for v in values {
            sum += v
            if v < low { low = v }
            if v > high { high = v }
        }
        mean = count == 0 ? 0 : sum / Double(count)
        var squares = 0.0
        for v in values {
            let d = v - sum / Double(count)
            squares += d * d
        }
        standardDeviation = count == 0 ? 0 : (squares / Double(count)).squareRoot()
        (minimum, maximum) = count == 0 ? (0, 0) : (low, high)
        let extremes = low.isFinite && high.isFinite ? low...high : nil   // else the histogram finds the finite ones
        histogram = try Histogram(values, bins: bins, range: histogramRange ?? extremes)
    }

    /// Measures the elements of `tensor`.
    public init<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>, bins: Int = 30, histogramRange: ClosedRange<Double>? = nil) throws {
        try self.init(ValueStatistics.doubles(tensor), bins: bins, histogramRange: histogramRange)
    }

    /// The elements of `tensor` as `Double`s, through a concrete conversion for `Float` (a generic
    /// one costs far more per element in unoptimised builds).
    static func doubles<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>) -> [Double] {
        (tensor as? Tensor<Double>)?.scalars ?? (tensor as? Tensor<Float>)?.scalars.map(Double.init) ?? tensor.scalars.map { Double($0) }
    }

    /// The fraction of `values` satisfying `predicate`.
    static func fraction(of values: [Double], where predicate: (Double) -> Bool) -> Double {
        var hits = 0
        for v in values where predicate(v) { hits += 1 }
        return values.isEmpty ? 0 : Double(hits) / Double(values.count)
    }
}
