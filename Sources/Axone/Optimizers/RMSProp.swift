/// RMSProp (Hinton's lecture 6e; seeds 000, 001, 002).
///
/// PyTorch form (default): `s ← α·s + (1 − α)·g²`, `θ ← θ − η·g/(√s + ε)` with α = 0.99, ε = 1e-8.
/// Keras form (`epsilonInsideRoot`, ρ = 0.9, ε = 1e-7): `θ ← θ − η·g/√(s + ε)`.
public final class RMSProp: Optimizer {
    /// RMSProp's hyper-parameters.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The decay rate α of the mean of the squared gradients (Keras calls it ρ).
        public var alpha = 0.99
        /// The ε of the denominator.
        public var epsilon = 1e-8
        /// The coupled weight decay λ: `λ·θ` is added to the gradient.
        public var weightDecay = 0.0
        /// Whether ε goes inside the root, `√(s + ε)` (Keras), rather than `√s + ε` (PyTorch).
        public var epsilonInsideRoot = false
    }

    /// The hyper-parameters.
    public var configuration: Configuration

    /// Creates the optimiser; the hyper-parameters are checked when training starts.
    ///
    /// - Parameters:
    ///   - learningRate: the step size η.
    ///   - alpha: the decay rate of the mean of the squared gradients.
    ///   - epsilon: the ε of the denominator.
    ///   - weightDecay: the coupled weight decay λ (`g ← g + λ·θ`).
    ///   - epsilonInsideRoot: use Keras's `√(s + ε)` instead of PyTorch's `√s + ε`.
    public init(learningRate: Double = 0.01, alpha: Double = 0.99, epsilon: Double = 1e-8, weightDecay: Double = 0,
                epsilonInsideRoot: Bool = false) {
        configuration = Configuration(alpha: alpha, epsilon: epsilon, weightDecay: weightDecay,
                                      epsilonInsideRoot: epsilonInsideRoot)
        super.init(learningRate: learningRate)
    }

    public override func validate() throws {
        try super.validate()
        try require("alpha", configuration.alpha, .unitInterval)
        try require("epsilon", configuration.epsilon, .positive)
        try require("weight decay", configuration.weightDecay, .nonNegative)
    }

    public override var slotNames: [String] { ["squareAverage"] }

    public override func rule(step t: Int) -> UpdateRule { .rmsProp(configuration, learningRate: learningRate) }
}

extension TensorScalar {
    static func rmsPropKernel(_ c: RMSProp.Configuration, learningRate: Double, _ p: UnsafeMutableBufferPointer<Self>,
                              _ g: UnsafeBufferPointer<Self>, _ s: UnsafeMutableBufferPointer<Self>) {
        let lr = Self(learningRate), alpha = Self(c.alpha), eps = Self(c.epsilon), wd = Self(c.weightDecay)
        for i in p.indices {
            let gi = g[i] + wd * p[i]
            s[i] = alpha * s[i] + (1 - alpha) * gi * gi
            let denominator = c.epsilonInsideRoot ? (s[i] + eps).squareRoot() : s[i].squareRoot() + eps
            p[i] -= lr * gi / denominator
        }
    }
}
