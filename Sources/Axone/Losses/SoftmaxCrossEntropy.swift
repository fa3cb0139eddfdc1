extension TensorScalar {
    /// Softmax cross-entropy of `rows × columns` logits against target distributions: returns
    /// `Σᵢ wᵢ·(−Σₖ tᵢₖ·log softmax(zᵢ)ₖ)` and, when `gradient` is given, writes
    /// `gradientScale·wᵢ·(softmax(zᵢ)·Σₖtᵢₖ − tᵢ)` into it. Specialised for `Float` and `Double`.
    ///
    /// The exponentials of a block of rows are taken together (``apply(_:_:into:)`` with `.exp`,
    /// vectorised for `Float`), each from the value a row-by-row loop would use, so the result is
    /// the same as computing them one at a time.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func softmaxCrossEntropy(logits: UnsafeBufferPointer<Self>, targets: UnsafeBufferPointer<Self>,
                                           weights: UnsafeBufferPointer<Self>?, rows: Int, columns: Int,
                                           gradientScale: Self, gradient: UnsafeMutableBufferPointer<Self>?) -> Self {
        guard rows > 0 else { return 0 }
        precondition(columns > 0 && logits.count >= rows * columns && targets.count >= rows * columns,
                     "softmax cross-entropy: \(rows) rows of \(columns) logits expected")
        // Per row of a block: its maximum m, its target mass Σₖtₖ, then its shifted logits
        // (z − m, then z − m − log Σ e^(z − m)) side by side. A block of 256 scalars at most stays
        // on the stack, unless one row is longer.
        let blockRows = Swift.max(1, 256 / (columns + 2))
        return withUnsafeTemporaryAllocation(of: Self.self, capacity: blockRows * (columns + 2)) { scratch in
            let maxima = scratch.baseAddress!, masses = maxima + blockRows, shifted = masses + blockRows
            var total: Self = 0
            for first in stride(from: 0, to: rows, by: blockRows) {
                let count = Swift.min(blockRows, rows - first), block = UnsafeMutableBufferPointer(start: shifted, count: count * columns)
                for i in 0..<count {
                    let z = logits.baseAddress! + (first + i) * columns, e = shifted + i * columns
                    var m = z[0]
                    for k in 1..<columns { m = Swift.max(m, z[k]) }
                    maxima[i] = m
                    for k in 0..<columns { e[k] = z[k] - m }
                }
                apply(.exp, UnsafeBufferPointer(block), into: block)
                for i in 0..<count {
                    let row = first + i, z = logits.baseAddress! + row * columns, t = targets.baseAddress! + row * columns
                    let e = shifted + i * columns, m = maxima[i]
                    var sum: Self = 0, mass: Self = 0, dot: Self = 0
                    for k in 0..<columns {
                        sum += e[k]
                        mass += t[k]
                        dot += t[k] * (z[k] - m)
                    }
                    let logSum = Self.log(sum), w = weights?[row] ?? 1
                    // −Σₖ tₖ·(zₖ − m − log Σ e^(z − m)) = mass·log Σ − Σₖ tₖ·(zₖ − m)
                    total += w * (mass * logSum - dot)
                    masses[i] = mass
                    for k in 0..<columns { e[k] = z[k] - m - logSum }
                }
                guard let gradient else { continue }
                apply(.exp, UnsafeBufferPointer(block), into: block)
                for i in 0..<count {
                    let row = first + i, t = targets.baseAddress! + row * columns, g = gradient.baseAddress! + row * columns
                    let e = shifted + i * columns, mass = masses[i], scale = gradientScale * (weights?[row] ?? 1)
                    for k in 0..<columns { g[k] = scale * (e[k] * mass - t[k]) }
                }
            }
            return total
        }
    }
}
