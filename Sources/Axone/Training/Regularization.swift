/// Weight penalties added to the loss (seeds 000, 002, 003). They apply to weights only — the
/// parameters named `weight` (Dense, Maxout kernels); biases, BatchNorm's γ/β and PReLU's α are
/// not penalised.
///
/// `l1` adds `α₁·Σ|w|` (gradient `α₁·sign(w)`; seed 000 writes `Σwᵢ`, the standard form is `Σ|wᵢ|`),
/// `l2` adds `α₂·Σw²` (Keras' `l2(α₂)`). PyTorch's `weight_decay = λ` on SGD equals `l2 = λ/2`.
public struct Regularization: Sendable, Hashable {
    /// The L1 coefficient α₁ (≥ 0).
    public let l1: Double
    /// The L2 coefficient α₂ (≥ 0).
    public let l2: Double

    /// Creates the penalty `α₁·Σ|w| + α₂·Σw²`.
    /// - Throws: ``TrainingError/invalidArgument(_:)`` unless both coefficients are finite and ≥ 0.
    public init(l1: Double = 0, l2: Double = 0) throws {
        guard l1 >= 0 && l1.isFinite && l2 >= 0 && l2.isFinite else {
            throw TrainingError.invalidArgument("Regularization: l1 and l2 must be finite numbers ≥ 0, got l1 \(l1), l2 \(l2)")
        }
        self.l1 = l1
        self.l2 = l2
    }

    /// Whether a parameter is penalised (its property name is `weight`).
    public static func isPenalized(_ name: String) -> Bool { name == "weight" || name.hasSuffix(".weight") }

    /// The penalty on the penalised parameters among `parameters`, or `nil` when there is none.
    public func penalty<Scalar: TensorScalar>(_ parameters: [(name: String, variable: Variable<Scalar>)]) -> Variable<Scalar>? {
        guard l1 > 0 || l2 > 0 else { return nil }
        let terms = parameters.filter { Regularization.isPenalized($0.name) }.map {
            Variable.applying(PenaltyPrimitive(l1: l1, l2: l2), to: [$0.variable])
        }
        guard let first = terms.first else { return nil }
        return terms.dropFirst().reduce(first, +)
    }
}

/// The max-norm constraint (Srebro & Shraibman 2005, used with dropout by Srivastava et al.):
/// after each update, the incoming weight vector of every unit (a column of a `[in, out]` kernel)
/// is rescaled to norm `maxNorm` when it is longer.
public struct MaxNormConstraint: Sendable, Hashable {
    /// The largest norm a unit's incoming weight vector may keep (> 0).
    public let maxNorm: Double

    /// Creates the constraint.
    /// - Throws: ``TrainingError/invalidArgument(_:)`` unless `maxNorm` is a positive number.
    public init(maxNorm: Double) throws {
        guard maxNorm > 0 && !maxNorm.isNaN else {
            throw TrainingError.invalidArgument("MaxNormConstraint: maxNorm must be a number > 0, got \(maxNorm)")
        }
        self.maxNorm = maxNorm
    }

    /// Rescales the columns of every penalised (`weight`) rank-2 parameter in place.
    public func apply<Scalar: TensorScalar>(to parameters: [(name: String, variable: Variable<Scalar>)]) {
        for (name, w) in parameters where Regularization.isPenalized(name) && w.value.rank == 2 {
            let norms = w.value.mapped(.square).sum(alongAxes: [0]).mapped(.sqrt)
            let limit = Scalar(maxNorm)
            let scales = Tensor(shape: norms.shape, scalars: norms.scalars.map { $0 > limit ? limit / $0 : 1 })
            w.value = w.value * scales
        }
    }
}
