extension Variable {
    /// Softmax cross-entropy from logits fused with its gradient:
    /// `L = (1/n)·Σᵢ wᵢ·(−Σₖ tᵢₖ·log softmax(zᵢ)ₖ)`, pullback `dz = (wᵢ/n)·(softmax(zᵢ)·Σₖtᵢₖ − tᵢ)`
    /// (with one-hot targets, seed 004's `dZ = A − Y`, divided by n).
    public static func softmaxCrossEntropy(logits: Variable, targets: Tensor<Scalar>,
                                           sampleWeights: Tensor<Scalar>? = nil) -> Variable {
        let z = logits.value
        precondition(z.rank == 2 && targets.shape == z.shape,
                     TensorError.incompatibleShapes(operation: "softmaxCrossEntropy", lhs: z.shape, rhs: targets.shape).description)
        let (n, classes) = (z.shape[0], z.shape[1])
        let logProbabilities = z.logSoftmax()
        let weights = sampleWeights?.scalars ?? [Scalar](repeating: 1, count: n)
        precondition(weights.count == n, "softmaxCrossEntropy: \(weights.count) sample weights for \(n) examples")
        var total: Scalar = 0
        logProbabilities.withUnsafeBufferPointer { lp in
            targets.withUnsafeBufferPointer { t in
                for i in 0..<n {
                    var row: Scalar = 0
                    for k in 0..<classes { row -= t[i * classes + k] * lp[i * classes + k] }
                    total += weights[i] * row
                }
            }
        }
        let loss = Tensor(total / Scalar(Swift.max(n, 1)))
        return Variable(loss, inputs: [logits]) { g in
            let scale = g.scalar / Scalar(Swift.max(n, 1))
            return [Tensor(shape: z.shape) { dz in
                logProbabilities.withUnsafeBufferPointer { lp in
                    targets.withUnsafeBufferPointer { t in
                        for i in 0..<n {
                            var mass: Scalar = 0
                            for k in 0..<classes { mass += t[i * classes + k] }
                            let w = scale * weights[i]
                            for k in 0..<classes {
                                let j = i * classes + k
                                dz[j] = w * (Scalar.exp(lp[j]) * mass - t[j])
                            }
                        }
                    }
                }
            }]
        }
    }
}
