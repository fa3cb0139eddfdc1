/// The weight penalty `α₁·Σ|w| + α₂·Σw²` of one parameter (see ``Regularization``); pullback
/// `dw = g·(α₁·sign(w) + 2·α₂·w)`. The tape and the compiled step both use it.
public struct PenaltyPrimitive<Scalar: TensorScalar>: Primitive {
    /// The L1 coefficient α₁.
    public let l1: Double
    /// The L2 coefficient α₂.
    public let l2: Double

    /// Creates the primitive.
    public init(l1: Double, l2: Double) {
        self.l1 = l1
        self.l2 = l2
    }

    public var name: String { "penalty" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw TensorError.invalidArgument("penalty: one input expected, got \(inputShapes.count)") }
        return []
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        let (l1, l2) = (Scalar(self.l1), Scalar(self.l2))
        var absolute: Scalar = 0, squares: Scalar = 0
        for w in inputs[0].elements {
            absolute += Swift.abs(w)
            squares += w * w
        }
        output.buffer[0] = (l1 > 0 ? l1 * absolute : 0) + (l2 > 0 ? l2 * squares : 0)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dw = gradients[0] else { return }
        let g = upstream.buffer[0], l1 = g * Scalar(self.l1), l2 = g * 2 * Scalar(self.l2)
        for (i, w) in inputs[0].elements.enumerated() {
            let sign: Scalar = w > 0 ? 1 : (w < 0 ? -1 : 0)
            dw.buffer[i] = l1 * sign + l2 * w
        }
    }

    public var backwardReadsOutput: Bool { false }
}
