import RealModule

extension Tensor {
    /// Elements drawn from `distribution`.
    public static func random(_ shape: [Int], _ distribution: RandomDistribution,
                              using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { Scalar.fillRandom(distribution, using: &generator, into: $0) }
    }

    /// Elements drawn uniformly from `range`.
    public static func randomUniform(_ shape: [Int], in range: ClosedRange<Scalar> = 0...1,
                                     using generator: inout SeededGenerator) -> Tensor {
        random(shape, .uniform(low: Double(range.lowerBound), width: Double(range.upperBound - range.lowerBound)),
               using: &generator)
    }

    /// Elements drawn from a normal distribution N(mean, standardDeviation²).
    public static func randomNormal(_ shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
                                    using generator: inout SeededGenerator) -> Tensor {
        random(shape, .normal(mean: Double(mean), standardDeviation: Double(standardDeviation)), using: &generator)
    }
}
