/// Element-wise arithmetic with NumPy broadcasting: shapes are aligned on their last axis and an
/// axis of size 1 (or a missing one) stretches to the other operand's size — e.g. `[n, m] + [m]`
/// adds a bias row to every example. Incompatible shapes stop the program with a message naming both.
extension Tensor {
    /// The broadcast result shape of two shapes, or `nil` when they are incompatible.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else { return nil }
            result[i] = da == 1 ? db : da
        }
        return result
    }

    /// Element strides to read a tensor of `shape` as if it had the broadcast shape `target` (0 on stretched axes).
    static func broadcastStrides(of shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(of: shape)
        let offset = target.count - shape.count
        return target.indices.map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// Applies `op` element-wise with broadcasting.
    public func combined(with other: Tensor, _ op: BinaryOperator) -> Tensor {
        guard let shape = Tensor.broadcastShape(self.shape, other.shape) else {
            preconditionFailure(TensorError.incompatibleShapes(
                operation: "\(op)", lhs: self.shape, rhs: other.shape).description)
        }
        let sa = Tensor.broadcastStrides(of: self.shape, to: shape)
        let sb = Tensor.broadcastStrides(of: other.shape, to: shape)
        return Tensor(shape: shape) { out in
            withUnsafeBufferPointer { a in
                other.withUnsafeBufferPointer { b in
                    Scalar.combine(op, a, strides: sa, b, strides: sb, shape: shape, into: out)
                }
            }
        }
    }

    /// Applies a scalar function to every element.
    public func mapped(_ function: ElementwiseFunction<Scalar>) -> Tensor {
        Tensor(shape: shape) { out in
            withUnsafeBufferPointer { Scalar.apply(function, $0, into: out) }
        }
    }

    /// The element-wise sum, broadcasting the shapes as NumPy does.
    public static func + (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .add) }
    /// The element-wise difference, broadcasting the shapes as NumPy does.
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .subtract) }
    /// The element-wise (Hadamard) product, broadcasting the shapes as NumPy does; see ``matmul(_:_:transposeA:transposeB:)`` for the matrix product.
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .multiply) }
    /// The element-wise quotient, broadcasting the shapes as NumPy does.
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .divide) }
    /// Every element negated.
    public static prefix func - (a: Tensor) -> Tensor { a.mapped(.negate) }
    /// Every element multiplied by `c`.
    public static func * (a: Tensor, c: Scalar) -> Tensor { a.mapped(.scale(c)) }
    /// Every element multiplied by `c`.
    public static func * (c: Scalar, a: Tensor) -> Tensor { a.mapped(.scale(c)) }
    /// `c` added to every element.
    public static func + (a: Tensor, c: Scalar) -> Tensor { a.mapped(.shift(c)) }
    /// `c` subtracted from every element.
    public static func - (a: Tensor, c: Scalar) -> Tensor { a.mapped(.shift(-c)) }
    /// Every element divided by `c`.
    public static func / (a: Tensor, c: Scalar) -> Tensor { a.mapped(.scale(1 / c)) }
    /// `c` minus every element.
    public static func - (c: Scalar, a: Tensor) -> Tensor { a.mapped(.negate).mapped(.shift(c)) }

    /// Adds `other` (same shape) into this tensor in place, without allocating when the storage is unique.
    public static func += (a: inout Tensor, b: Tensor) {
        precondition(a.shape == b.shape, TensorError.incompatibleShapes(
            operation: "+=", lhs: a.shape, rhs: b.shape).description)
        let strides = Tensor.strides(of: a.shape)
        let shape = a.shape
        a.withUnsafeMutableBufferPointer { out in
            b.withUnsafeBufferPointer { pb in
                Scalar.combine(.add, UnsafeBufferPointer(out), strides: strides, pb, strides: strides,
                               shape: shape, into: out)
            }
        }
    }
}
