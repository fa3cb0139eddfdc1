/// Stochastic gradient descent, with optional momentum and Nesterov momentum (seeds 000, 001, 002).
///
/// Batch, mini-batch and online (stochastic) gradient descent differ only in the batch size given
/// to `fit`. Formulas (PyTorch's, also those of notes 000 and 001), with `g ← g + λ·θ` first when
/// `weightDecay` λ > 0:
/// - plain: `θ ← θ − η·g`
/// - momentum μ: `v ← μ·v + g`, `θ ← θ − η·v`
/// - Nesterov (Sutskever et al. 2013 in PyTorch's form): `v ← μ·v + g`, `θ ← θ − η·(g + μ·v)`
///
/// With `.keras` style (note 002's form): `v ← μ·v − η·g`, `θ ← θ + v` (Nesterov: `θ ← θ + μ·v − η·g`);
/// the two agree exactly while η is constant.
public final class SGD: Optimizer {
    /// The velocity formula: `pytorch` is `v ← μ·v + g`, `θ ← θ − η·v` (notes 000 and 001);
    /// `keras` is `v ← μ·v − η·g`, `θ ← θ + v` (note 002).
    public enum MomentumStyle: String, Sendable, Hashable, Codable { case pytorch, keras }

    /// SGD's hyper-parameters.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The momentum μ, in [0, 1); 0 is plain gradient descent.
        public var momentum = 0.0
        /// Whether to use Nesterov momentum.
        public var nesterov = false
        /// The coupled weight decay λ (PyTorch): `λ·θ` is added to the gradient.
        public var weightDecay = 0.0
        /// The velocity formula, PyTorch's or Keras's.
        public var style = MomentumStyle.pytorch
    }

    /// The hyper-parameters.
    public var configuration: Configuration

    /// Creates the optimiser; the hyper-parameters are checked when training starts.
    ///
    /// - Parameters:
    ///   - learningRate: the step size η.
    ///   - momentum: the momentum μ, in [0, 1).
    ///   - nesterov: use Nesterov momentum.
    ///   - weightDecay: the coupled weight decay λ (`g ← g + λ·θ`).
    ///   - style: PyTorch's velocity formula (the default) or Keras's.
    public init(learningRate: Double = 0.01, momentum: Double = 0, nesterov: Bool = false,
                weightDecay: Double = 0, style: MomentumStyle = .pytorch) {
        configuration = Configuration(momentum: momentum, nesterov: nesterov, weightDecay: weightDecay, style: style)
        super.init(learningRate: learningRate)
    }

    public override func validate() throws {
        try super.validate()
        try require("momentum", configuration.momentum, .unitInterval)
        try require("weight decay", configuration.weightDecay, .nonNegative)
        guard !configuration.nesterov || configuration.momentum > 0 else { throw OptimizerError.nesterovWithoutMomentum }
    }

    public override var slotNames: [String] { configuration.momentum == 0 ? [] : ["velocity"] }

    public override func rule(step t: Int) -> UpdateRule { .sgd(configuration, learningRate: learningRate) }
}

extension TensorScalar {
    static func sgdKernel(_ c: SGD.Configuration, learningRate: Double, _ p: UnsafeMutableBufferPointer<Self>,
                          _ g: UnsafeBufferPointer<Self>, _ slots: [UnsafeMutableBufferPointer<Self>]) {
        let lr = Self(learningRate), mu = Self(c.momentum), wd = Self(c.weightDecay)
        guard let v = slots.first else {
            for i in p.indices { p[i] -= lr * (g[i] + wd * p[i]) }
            return
        }
        switch (c.style, c.nesterov) {
        case (.pytorch, false):
            for i in p.indices { let gi = g[i] + wd * p[i]; v[i] = mu * v[i] + gi; p[i] -= lr * v[i] }
        case (.pytorch, true):
            for i in p.indices { let gi = g[i] + wd * p[i]; v[i] = mu * v[i] + gi; p[i] -= lr * (gi + mu * v[i]) }
        case (.keras, false):
            for i in p.indices { let gi = g[i] + wd * p[i]; v[i] = mu * v[i] - lr * gi; p[i] += v[i] }
        case (.keras, true):
            for i in p.indices { let gi = g[i] + wd * p[i]; v[i] = mu * v[i] - lr * gi; p[i] += mu * v[i] - lr * gi }
        }
    }
}
