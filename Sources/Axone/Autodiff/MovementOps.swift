// Differentiable movement ops (see Tensor/TensorMovement.swift). Each pullback is the inverse
// movement of the gradient: permute back, pad a slice with zeros, slice a padding off, and sum a
// broadcast back to the operand's shape.

extension Variable {
    /// The axes permuted (see ``Tensor/permuted(_:)``); the pullback applies the inverse permutation.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `axes` is not a permutation of the axes.
    public func permuted(_ axes: [Int]) throws -> Variable {
        let axes = try value.checkedPermutation(axes)
        var inverse = axes
        for (i, axis) in axes.enumerated() { inverse[axis] = i }
        return Variable(try value.permuted(axes), inputs: [self]) { g in [mustSucceed { try g.permuted(inverse) }] }
    }

    /// The entries `range` of `axis` (see ``Tensor/slice(alongAxis:range:)``); the pullback puts
    /// the gradient back in place among zeros.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `axis` or `range` does not fit the shape.
    public func slice(alongAxis axis: Int, range: Range<Int>) throws -> Variable {
        let (lower, upper) = try value.bounds(alongAxis: axis, range: range)
        return try sliced(lower: lower, upper: upper)
    }

    /// The block `lower[i]..<upper[i]` of each axis (see ``Tensor/sliced(lower:upper:)``); the
    /// pullback pads the gradient with zeros back to this variable's shape.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when the bounds do not fit the shape.
    public func sliced(lower: [Int], upper: [Int]) throws -> Variable {
        let padding = zip(lower, zip(upper, value.shape)).map { (before: $0, after: $1.1 - $1.0) }
        return Variable(try value.sliced(lower: lower, upper: upper), inputs: [self]) { g in
            [mustSucceed { try g.padded(padding) }]
        }
    }

    /// Splits along `axis` into consecutive pieces of the given sizes (the inverse of
    /// ``concatenate(_:alongAxis:)``). Each piece is a slice, so gradients flow back from the
    /// pieces that are used and an unused piece contributes nothing.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `axis` does not exist or `sizes` are not
    ///   non-negative numbers adding up to its size.
    public func split(sizes: [Int], alongAxis axis: Int = 0) throws -> [Variable] {
        let axis = try value.checkedAxis(axis, operation: "split(sizes:alongAxis:)")
        guard sizes.allSatisfy({ $0 >= 0 }) && sizes.reduce(0, +) == value.shape[axis] else {
            throw TensorError.invalidArgument(
                "split(sizes:alongAxis:): sizes \(sizes) do not add up to axis \(axis) of shape \(value.shape)")
        }
        let starts = sizes.reduce(into: [0]) { $0.append($0.last! + $1) }
        return try sizes.indices.map { try slice(alongAxis: axis, range: starts[$0]..<starts[$0 + 1]) }
    }

    /// The variable surrounded by `value` (see ``Tensor/padded(_:value:)``); the pullback slices
    /// the padding off the gradient.
    /// - Throws: ``TensorError/invalidArgument(_:)`` unless there is one non-negative pair per axis.
    public func padded(_ padding: [(before: Int, after: Int)], value: Scalar = 0) throws -> Variable {
        let shape = self.value.shape
        let lower = padding.map(\.before)
        let upper = zip(lower, shape).map { $0 + $1 }
        return Variable(try self.value.padded(padding, value: value), inputs: [self]) { g in
            [mustSucceed { try g.sliced(lower: lower, upper: upper) }]
        }
    }

    /// The variable repeated to `shape` by NumPy's broadcasting rules (see ``Tensor/broadcast(to:)``);
    /// the pullback sums the gradient over the repeated axes.
    /// - Throws: ``TensorError/incompatibleShapes(operation:lhs:rhs:)`` when the shapes do not broadcast.
    public func broadcast(to shape: [Int]) throws -> Variable {
        let original = value.shape
        return Variable(try value.broadcast(to: shape), inputs: [self]) { g in [g.summed(toShape: original)] }
    }
}
