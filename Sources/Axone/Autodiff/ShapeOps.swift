extension Variable {
    /// The same elements with another shape (one axis may be −1; ``ReshapePrimitive``).
    public func reshaped(_ shape: [Int]) -> Variable {
        Variable.applying(ReshapePrimitive(shape), to: [self])
    }

    /// Entries `range` of the batch axis; the pullback scatters the gradient back into zeros.
    public func rows(_ range: Range<Int>) -> Variable {
        let shape = value.shape
        return Variable(value.rows(range), inputs: [self]) { g in
            let before = range.lowerBound, after = shape[0] - range.upperBound
            var pieces: [Tensor<Scalar>] = []
            var zeroShape = shape
            if before > 0 { zeroShape[0] = before; pieces.append(.zeros(zeroShape)) }
            pieces.append(g)
            if after > 0 { zeroShape[0] = after; pieces.append(.zeros(zeroShape)) }
            return [Tensor.concatenate(pieces)]
        }
    }

    /// Concatenates variables along `axis` (``ConcatenatePrimitive``); the pullback splits the gradient.
    public static func concatenate(_ variables: [Variable], alongAxis axis: Int = 0) -> Variable {
        applying(ConcatenatePrimitive(alongAxis: axis), to: variables)
    }
}
