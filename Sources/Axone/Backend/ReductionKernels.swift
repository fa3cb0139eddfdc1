import CAxoneKernels

/// How a reduction combines the elements along an axis.
public enum ReductionOperator: Sendable, Hashable {
    /// The sum, the largest or the smallest of the elements.
    case sum, maximum, minimum
}

extension TensorScalar {
    public static func reduce(_ op: ReductionOperator, _ x: UnsafeBufferPointer<Self>, outer: Int, count: Int,
                              inner: Int, into out: UnsafeMutableBufferPointer<Self>) {
        precondition(x.count == outer * count * inner && out.count == outer * inner,
                     "reduction kernel: mismatched buffer sizes")
        guard let px = x.baseAddress, let po = out.baseAddress else { return }
        for o in 0..<outer {
            let src = px + o * count * inner, dst = po + o * inner
            if count == 0 {
                for i in 0..<inner { dst[i] = op == .sum ? 0 : .nan }
                continue
            }
            // Sums in the C kernels, in 256- or 512-bit registers where the CPU has them (same order, same bits).
            if op == .sum, Self.self == Float.self {
                axone_sum_rows_f32(src.rebound(to: Float.self), count, inner, dst.rebound(to: Float.self))
                continue
            }
            if op == .sum, Self.self == Double.self {
                axone_sum_rows_f64(src.rebound(to: Double.self), count, inner, dst.rebound(to: Double.self))
                continue
            }
            for i in 0..<inner { dst[i] = src[i] }
            // Fixed summation order (k ascending) keeps results reproducible run to run.
            for k in 1..<Swift.max(count, 1) {
                let row = src + k * inner
                switch op {
                case .sum: for i in 0..<inner { dst[i] += row[i] }
                case .maximum: for i in 0..<inner { dst[i] = Swift.max(dst[i], row[i]) }
                case .minimum: for i in 0..<inner { dst[i] = Swift.min(dst[i], row[i]) }
                }
            }
        }
    }

    public static func argmaxRows(_ x: UnsafeBufferPointer<Self>, rows: Int, columns: Int,
                                  into indices: UnsafeMutableBufferPointer<Int>) {
        precondition(x.count == rows * columns && indices.count >= rows, "argmax kernel: mismatched buffer sizes")
        guard let base = x.baseAddress else { return }
        for r in 0..<rows {
            let row = base + r * columns
            // Selects instead of a branch on each comparison, which a network's outputs make unpredictable.
            var best = 0, largest = columns > 0 ? row[0] : 0
            for j in 1..<Swift.max(columns, 1) {
                let value = row[j], larger = value > largest
                best = larger ? j : best
                largest = larger ? value : largest
            }
            indices[r] = best
        }
    }

    public static func softmaxRows(_ x: UnsafeBufferPointer<Self>, rows: Int, columns: Int, logarithmic: Bool,
                                   into y: UnsafeMutableBufferPointer<Self>) {
        precondition(x.count == rows * columns && y.count == x.count, "softmax kernel: mismatched buffer sizes")
        guard let px = x.baseAddress, let py = y.baseAddress, columns > 0 else { return }
        // Each row shifted by its maximum, then the exponentials of all rows together (vectorised
        // for Float, the same values as one at a time).
        for r in 0..<rows {
            let xr = px + r * columns, yr = py + r * columns
            var m = xr[0]
            for j in 1..<columns { m = Swift.max(m, xr[j]) }
            for j in 0..<columns { yr[j] = xr[j] - m }
        }
        apply(.exp, UnsafeBufferPointer(y), into: y)
        for r in 0..<rows {
            let xr = px + r * columns, yr = py + r * columns
            var total: Self = 0
            for j in 0..<columns { total += yr[j] }
            if logarithmic {
                var m = xr[0]
                for j in 1..<columns { m = Swift.max(m, xr[j]) }
                let shift = m + Self.log(total)
                for j in 0..<columns { yr[j] = xr[j] - shift }
            } else {
                let inv = 1 / total
                for j in 0..<columns { yr[j] *= inv }
            }
        }
    }

    public static func softmaxRowsDerivative(y: UnsafeBufferPointer<Self>, upstream dy: UnsafeBufferPointer<Self>,
                                             rows: Int, columns: Int, logarithmic: Bool,
                                             into dx: UnsafeMutableBufferPointer<Self>) {
        precondition(y.count == rows * columns && dy.count == y.count && dx.count == y.count,
                     "softmax derivative kernel: mismatched buffer sizes")
        guard let py = y.baseAddress, let pdy = dy.baseAddress, let pdx = dx.baseAddress else { return }
        for r in 0..<rows {
            let yr = py + r * columns, dyr = pdy + r * columns, dxr = pdx + r * columns
            if logarithmic {
                // y = x − logΣeˣ  ⇒  dx = dy − softmax(x)·Σdy
                var s: Self = 0
                for j in 0..<columns { s += dyr[j] }
                for j in 0..<columns { dxr[j] = dyr[j] - Self.exp(yr[j]) * s }
            } else {
                // y = softmax(x)  ⇒  dx = y ⊙ (dy − Σ dy⊙y)
                var s: Self = 0
                for j in 0..<columns { s += dyr[j] * yr[j] }
                for j in 0..<columns { dxr[j] = yr[j] * (dyr[j] - s) }
            }
        }
    }

    public static func transpose(_ x: UnsafeBufferPointer<Self>, rows: Int, columns: Int,
                                 into y: UnsafeMutableBufferPointer<Self>) {
        precondition(x.count == rows * columns && y.count == x.count, "transpose kernel: mismatched buffer sizes")
        let block = 32
        for r0 in stride(from: 0, to: rows, by: block) {
            for c0 in stride(from: 0, to: columns, by: block) {
                for r in r0..<Swift.min(r0 + block, rows) {
                    for c in c0..<Swift.min(c0 + block, columns) { y[c * rows + r] = x[r * columns + c] }
                }
            }
        }
    }
}
