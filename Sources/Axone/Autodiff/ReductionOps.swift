extension Variable {
    /// Sums over `axes` (all when `nil`; ``SumPrimitive``); the pullback broadcasts the gradient back.
    public func sum(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        Variable.applying(SumPrimitive(alongAxes: axes, keepingDimensions: keepingDimensions), to: [self])
    }

    /// Averages over `axes` (all when `nil`).
    public func mean(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        let n = value.normalizedAxes(axes ?? Array(0..<value.rank)).map { value.shape[$0] }.reduce(1, *)
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) * (1 / Scalar(n))
    }

    /// Softmax over the last axis; pullback `dx = y ⊙ (dy − Σ dy⊙y)`.
    public func softmax() -> Variable { softmaxed(logarithmic: false) }

    /// Log-softmax over the last axis; pullback `dx = dy − softmax(x)·Σ dy`.
    public func logSoftmax() -> Variable { softmaxed(logarithmic: true) }

    private func softmaxed(logarithmic: Bool) -> Variable {
        Variable.applying(SoftmaxPrimitive(logarithmic: logarithmic), to: [self])
    }
}

extension Variable {
    /// The maximum over `axes`; the gradient is shared equally among the elements that attain it.
    public func max(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        extremum(.maximum, alongAxes: axes, keepingDimensions: keepingDimensions)
    }

    /// The minimum over `axes`; the gradient is shared equally among the elements that attain it.
    public func min(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        extremum(.minimum, alongAxes: axes, keepingDimensions: keepingDimensions)
    }

    private func extremum(_ op: ReductionOperator, alongAxes axes: [Int]?, keepingDimensions: Bool) -> Variable {
        let x = value
        let kept = x.reduced(op, alongAxes: axes, keepingDimensions: true)
        let out = keepingDimensions ? kept : x.reduced(op, alongAxes: axes, keepingDimensions: false)
        return Variable(out, inputs: [self]) { g in
            // 1 where x attains the extremum: step(0) = 1, and the difference is negative elsewhere.
            let mask = (op == .maximum ? x - kept : kept - x).mapped(.step)
            let share = mask / mask.sum(alongAxes: axes, keepingDimensions: true)
            return [share * g.reshaped(kept.shape)]
        }
    }
}
