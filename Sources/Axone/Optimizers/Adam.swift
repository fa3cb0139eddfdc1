import CAxoneKernels
import RealModule

/// Adam (Kingma & Ba 2015; seeds 000, 001, 002) and, with decoupled weight decay, AdamW
/// (Loshchilov & Hutter 2019).
///
/// PyTorch form: `m ← β₁·m + (1 − β₁)·g`, `v ← β₂·v + (1 − β₂)·g²`, `m̂ = m/(1 − β₁ᵗ)`,
/// `v̂ = v/(1 − β₂ᵗ)`, `θ ← θ − η·m̂/(√v̂ + ε)`; defaults η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
/// Because of the bias correction the first step is `η·sign(g)` (up to ε).
/// Seed 001 swaps the names of the moments (v for the first, m for the second) and uses β₂ = 0.99.
/// `weightDecay` adds `λ·θ` to the gradient (L2, PyTorch `Adam`); in ``AdamW`` it instead
/// shrinks the weights directly: `θ ← θ − η·λ·θ` before the step.
public class Adam: Optimizer {
    /// Adam's hyper-parameters.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The decay rate β₁ of the first moment (the mean of the gradients).
        public var beta1 = 0.9
        /// The decay rate β₂ of the second moment (the mean of the squared gradients).
        public var beta2 = 0.999
        /// The ε added to `√v̂` in the denominator.
        public var epsilon = 1e-8
        /// The weight decay λ: added to the gradient as `λ·θ`, or, when decoupled, applied to the weights.
        public var weightDecay = 0.0
        /// Whether the weight decay shrinks the weights directly, as in ``AdamW``.
        public var decoupledWeightDecay = false
    }

    /// The hyper-parameters.
    public var configuration: Configuration

    /// Creates the optimiser; the hyper-parameters are checked when training starts.
    ///
    /// - Parameters:
    ///   - learningRate: the step size η.
    ///   - beta1: the decay rate of the first moment.
    ///   - beta2: the decay rate of the second moment.
    ///   - epsilon: the ε added to the root in the denominator.
    ///   - weightDecay: the coupled weight decay λ (`g ← g + λ·θ`, PyTorch `Adam`).
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0) {
        configuration = Configuration(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        super.init(learningRate: learningRate)
    }

    public override func validate() throws {
        try super.validate()
        try requireAdamMoments(beta1: configuration.beta1, beta2: configuration.beta2, epsilon: configuration.epsilon,
                               weightDecay: configuration.weightDecay)
    }

    public override var slotNames: [String] { ["m", "v"] }

    public override func rule(step t: Int) -> UpdateRule { .adam(configuration, learningRate: learningRate, step: t) }
}

/// Adam with decoupled weight decay (PyTorch `AdamW`, default λ = 0.01; it decays every parameter
/// it is given, biases included, as PyTorch and Keras do).
public final class AdamW: Adam {
    /// Creates the optimiser; the hyper-parameters are checked when training starts.
    ///
    /// - Parameters:
    ///   - learningRate: the step size η.
    ///   - beta1: the decay rate of the first moment.
    ///   - beta2: the decay rate of the second moment.
    ///   - epsilon: the ε added to the root in the denominator.
    ///   - weightDecay: the decoupled weight decay λ: `θ ← θ − η·λ·θ` before each step.
    public override init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0.01) {
        super.init(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        configuration.decoupledWeightDecay = true
    }
}

extension TensorScalar {
    static func adamKernel(_ c: Adam.Configuration, learningRate: Double, step t: Int,
                           _ p: UnsafeMutableBufferPointer<Self>, _ g: UnsafeBufferPointer<Self>, adding g2: UnsafeBufferPointer<Self>?,
                           _ m: UnsafeMutableBufferPointer<Self>, _ v: UnsafeMutableBufferPointer<Self>) {
        let b1 = Self(c.beta1), b2 = Self(c.beta2), eps = Self(c.epsilon)
        let correction1 = 1 - Double.pow(c.beta1, Double(t)), correction2 = 1 - Double.pow(c.beta2, Double(t))
        // θ −= η/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε), with the constants folded once.
        let stepSize = Self(learningRate / correction1), rootCorrection = Self(1 / correction2.squareRoot())
        let coupled = c.decoupledWeightDecay ? 0 : Self(c.weightDecay)
        let shrink = c.decoupledWeightDecay ? Self(1 - learningRate * c.weightDecay) : 1
        adamStep(parameter: p, gradient: g, addedGradient: g2, m: m, v: v, beta1: b1, beta2: b2, stepSize: stepSize,
                 rootCorrection: rootCorrection, epsilon: eps, coupled: coupled, shrink: shrink)
    }
}

extension TensorScalar {
    /// Adam's step in one pass of the C kernel for this element type (`axone_adam_f32`/`_f64`):
    /// the moments and the parameter are updated together, `addedGradient` summed into `gradient`.
    static func adamStep(parameter: UnsafeMutableBufferPointer<Self>, gradient: UnsafeBufferPointer<Self>,
                         addedGradient: UnsafeBufferPointer<Self>?, m: UnsafeMutableBufferPointer<Self>,
                         v: UnsafeMutableBufferPointer<Self>, beta1: Self, beta2: Self, stepSize: Self,
                         rootCorrection: Self, epsilon: Self, coupled: Self, shrink: Self) {
        precondition(addedGradient.map { $0.count == gradient.count } ?? true, "adamStep: gradients of different sizes")
        func mutable<T>(_ buffer: UnsafeMutableBufferPointer<Self>) -> UnsafeMutablePointer<T>? { buffer.baseAddress?.rebound(to: T.self) }
        func readOnly<T>(_ buffer: UnsafeBufferPointer<Self>?) -> UnsafePointer<T>? { buffer?.baseAddress?.rebound(to: T.self) }
        if Self.self == Float.self {
            axone_adam_f32(mutable(parameter), readOnly(gradient), readOnly(addedGradient), mutable(m), mutable(v), parameter.count,
                           Float(beta1), Float(beta2), Float(stepSize), Float(rootCorrection), Float(epsilon), Float(coupled), Float(shrink))
        } else if Self.self == Double.self {
            axone_adam_f64(mutable(parameter), readOnly(gradient), readOnly(addedGradient), mutable(m), mutable(v), parameter.count,
                           Double(beta1), Double(beta2), Double(stepSize), Double(rootCorrection), Double(epsilon), Double(coupled), Double(shrink))
        } else {
            preconditionFailure("adamStep: no kernel for \(Self.self)")
        }
    }
}
