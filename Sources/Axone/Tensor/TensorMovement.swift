// Tensors rearranged without arithmetic: permuted axes, slices, padding and broadcasts. Each is one
// strided pass over the elements (see `TensorScalar.copy`). Axes may be negative (−1 is the last);
// arguments that do not fit the tensor throw a `TensorError` naming them and the shape.

extension Tensor {
    /// The axes permuted: axis `i` of the result is axis `axes[i]` of this tensor (NumPy's
    /// `transpose(axes)`), so `[n, c, h, w]` permuted by `[0, 2, 3, 1]` is `[n, h, w, c]`.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `axes` is not a permutation of the axes.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        let axes = try checkedPermutation(axes)
        let own = Tensor.strides(of: shape)
        return gathered(shape: axes.map { shape[$0] }, strides: axes.map { own[$0] })
    }

    /// The entries `range` of `axis`, every other axis whole.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `axis` is not an axis of this tensor or
    ///   `range` is not within it.
    public func slice(alongAxis axis: Int, range: Range<Int>) throws -> Tensor {
        let (lower, upper) = try bounds(alongAxis: axis, range: range)
        return try sliced(lower: lower, upper: upper)
    }

    /// The block of entries `lower[i]..<upper[i]` of each axis `i` (ONNX `Slice` with steps of 1).
    /// - Throws: ``TensorError/invalidArgument(_:)`` unless there is one bound of each kind per axis
    ///   and `0 ≤ lower[i] ≤ upper[i] ≤ shape[i]`.
    public func sliced(lower: [Int], upper: [Int]) throws -> Tensor {
        try checkedBounds(lower: lower, upper: upper)
        let own = Tensor.strides(of: shape)
        return gathered(shape: zip(lower, upper).map { $1 - $0 }, strides: own,
                        offset: zip(lower, own).map { $0 * $1 }.reduce(0, +))
    }

    /// The tensor surrounded by `value`: axis `i` gains `padding[i].before` entries in front and
    /// `padding[i].after` behind (ONNX `Pad` in constant mode).
    /// - Throws: ``TensorError/invalidArgument(_:)`` unless there is one non-negative pair per axis.
    public func padded(_ padding: [(before: Int, after: Int)], value: Scalar = 0) throws -> Tensor {
        let newShape = try Tensor.paddedShape(shape, padding)
        let outStrides = Tensor.strides(of: newShape)
        let offset = zip(padding, outStrides).map { $0.before * $1 }.reduce(0, +)
        return Tensor(shape: newShape) { out in
            Scalar.fill(value, into: out)
            guard count > 0 else { return }
            withUnsafeBufferPointer { src in
                Scalar.copy(src.baseAddress!, strides: Tensor.strides(of: shape),
                            into: out.baseAddress! + offset, strides: outStrides, shape: shape)
            }
        }
    }

    /// The tensor repeated to `shape` by NumPy's broadcasting rules: shapes are aligned on their
    /// last axis, and an axis of size 1 (or a missing leading one) is repeated.
    /// - Throws: ``TensorError/incompatibleShapes(operation:lhs:rhs:)`` when this shape does not
    ///   broadcast to `shape`.
    public func broadcast(to shape: [Int]) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 }), Tensor.broadcastShape(self.shape, shape) == shape else {
            throw TensorError.incompatibleShapes(operation: "broadcast(to:)", lhs: self.shape, rhs: shape)
        }
        return gathered(shape: shape, strides: Tensor.broadcastStrides(of: self.shape, to: shape))
    }

    /// The shape of ``padded(_:value:)``'s result for a tensor of `shape`.
    /// - Throws: ``TensorError/invalidArgument(_:)`` unless there is one non-negative pair per axis.
    static func paddedShape(_ shape: [Int], _ padding: [(before: Int, after: Int)]) throws -> [Int] {
        guard padding.count == shape.count, padding.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            throw TensorError.invalidArgument(
                "padded(_:value:): padding \(padding) does not give a non-negative (before, after) pair to each axis of shape \(shape)")
        }
        return zip(shape, padding).map { $0 + $1.before + $1.after }
    }

    /// `axis` made non-negative.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when it is not an axis of this tensor.
    func checkedAxis(_ axis: Int, operation: String) throws -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0 && normalized < rank else {
            throw TensorError.invalidArgument("\(operation): axis \(axis) does not exist in shape \(shape)")
        }
        return normalized
    }

    /// `axes` made non-negative, checked to name every axis exactly once.
    func checkedPermutation(_ axes: [Int]) throws -> [Int] {
        let normalized = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard normalized.sorted() == Array(0..<rank) else {
            throw TensorError.invalidArgument(
                "permuted(_:): \(axes) is not a permutation of the \(rank) axes of shape \(shape)")
        }
        return normalized
    }

    /// Checks that `lower[i]..<upper[i]` lies within each axis `i`.
    func checkedBounds(lower: [Int], upper: [Int]) throws {
        guard lower.count == rank, upper.count == rank,
              shape.indices.allSatisfy({ 0 <= lower[$0] && lower[$0] <= upper[$0] && upper[$0] <= shape[$0] }) else {
            throw TensorError.invalidArgument(
                "sliced(lower:upper:): bounds \(lower)..<\(upper) are not within shape \(shape)")
        }
    }

    /// The bounds for ``sliced(lower:upper:)`` that take `range` of `axis` and all of every other axis.
    func bounds(alongAxis axis: Int, range: Range<Int>) throws -> (lower: [Int], upper: [Int]) {
        let axis = try checkedAxis(axis, operation: "slice(alongAxis:range:)")
        guard range.lowerBound >= 0 && range.upperBound <= shape[axis] else {
            throw TensorError.invalidArgument(
                "slice(alongAxis:range:): range \(range) is not within axis \(axis) of shape \(shape)")
        }
        var lower = [Int](repeating: 0, count: rank), upper = shape
        lower[axis] = range.lowerBound
        upper[axis] = range.upperBound
        return (lower, upper)
    }

    /// A new tensor of `shape` whose elements are read from this one's, starting at `offset`,
    /// through element `strides`.
    func gathered(shape: [Int], strides: [Int], offset: Int = 0) -> Tensor {
        Tensor(shape: shape) { out in
            guard !out.isEmpty else { return }
            withUnsafeBufferPointer { src in
                Scalar.copy(src.baseAddress! + offset, strides: strides,
                            into: out.baseAddress!, strides: Tensor.strides(of: shape), shape: shape)
            }
        }
    }
}
