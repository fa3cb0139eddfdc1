extension Tensor {
    /// Normalises possibly negative axes (−1 is the last) and checks them.
    func normalizedAxes(_ axes: [Int]) -> [Int] {
        let result = axes.map { $0 < 0 ? $0 + rank : $0 }
        precondition(result.allSatisfy { $0 >= 0 && $0 < rank } && Set(result).count == result.count,
                     "reduction: axes \(axes) are not valid for shape \(shape)")
        return result.sorted()
    }

    func reduced(_ op: ReductionOperator, alongAxis axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var newShape = shape
        newShape[axis] = 1
        return Tensor(shape: newShape) { out in
            withUnsafeBufferPointer {
                Scalar.reduce(op, $0, outer: outer, count: shape[axis], inner: inner, into: out)
            }
        }
    }

    func reduced(_ op: ReductionOperator, alongAxes axes: [Int]?, keepingDimensions: Bool) -> Tensor {
        let axes = normalizedAxes(axes ?? Array(0..<rank))
        var result = self
        for axis in axes { result = result.reduced(op, alongAxis: axis) }
        if !keepingDimensions {
            let kept = shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
            result = result.reshaped(kept)
        }
        return result
    }

    /// Sums over `axes` (all axes when `nil`).
    public func sum(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        reduced(.sum, alongAxes: axes, keepingDimensions: keepingDimensions)
    }

    /// Averages over `axes` (all axes when `nil`).
    public func mean(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes ?? Array(0..<rank))
        let n = axes.map { shape[$0] }.reduce(1, *)
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) * (1 / Scalar(n))
    }

    /// The maximum over `axes` (all axes when `nil`).
    public func max(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        reduced(.maximum, alongAxes: axes, keepingDimensions: keepingDimensions)
    }

    /// The minimum over `axes` (all axes when `nil`).
    public func min(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        reduced(.minimum, alongAxes: axes, keepingDimensions: keepingDimensions)
    }

    /// Sums a broadcast result back to `target`, the shape of the operand it came from
    /// (the gradient rule of broadcasting).
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let offset = rank - target.count
        precondition(offset >= 0, "summed(toShape:): \(shape) cannot reduce to \(target)")
        var axes = Array(0..<offset)
        for (i, d) in target.enumerated() where d == 1 && shape[i + offset] != 1 { axes.append(i + offset) }
        return sum(alongAxes: axes, keepingDimensions: true).reshaped(target)
    }

    /// Index of the largest element of each row (last axis) of a rank-2 tensor; ties go to the first.
    public func argmaxRows() -> [Int] {
        var indices: [Int] = []
        argmaxRows(into: &indices)
        return indices
    }

    /// ``argmaxRows()`` written into `indices`, reusing its storage.
    public func argmaxRows(into indices: inout [Int]) {
        precondition(rank == 2, TensorError.invalidShape(
            operation: "argmaxRows()", expected: "a rank-2 tensor", got: shape).description)
        let (rows, columns) = (shape[0], shape[1])
        if indices.count != rows { indices = [Int](repeating: 0, count: rows) }
        indices.withUnsafeMutableBufferPointer { out in
            withUnsafeBufferPointer { Scalar.argmaxRows($0, rows: rows, columns: columns, into: out) }
        }
    }

    /// Softmax over the last axis, shifted by the row maximum so huge logits do not overflow.
    public func softmax() -> Tensor { softmaxed(logarithmic: false) }

    /// Log-softmax over the last axis (`x − log Σ eˣ`), computed stably.
    public func logSoftmax() -> Tensor { softmaxed(logarithmic: true) }

    private func softmaxed(logarithmic: Bool) -> Tensor {
        precondition(rank >= 1, "softmax: needs at least one axis, got a scalar")
        let columns = shape[rank - 1], rows = columns == 0 ? 0 : count / columns
        return Tensor(shape: shape) { out in
            withUnsafeBufferPointer {
                Scalar.softmaxRows($0, rows: rows, columns: columns, logarithmic: logarithmic, into: out)
            }
        }
    }
}
