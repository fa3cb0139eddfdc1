/// An n-dimensional array of `Float` or `Double`, row-major and batch-first (`[batch, features]`).
///
/// `Tensor` is a value type: its storage is a Swift array, so copies are cheap and share memory
/// until one of them is mutated (copy-on-write).
///
/// ```swift
/// let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let y = x + Tensor(shape: [3], scalars: [10, 20, 30])   // bias row broadcast over the batch
/// print(y.shape)   // [2, 3]
/// ```
public struct Tensor<Scalar: TensorScalar>: Sendable, Equatable {
    /// The size of each axis; `[]` for a scalar.
    public private(set) var shape: [Int]
    /// The elements in row-major order.
    public private(set) var scalars: [Scalar]

    /// Creates a tensor from its elements in row-major order.
    /// - Precondition: `scalars.count` equals the product of `shape`.
    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) holds \(shape.reduce(1, *)) elements, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor of the given shape filled with one value.
    public init(shape: [Int], repeating value: Scalar) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        self.init(shape: shape) { Scalar.fill(value, into: $0) }
    }

    /// Creates a rank-0 tensor holding one value.
    public init(_ value: Scalar) {
        self.init(shape: [], scalars: [value])
    }

    /// Creates a rank-2 tensor from rows of equal length.
    public init(_ rows: [[Scalar]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor: rows of unequal length")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// Creates a tensor of `shape` whose elements are produced by `body` writing into uninitialised storage.
    init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.scalars = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { scalars.count }
    /// The only element of a one-element tensor.
    public var scalar: Scalar {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements")
        return scalars[0]
    }

    /// Row-major element strides of `shape`.
    static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// Reads or writes one element by its index along each axis.
    public subscript(indices: Int...) -> Scalar {
        get { scalars[flatIndex(indices)] }
        set { scalars[flatIndex(indices)] = newValue }
    }

    private func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == rank, "Tensor: \(indices.count) indices for a tensor of rank \(rank)")
        var flat = 0
        for (axis, i) in indices.enumerated() {
            precondition(i >= 0 && i < shape[axis], "Tensor: index \(indices) out of range for shape \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// Calls `body` with the elements in row-major order.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with mutable access to the elements (copying first if the storage is shared).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// The same elements viewed with another shape; one axis may be `-1` to be inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let hole = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0,
                         "reshape: cannot view \(count) elements of shape \(shape) as \(newShape)")
            resolved[hole] = count / known
        }
        precondition(resolved.reduce(1, *) == count && resolved.allSatisfy { $0 >= 0 },
                     "reshape: cannot view \(count) elements of shape \(shape) as \(newShape)")
        var copy = self
        copy.shape = resolved
        return copy
    }

    /// Converts the elements to another scalar type.
    public func converted<Other: TensorScalar>(to _: Other.Type = Other.self) -> Tensor<Other> {
        Tensor<Other>(shape: shape, scalars: scalars.map { Other($0) })
    }

    /// Whether every element is within `absolute + relative·|other|` of the corresponding element of `other`.
    public func isClose(to other: Tensor, relative: Scalar = 1e-5, absolute: Scalar = 1e-8) -> Bool {
        shape == other.shape && zip(scalars, other.scalars).allSatisfy { a, b in
            Swift.abs(a - b) <= absolute + relative * Swift.abs(b)
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(12).map { "\($0)" }.joined(separator: ", ")
        return "Tensor<\(Scalar.self)>(shape: \(shape), [\(shown)\(count > 12 ? ", …" : "")])"
    }
}
