import RealModule

/// Nadam: Adam with Nesterov momentum (Dozat 2016), in PyTorch's form with its momentum schedule.
///
/// `μₜ = β₁·(1 − ½·0.96^(t·ψ))` (ψ = 0.004), `Πₜ = Π μᵢ`; with m, v as in Adam and
/// `d = √(v/(1 − β₂ᵗ)) + ε`:
/// `θ ← θ − η·(1 − μₜ)/(1 − Πₜ)·g/d − η·μₜ₊₁/(1 − Πₜ·μₜ₊₁)·m/d`.
/// (Keras 3 uses another schedule; a constant-β₁ textbook Nadam drifts from both, see SPEC §7.)
public final class Nadam: Optimizer {
    /// Nadam's hyper-parameters.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The decay rate β₁ of the first moment, scaled by the momentum schedule.
        public var beta1 = 0.9
        /// The decay rate β₂ of the second moment.
        public var beta2 = 0.999
        /// The ε added to the root in the denominator.
        public var epsilon = 1e-8
        /// The coupled weight decay λ: `λ·θ` is added to the gradient.
        public var weightDecay = 0.0
        /// The ψ of the momentum schedule `μₜ = β₁·(1 − ½·0.96^(t·ψ))`.
        public var momentumDecay = 0.004
    }

    /// The hyper-parameters.
    public var configuration: Configuration
    /// Π μᵢ over the steps taken (saved with the optimiser state).
    public private(set) var muProduct = 1.0
    private var productStep = 0

    /// Creates the optimiser; the hyper-parameters are checked when training starts.
    ///
    /// - Parameters:
    ///   - learningRate: the step size η.
    ///   - beta1: the decay rate of the first moment.
    ///   - beta2: the decay rate of the second moment.
    ///   - epsilon: the ε added to the root in the denominator.
    ///   - weightDecay: the coupled weight decay λ (`g ← g + λ·θ`).
    ///   - momentumDecay: the ψ of the momentum schedule.
    public init(learningRate: Double = 2e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, momentumDecay: Double = 0.004) {
        configuration = Configuration(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
                                      momentumDecay: momentumDecay)
        super.init(learningRate: learningRate)
    }

    public override func validate() throws {
        try super.validate()
        try requireAdamMoments(beta1: configuration.beta1, beta2: configuration.beta2, epsilon: configuration.epsilon,
                               weightDecay: configuration.weightDecay)
        try require("momentum decay", configuration.momentumDecay, .nonNegative)
    }

    public override var slotNames: [String] { ["m", "v"] }

    private func mu(_ t: Int) -> Double {
        configuration.beta1 * (1 - 0.5 * Double.pow(0.96, Double(t) * configuration.momentumDecay))
    }

    /// Π μᵢ for i in 1...t, stopping once a factor no longer changes it (μᵢ grows with i, so the
    /// product then stays put: 0 or the smallest subnormal) — a restored step count may be huge.
    private func product(through t: Int) -> Double {
        var result = 1.0, i = 1
        while i <= t {
            let next = result * mu(i)
            if next == result { break }
            result = next
            i += 1
        }
        return result
    }

    public override func rule(step t: Int) -> UpdateRule {
        let current = mu(t)
        // Incremental in normal training; recomputed after a restore or reset.
        muProduct = t == productStep + 1 ? muProduct * current : product(through: t)
        productStep = t
        return .nadam(configuration, learningRate: learningRate, step: t, mu: current, nextMu: mu(t + 1),
                      muProduct: muProduct)
    }
}

extension TensorScalar {
    static func nadamKernel(_ c: Nadam.Configuration, learningRate: Double, step t: Int, mu: Double, nextMu: Double,
                            muProduct: Double, _ p: UnsafeMutableBufferPointer<Self>, _ g: UnsafeBufferPointer<Self>,
                            _ m: UnsafeMutableBufferPointer<Self>, _ v: UnsafeMutableBufferPointer<Self>) {
        let b1 = Self(c.beta1), b2 = Self(c.beta2), eps = Self(c.epsilon), wd = Self(c.weightDecay)
        let rootCorrection = Self(1 / (1 - Double.pow(c.beta2, Double(t))).squareRoot())
        let gradientStep = Self(learningRate * (1 - mu) / (1 - muProduct))
        let momentumStep = Self(learningRate * nextMu / (1 - muProduct * nextMu))
        for i in p.indices {
            let gi = g[i] + wd * p[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            let d = v[i].squareRoot() * rootCorrection + eps
            p[i] -= (gradientStep * gi + momentumStep * m[i]) / d
        }
    }
}
