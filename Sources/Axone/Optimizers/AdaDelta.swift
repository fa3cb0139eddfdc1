/// AdaDelta (Zeiler 2012, "ADADELTA: an adaptive learning rate method"); the notes only name it.
///
/// `s ← ρ·s + (1 − ρ)·g²`, `Δ ← √(u + ε)/√(s + ε)·g`, `u ← ρ·u + (1 − ρ)·Δ²`, `θ ← θ − η·Δ`,
/// with PyTorch's defaults η = 1, ρ = 0.9, ε = 1e-6.
public final class AdaDelta: Optimizer {
    /// AdaDelta's hyper-parameters.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The decay rate ρ of both running averages.
        public var rho = 0.9
        /// The ε added inside both roots.
        public var epsilon = 1e-6
        /// The coupled weight decay λ: `λ·θ` is added to the gradient.
        public var weightDecay = 0.0
    }

    /// The hyper-parameters.
    public var configuration: Configuration

    /// Creates the optimiser; the hyper-parameters are checked when training starts.
    ///
    /// - Parameters:
    ///   - learningRate: the factor η applied to the step Δ (1 in Zeiler's paper).
    ///   - rho: the decay rate of the running averages.
    ///   - epsilon: the ε added inside the roots.
    ///   - weightDecay: the coupled weight decay λ (`g ← g + λ·θ`).
    public init(learningRate: Double = 1.0, rho: Double = 0.9, epsilon: Double = 1e-6, weightDecay: Double = 0) {
        configuration = Configuration(rho: rho, epsilon: epsilon, weightDecay: weightDecay)
        super.init(learningRate: learningRate)
    }

    public override func validate() throws {
        try super.validate()
        try require("rho", configuration.rho, .closedUnitInterval)
        try require("epsilon", configuration.epsilon, .positive)
        try require("weight decay", configuration.weightDecay, .nonNegative)
    }

    public override var slotNames: [String] { ["squareAverage", "deltaAverage"] }

    public override func rule(step t: Int) -> UpdateRule { .adaDelta(configuration, learningRate: learningRate) }
}

extension TensorScalar {
    static func adaDeltaKernel(_ c: AdaDelta.Configuration, learningRate: Double, _ p: UnsafeMutableBufferPointer<Self>,
                               _ g: UnsafeBufferPointer<Self>, _ s: UnsafeMutableBufferPointer<Self>,
                               _ u: UnsafeMutableBufferPointer<Self>) {
        let lr = Self(learningRate), rho = Self(c.rho), eps = Self(c.epsilon), wd = Self(c.weightDecay)
        for i in p.indices {
            let gi = g[i] + wd * p[i]
            s[i] = rho * s[i] + (1 - rho) * gi * gi
            let delta = (u[i] + eps).squareRoot() / (s[i] + eps).squareRoot() * gi
            u[i] = rho * u[i] + (1 - rho) * delta * delta
            p[i] -= lr * delta
        }
    }
}
