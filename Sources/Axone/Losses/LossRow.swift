/// One example's loss ℓ under a built-in ``Loss`` and its gradient, from its `width` predictions
/// and their prepared targets (see ``Loss/preparedTargets(_:predictionShape:)``): the formulas of
/// ``LossPrimitive``, written once for the value and the derivative.
///
/// At a kink the gradient is the tape's: `|x|` and `max(0, x)` have slope 0 at 0, clipping passes
/// the gradient on its bounds, and a maximum shares it equally among the entries that attain it.
struct LossRow<Scalar: TensorScalar> {
    /// The loss (not ``Loss/custom(_:)-enum.case``).
    let loss: Loss
    /// The predictions per example.
    let width: Int

    /// ℓ of the predictions at `p` against the prepared targets at `t`; when `gradient` is given,
    /// writes `scale·∂ℓ/∂p` into it.
    @inline(__always)
    func callAsFunction(_ p: UnsafeMutablePointer<Scalar>, _ t: UnsafeMutablePointer<Scalar>, gradientScale scale: Scalar,
                        gradient: UnsafeMutablePointer<Scalar>?) -> Scalar {
        switch loss {
        case .meanSquaredError:
            return mean(p, t, scale, gradient) { p, y in
                let d = p - y
                return (d * d, 2 * d)
            }
        case .meanAbsoluteError:
            return mean(p, t, scale, gradient) { p, y in
                let d = p - y
                return (Swift.abs(d), d > 0 ? 1 : (d < 0 ? -1 : 0))
            }
        case .binaryCrossEntropy(fromLogits: true):
            // softplus(z) − y·z, which never overflows; slope σ(z) − y.
            return mean(p, t, scale, gradient) { z, y in (stableSoftplus(z) - y * z, stableSigmoid(z) - y) }
        case .binaryCrossEntropy(fromLogits: false):
            return mean(p, t, scale, gradient) { p, y in
                let (c, inside) = Self.clipped(p)
                return (-(y * Scalar.log(c) + (1 - y) * Scalar.log(1 - c)), inside ? (1 - y) / (1 - c) - y / c : 0)
            }
        case .hinge:
            // Targets are signs t = ±1: max(0, 1 − t·s), slope −t where the margin is violated.
            return mean(p, t, scale, gradient) { s, t in
                let margin = 1 - t * s
                return margin > 0 ? (margin, -t) : (0, 0)
            }
        case .categoricalCrossEntropy(fromLogits: false, _):
            // −Σₖ yₖ·log pₖ (clipped), slope −yₖ/pₖ.
            var total: Scalar = 0
            for k in 0..<width {
                let (c, inside) = Self.clipped(p[k])
                total += -(t[k] * Scalar.log(c))
                gradient?[k] = inside ? -scale * t[k] / c : 0
            }
            return total
        case .categoricalHinge:
            return categoricalHinge(p, t, scale, gradient)
        case .multiclassHinge(let margin):
            return multiclassHinge(p, t, margin: Scalar(margin), scale, gradient)
        case .perceptron where width == 1:
            // max(0, −t·s) for a sign t, slope −t when misclassified.
            let violation = -(t[0] * p[0])
            gradient?[0] = violation > 0 ? -scale * t[0] : 0
            return violation > 0 ? violation : 0
        case .perceptron:
            // maxⱼ sⱼ − Σⱼ yⱼ·sⱼ.
            let (top, ties) = Self.maximum(width) { p[$0] }
            var correct: Scalar = 0
            for k in 0..<width { correct += p[k] * t[k] }
            if let gradient {
                for k in 0..<width { gradient[k] = scale * ((p[k] == top ? 1 / ties : 0) - t[k]) }
            }
            return top - correct
        case .categoricalCrossEntropy(fromLogits: true, _):
            preconditionFailure("LossRow: softmax cross-entropy runs over whole batches (TensorScalar.softmaxCrossEntropy)")
        case .custom:
            preconditionFailure("LossRow: a custom loss runs as tape operations")
        }
    }

    /// The mean over the row of an elementwise loss `f(ŷ, y) = (value, slope)`.
    @inline(__always)
    private func mean(_ p: UnsafeMutablePointer<Scalar>, _ t: UnsafeMutablePointer<Scalar>, _ scale: Scalar,
                      _ gradient: UnsafeMutablePointer<Scalar>?, _ f: (Scalar, Scalar) -> (Scalar, Scalar)) -> Scalar {
        let inverseWidth = 1 / Scalar(width), slopeScale = scale * inverseWidth
        var sum: Scalar = 0
        for k in 0..<width {
            let (value, slope) = f(p[k], t[k])
            sum += value
            gradient?[k] = slopeScale * slope
        }
        return sum * inverseWidth
    }

    /// Keras' `categorical_hinge`: `max(0, 1 + neg − pos)`, `pos = Σⱼ yⱼ·sⱼ`, `neg = maxⱼ (1 − yⱼ)·sⱼ`
    /// (the true class's zeroed entry included).
    private func categoricalHinge(_ s: UnsafeMutablePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, _ scale: Scalar,
                                  _ gradient: UnsafeMutablePointer<Scalar>?) -> Scalar {
        var positive: Scalar = 0
        for k in 0..<width { positive += s[k] * y[k] }
        let (negative, ties) = Self.maximum(width) { s[$0] * (1 - y[$0]) }
        let loss = (negative - positive) + 1
        if let gradient {
            for k in 0..<width {
                let pick: Scalar = s[k] * (1 - y[k]) == negative ? (1 - y[k]) / ties : 0
                gradient[k] = loss > 0 ? scale * (pick - y[k]) : 0
            }
        }
        return loss > 0 ? loss : 0
    }

    /// Weston–Watkins: `Σⱼ (1 − yⱼ)·max(0, Δ + sⱼ − c)`, `c = Σₖ yₖ·sₖ`.
    private func multiclassHinge(_ s: UnsafeMutablePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, margin: Scalar,
                                 _ scale: Scalar, _ gradient: UnsafeMutablePointer<Scalar>?) -> Scalar {
        var correct: Scalar = 0
        for k in 0..<width { correct += s[k] * y[k] }
        var loss: Scalar = 0, violations: Scalar = 0
        for j in 0..<width {
            let m = (s[j] - correct) + margin
            if m > 0 {
                loss += m * (1 - y[j])
                violations += 1 - y[j]
            }
        }
        if let gradient {
            for j in 0..<width {
                let active: Scalar = (s[j] - correct) + margin > 0 ? 1 - y[j] : 0
                gradient[j] = scale * (active - y[j] * violations)
            }
        }
        return loss
    }

    /// A probability clipped to [1e-7, 1 − 1e-7] (as Keras does), and whether it was inside (bounds included).
    @inline(__always)
    private static func clipped(_ p: Scalar) -> (Scalar, inside: Bool) {
        let epsilon = Scalar(1e-7)
        return (Swift.min(Swift.max(p, epsilon), 1 - epsilon), p >= epsilon && p <= 1 - epsilon)
    }

    /// The maximum of `value(0..<count)` and how many entries attain it.
    @inline(__always)
    private static func maximum(_ count: Int, _ value: (Int) -> Scalar) -> (Scalar, ties: Scalar) {
        var top = value(0), ties: Scalar = 1
        for k in 1..<count {
            let v = value(k)
            if v > top { (top, ties) = (v, 1) } else if v == top { ties += 1 }
        }
        return (top, ties)
    }
}
