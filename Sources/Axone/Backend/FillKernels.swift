/// A distribution to draw tensor elements from.
public enum RandomDistribution: Sendable, Hashable {
    /// Uniform on [low, low + width).
    case uniform(low: Double, width: Double)
    /// Normal N(mean, standardDeviation²).
    case normal(mean: Double, standardDeviation: Double)
    /// `value` with probability `probability`, else 0 (dropout masks).
    case bernoulli(probability: Double, value: Double)
}

extension TensorScalar {
    public static func fill(_ value: Self, into y: UnsafeMutableBufferPointer<Self>) {
        for i in y.indices { y[i] = value }
    }

    public static func fillRandom(_ distribution: RandomDistribution, using generator: inout SeededGenerator,
                                  into y: UnsafeMutableBufferPointer<Self>) {
        switch distribution {
        case let .uniform(low, width):
            for i in y.indices { y[i] = Self(low + width * generator.nextUnit()) }
        case let .normal(mean, standardDeviation):
            for i in y.indices { y[i] = Self(mean + standardDeviation * generator.nextNormal()) }
        case let .bernoulli(probability, value):
            let v = Self(value)
            for i in y.indices { y[i] = generator.nextUnit() < probability ? v : 0 }
        }
    }
}
