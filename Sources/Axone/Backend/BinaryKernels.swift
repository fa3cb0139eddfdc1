import CAxoneKernels

/// An element-wise binary arithmetic operator.
public enum BinaryOperator: Sendable, Hashable {
    /// `a + b`, `a − b`, `a · b`, `a / b`, `max(a, b)` and `min(a, b)`.
    case add, subtract, multiply, divide, maximum, minimum
}

extension TensorScalar {
    @inline(__always)
    static func combineScalars(_ op: BinaryOperator, _ a: Self, _ b: Self) -> Self {
        switch op {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .maximum: Swift.max(a, b)
        case .minimum: Swift.min(a, b)
        }
    }

    /// Innermost loop with constant strides, written per operator so each loop vectorises.
    @inline(__always)
    static func combineRun(_ op: BinaryOperator, _ a: UnsafePointer<Self>, _ sa: Int, _ b: UnsafePointer<Self>,
                           _ sb: Int, _ out: UnsafeMutablePointer<Self>, _ n: Int) {
        switch (sa, sb) {
        case (1, 1): for i in 0..<n { out[i] = combineScalars(op, a[i], b[i]) }
        case (1, 0): let bv = b[0]; for i in 0..<n { out[i] = combineScalars(op, a[i], bv) }
        case (0, 1): let av = a[0]; for i in 0..<n { out[i] = combineScalars(op, av, b[i]) }
        default: for i in 0..<n { out[i] = combineScalars(op, a[i * sa], b[i * sb]) }
        }
    }

    public static func accumulate(_ x: UnsafeBufferPointer<Self>, into y: UnsafeMutableBufferPointer<Self>) {
        precondition(x.count == y.count, "accumulate: \(x.count) values into \(y.count)")
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        // The C kernels run in 256- or 512-bit registers where the CPU has them (same sums).
        if Self.self == Float.self { return axone_accumulate_f32(py.rebound(to: Float.self), px.rebound(to: Float.self), x.count) }
        if Self.self == Double.self { return axone_accumulate_f64(py.rebound(to: Double.self), px.rebound(to: Double.self), x.count) }
        for i in 0..<x.count { py[i] += px[i] }
    }

    public static func combine(_ op: BinaryOperator, _ a: UnsafeBufferPointer<Self>, strides aStrides: [Int],
                               _ b: UnsafeBufferPointer<Self>, strides bStrides: [Int], shape: [Int],
                               into out: UnsafeMutableBufferPointer<Self>) {
        guard let pa = a.baseAddress, let pb = b.baseAddress, let po = out.baseAddress, !out.isEmpty else { return }
        let rank = shape.count
        if rank == 0 { po[0] = combineScalars(op, pa[0], pb[0]); return }
        let inner = shape[rank - 1]
        let sa = aStrides[rank - 1], sb = bStrides[rank - 1]
        if a.count == out.count && b.count == out.count && sa == 1 && sb == 1 {
            combineRun(op, pa, 1, pb, 1, po, out.count)
            return
        }
        // Walk the outer indices with an odometer; the last axis is one contiguous run.
        var index = [Int](repeating: 0, count: rank)
        var offsetA = 0, offsetB = 0, offsetOut = 0
        while offsetOut < out.count {
            combineRun(op, pa + offsetA, sa, pb + offsetB, sb, po + offsetOut, inner)
            offsetOut += inner
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offsetA += aStrides[axis]
                offsetB += bStrides[axis]
                if index[axis] < shape[axis] { break }
                offsetA -= aStrides[axis] * shape[axis]
                offsetB -= bStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { break }
        }
    }
}
