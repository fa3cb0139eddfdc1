/// A loss computed with its gradient in one pass over planned buffers, for the compiled step:
/// softmax cross-entropy from logits (`(softmax − y)·w/n`) and the mean squared error. Other
/// losses train on the eager tape.
enum LossKernel<Scalar: TensorScalar> {
    case softmaxCrossEntropy(smoothing: Scalar)
    case meanSquaredError

    /// The kernel for `loss`, or `nil` when it has none.
    init?(_ loss: Loss) {
        switch loss {
        case .categoricalCrossEntropy(fromLogits: true, let smoothing): self = .softmaxCrossEntropy(smoothing: Scalar(smoothing))
        case .meanSquaredError: self = .meanSquaredError
        default: return nil
        }
    }

    /// The per-row values the kernel reads for `targets` of a batch with predictions of `width`
    /// columns: the (smoothed) target distribution, or the targets themselves.
    func prepare(_ targets: Tensor<Scalar>, width: Int, into buffer: inout [Scalar]) {
        let count = (targets.shape.first ?? 0) * width
        if buffer.count != count { buffer = [Scalar](repeating: 0, count: count) }
        buffer.withUnsafeMutableBufferPointer { distribution in
            switch self {
            case .softmaxCrossEntropy(let smoothing):
                Loss.writeTargetDistribution(targets, classes: width, smoothing: smoothing, into: distribution)
            case .meanSquaredError:
                targets.withUnsafeBufferPointer { _ = distribution.update(fromContentsOf: $0) }
            }
        }
    }

    /// The summed loss of `rows` prediction rows against their prepared targets (`rows × width`
    /// each), weighted by `weights`; writes `scale·∂(summed loss)/∂prediction` into `gradient`.
    func lossAndGradient(_ predictions: UnsafeBufferPointer<Scalar>, targets: UnsafeBufferPointer<Scalar>,
                         weights: UnsafeBufferPointer<Scalar>?, rows: Int, width: Int, scale: Scalar,
                         gradient: UnsafeMutableBufferPointer<Scalar>?) -> Scalar {
        switch self {
        case .softmaxCrossEntropy:
            return Scalar.softmaxCrossEntropy(logits: predictions, targets: targets, weights: weights, rows: rows, columns: width,
                                              gradientScale: scale, gradient: gradient)
        case .meanSquaredError:
            // Each example's loss is the mean over its outputs of (ŷ − y)².
            var total: Scalar = 0
            let inverseWidth = 1 / Scalar(Swift.max(width, 1))
            for r in 0..<rows {
                let w = weights?[r] ?? 1
                var sum: Scalar = 0
                for j in (r * width)..<((r + 1) * width) {
                    let d = predictions[j] - targets[j]
                    sum += d * d
                    gradient?[j] = scale * w * 2 * d * inverseWidth
                }
                total += w * sum * inverseWidth
            }
            return total
        }
    }
}
