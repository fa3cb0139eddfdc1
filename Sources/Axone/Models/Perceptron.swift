/// Rosenblatt's perceptron (seeds 000, 001): a weighted sum followed by the Heaviside step,
/// trained example by example with the perceptron rule `w ← w + η·(y − ŷ)·x`, `b ← b + η·(y − ŷ)`.
///
/// It converges on linearly separable data (AND, OR) and cannot learn XOR, which needs a hidden
/// layer (seed 003:484).
///
/// ```swift
/// var and = try Perceptron(inputs: 2)
/// and.train(points: [[0, 0], [0, 1], [1, 0], [1, 1]], labels: [0, 0, 0, 1], epochs: 20)
/// and.predict([1, 1])   // 1
/// ```
public struct Perceptron: Sendable, Equatable {
    /// One weight per input.
    public private(set) var weights: [Double]
    /// The bias (minus the threshold).
    public private(set) var bias = 0.0
    /// The step size η.
    public var learningRate: Double

    /// A perceptron with zero weights.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `inputs` is not positive.
    public init(inputs: Int, learningRate: Double = 1) throws {
        guard inputs > 0 else { throw TensorError.invalidArgument("Perceptron: needs at least one input, got \(inputs)") }
        weights = Array(repeating: 0, count: inputs)
        self.learningRate = learningRate
    }

    /// The weighted sum `w·x + b`.
    public func score(_ x: [Double]) -> Double {
        precondition(x.count == weights.count, "Perceptron: \(x.count) inputs for \(weights.count) weights")
        return zip(weights, x).map(*).reduce(bias, +)
    }

    /// The class (0 or 1): the step of the score.
    public func predict(_ x: [Double]) -> Int { score(x) >= 0 ? 1 : 0 }

    /// Passes over the examples in order, updating on every mistake; stops early after an epoch
    /// without mistakes. Returns the number of mistakes in each epoch.
    @discardableResult
    public mutating func train(points: [[Double]], labels: [Int], epochs: Int) -> [Int] {
        precondition(points.count == labels.count, "Perceptron: \(points.count) points for \(labels.count) labels")
        var mistakesPerEpoch: [Int] = []
        for _ in 0..<epochs {
            var mistakes = 0
            for (x, y) in zip(points, labels) {
                let error = Double(y - predict(x))
                guard error != 0 else { continue }
                mistakes += 1
                for i in weights.indices { weights[i] += learningRate * error * x[i] }
                bias += learningRate * error
            }
            mistakesPerEpoch.append(mistakes)
            if mistakes == 0 { break }
        }
        return mistakesPerEpoch
    }

    /// The fraction of examples classified correctly.
    public func accuracy(points: [[Double]], labels: [Int]) -> Double {
        Double(zip(points, labels).filter { predict($0) == $1 }.count) / Double(Swift.max(points.count, 1))
    }
}
