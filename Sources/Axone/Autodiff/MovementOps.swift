// Differentiable movement ops (see Tensor/TensorMovement.swift and Ops/MovementPrimitives.swift).
// Each pullback is the inverse movement of the gradient: permute back, pad a slice with zeros,
// slice a padding off, and sum a broadcast back to the operand's shape.

extension Variable {
    /// The axes permuted (see ``Tensor/permuted(_:)``); the pullback applies the inverse permutation.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `axes` is not a permutation of the axes.
    public func permuted(_ axes: [Int]) throws -> Variable {
        Variable.applying(PermutePrimitive(try value.checkedPermutation(axes)), to: [self])
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
        try value.checkedBounds(lower: lower, upper: upper)
        // An axis taken whole stays whole at any size, so a slice keeps following the batch axis.
        let bounds = value.shape.indices.map { lower[$0] == 0 && upper[$0] == value.shape[$0] ? nil : lower[$0]..<upper[$0] }
        return Variable.applying(SlicePrimitive(bounds), to: [self])
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
        let primitive = PadPrimitive(padding, value: value)
        _ = try primitive.outputShape([shape])
        return Variable.applying(primitive, to: [self])
    }

    /// The variable repeated to `shape` by NumPy's broadcasting rules (see ``Tensor/broadcast(to:)``);
    /// the pullback sums the gradient over the repeated axes.
    /// - Throws: ``TensorError/incompatibleShapes(operation:lhs:rhs:)`` when the shapes do not broadcast.
    public func broadcast(to shape: [Int]) throws -> Variable {
        guard shape.allSatisfy({ $0 >= 0 }), Tensor<Scalar>.broadcastShape(self.shape, shape) == shape else {
            throw TensorError.incompatibleShapes(operation: "broadcast(to:)", lhs: self.shape, rhs: shape)
        }
        // An axis that is not repeated keeps the operand's size at any size, like the batch axis.
        let lead = shape.count - self.shape.count
        let target = shape.indices.map { $0 >= lead && shape[$0] == self.shape[$0 - lead] ? -1 : shape[$0] }
        return Variable.applying(BroadcastPrimitive(to: target), to: [self])
    }
}
