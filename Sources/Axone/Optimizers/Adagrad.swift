/// Adagrad (Duchi et al. 2011; seeds 000, 001): per-coordinate steps shrink with the sum of squared gradients.
///
/// PyTorch form (default): `s ← s + g²`, `θ ← θ − η·g/(√s + ε)` with ε = 1e-10, s₀ = 0.
/// Keras/seed 000 form (`epsilonInsideRoot`, ε = 1e-7, s₀ = 0.1 in Keras): `θ ← θ − η·g/√(s + ε)`.
public final class Adagrad: Optimizer {
    /// Adagrad's hyper-parameters.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The ε added to the denominator, outside the root (PyTorch) or inside it (Keras).
        public var epsilon = 1e-10
        /// The coupled weight decay λ: `λ·θ` is added to the gradient.
        public var weightDecay = 0.0
        /// Whether ε goes inside the root, `√(s + ε)` (Keras, seed 000), rather than `√s + ε` (PyTorch).
        public var epsilonInsideRoot = false
    }

    /// The hyper-parameters.
    public var configuration: Configuration
    /// The starting value of the accumulator s (PyTorch 0, Keras 0.1).
    public let initialAccumulatorValue: Double

    /// Creates the optimiser; the hyper-parameters are checked when training starts.
    ///
    /// - Parameters:
    ///   - learningRate: the step size η.
    ///   - epsilon: the ε of the denominator.
    ///   - weightDecay: the coupled weight decay λ (`g ← g + λ·θ`).
    ///   - epsilonInsideRoot: use Keras's `√(s + ε)` instead of PyTorch's `√s + ε`.
    ///   - initialAccumulatorValue: the starting value of the sum of squared gradients (PyTorch 0, Keras 0.1).
    public init(learningRate: Double = 0.01, epsilon: Double = 1e-10, weightDecay: Double = 0,
                epsilonInsideRoot: Bool = false, initialAccumulatorValue: Double = 0) {
        configuration = Configuration(epsilon: epsilon, weightDecay: weightDecay, epsilonInsideRoot: epsilonInsideRoot)
        self.initialAccumulatorValue = initialAccumulatorValue
        super.init(learningRate: learningRate)
    }

    public override func validate() throws {
        try super.validate()
        try require("epsilon", configuration.epsilon, .positive)
        try require("weight decay", configuration.weightDecay, .nonNegative)
        try require("initial accumulator value", initialAccumulatorValue, .nonNegative)
    }

    public override var slotNames: [String] { ["sum"] }

    public override func rule(step t: Int) -> UpdateRule { .adagrad(configuration, learningRate: learningRate) }


    public override var slotInitialValues: [Double] { [initialAccumulatorValue] }
}

extension TensorScalar {
    static func adagradKernel(_ c: Adagrad.Configuration, learningRate: Double, _ p: UnsafeMutableBufferPointer<Self>,
                              _ g: UnsafeBufferPointer<Self>, _ s: UnsafeMutableBufferPointer<Self>) {
        let lr = Self(learningRate), eps = Self(c.epsilon), wd = Self(c.weightDecay)
        if c.epsilonInsideRoot {
            for i in p.indices { let gi = g[i] + wd * p[i]; s[i] += gi * gi; p[i] -= lr * gi / (s[i] + eps).squareRoot() }
        } else {
            for i in p.indices { let gi = g[i] + wd * p[i]; s[i] += gi * gi; p[i] -= lr * gi / (s[i].squareRoot() + eps) }
        }
    }
}
