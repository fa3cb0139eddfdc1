extension Variable {
    /// Sums over `axes` (all when `nil`; ``ReducePrimitive``); the pullback broadcasts the gradient back.
    public func sum(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        Variable.applying(ReducePrimitive(.sum, alongAxes: axes, keepingDimensions: keepingDimensions), to: [self])
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
    /// The maximum over `axes` (``ReducePrimitive``); the gradient is shared equally among the
    /// elements that attain it.
    public func max(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        Variable.applying(ReducePrimitive(.maximum, alongAxes: axes, keepingDimensions: keepingDimensions), to: [self])
    }

    /// The minimum over `axes` (``ReducePrimitive``); the gradient is shared equally among the
    /// elements that attain it.
    public func min(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        Variable.applying(ReducePrimitive(.minimum, alongAxes: axes, keepingDimensions: keepingDimensions), to: [self])
    }
}
