extension TensorScalar {
    /// Softmax cross-entropy of `rows × columns` logits against target distributions: returns
    /// `Σᵢ wᵢ·(−Σₖ tᵢₖ·log softmax(zᵢ)ₖ)` and, when `gradient` is given, writes
    /// `gradientScale·wᵢ·(softmax(zᵢ)·Σₖtᵢₖ − tᵢ)` into it. Specialised for `Float` and `Double`.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func softmaxCrossEntropy(logits: UnsafeBufferPointer<Self>, targets: UnsafeBufferPointer<Self>,
                                           weights: UnsafeBufferPointer<Self>?, rows: Int, columns: Int,
                                           gradientScale: Self, gradient: UnsafeMutableBufferPointer<Self>?) -> Self {
        var total: Self = 0
        for i in 0..<rows {
            let z = logits.baseAddress! + i * columns, t = targets.baseAddress! + i * columns
            var m = z[0]
            for k in 1..<columns { m = Swift.max(m, z[k]) }
            var sum: Self = 0, mass: Self = 0, dot: Self = 0
            for k in 0..<columns {
                sum += Self.exp(z[k] - m)
                mass += t[k]
                dot += t[k] * (z[k] - m)
            }
            let logSum = Self.log(sum), w = weights?[i] ?? 1
            // −Σₖ tₖ·(zₖ − m − log Σ e^(z − m)) = mass·log Σ − Σₖ tₖ·(zₖ − m)
            total += w * (mass * logSum - dot)
            if let gradient {
                let scale = gradientScale * w, g = gradient.baseAddress! + i * columns
                for k in 0..<columns { g[k] = scale * (Self.exp(z[k] - m - logSum) * mass - t[k]) }
            }
        }
        return total
    }
}
