/// A built-in ``Loss`` as one primitive, the only definition of its formula and derivative: the
/// tape applies it (``Loss/callAsFunction(_:_:sampleWeights:)``) and the compiled training step
/// calls it on each row shard.
///
/// Inputs: the predictions ŷ (`[batch, …]`), the targets prepared for them (shaped like them, see
/// ``Loss/preparedTargets(_:predictionShape:)``) and, optionally, one weight per example (`[batch]`).
/// The output is the scalar `scale·Σᵢ wᵢ·ℓᵢ`, ℓᵢ being example i's loss; the pullback writes
/// `g·scale·wᵢ·∂ℓᵢ/∂ŷᵢ` (g the upstream scalar). Only the predictions carry a gradient. On the tape
/// `scale` is 1/batch; a compiled shard passes 1/(the whole batch), so the shards' outputs add up
/// to the batch's mean.
public struct LossPrimitive<Scalar: TensorScalar>: Primitive {
    /// The loss (never ``Loss/custom(_:)-enum.case``).
    public let loss: Loss
    /// The factor applied to the weighted sum over the examples (and to the gradient).
    public let scale: Scalar

    /// The primitive of `loss`, or `nil` for a custom loss (which runs as tape operations).
    public init?(_ loss: Loss, scale: Scalar) {
        if case .custom = loss { return nil }
        self.loss = loss
        self.scale = scale
    }

    public var name: String { "loss \(loss)" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 2 || inputShapes.count == 3, let batch = inputShapes[0].first else {
            throw TensorError.invalidArgument("\(name): predictions, targets and optional example weights expected")
        }
        guard inputShapes[1] == inputShapes[0] else {
            throw TensorError.incompatibleShapes(operation: "\(name) (predictions vs prepared targets)", lhs: inputShapes[0], rhs: inputShapes[1])
        }
        if inputShapes.count == 3, inputShapes[2] != [batch] {
            throw TensorError.incompatibleShapes(operation: "\(name) (examples vs weights)", lhs: [batch], rhs: inputShapes[2])
        }
        return []
    }

    public func isDifferentiable(input: Int) -> Bool { input == 0 }

    public var backwardReadsOutput: Bool { false }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        output.buffer[0] = scale * evaluate(inputs, gradientScale: 0, gradient: nil)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let gradient = gradients[0] else { return }
        _ = evaluate(inputs, gradientScale: upstream.buffer[0] * scale, gradient: gradient.buffer)
    }

    /// The forward and backward passes in one pass over the rows, as the compiled step runs them:
    /// returns the output and writes the gradient for an upstream of `upstream` into `gradient`.
    func valueAndGradient(_ inputs: [Operand<Scalar>], upstream: Scalar, into gradient: UnsafeMutableBufferPointer<Scalar>) -> Scalar {
        scale * evaluate(inputs, gradientScale: upstream * scale, gradient: gradient)
    }

    /// `Σᵢ wᵢ·ℓᵢ`; when `gradient` is given, writes `gradientScale·wᵢ·∂ℓᵢ/∂ŷᵢ` into it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func evaluate(_ inputs: [Operand<Scalar>], gradientScale: Scalar, gradient: UnsafeMutableBufferPointer<Scalar>?) -> Scalar {
        let predictions = inputs[0], rows = predictions.shape[0], width = rows == 0 ? 0 : predictions.count / rows
        let weights = inputs.count > 2 ? inputs[2].elements : nil
        guard width > 0 else { return 0 }
        if case .categoricalCrossEntropy(fromLogits: true, _) = loss {
            // All rows in one call, which takes their exponentials together.
            return Scalar.softmaxCrossEntropy(logits: predictions.elements, targets: inputs[1].elements, weights: weights,
                                              rows: rows, columns: width, gradientScale: gradientScale, gradient: gradient)
        }
        let rowLoss = LossRow<Scalar>(loss: loss, width: width)
        var total: Scalar = 0
        for i in 0..<rows {
            let w = weights?[i] ?? 1, start = i * width
            total += w * rowLoss(predictions.pointer + start, inputs[1].pointer + start, gradientScale: gradientScale * w,
                                 gradient: gradient.map { $0.baseAddress! + start })
        }
        return total
    }
}
