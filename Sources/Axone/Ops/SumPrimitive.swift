/// The sum over some axes (all when `axes` is `nil`); the pullback broadcasts the gradient back.
public struct SumPrimitive<Scalar: TensorScalar>: Primitive {
    /// The axes summed (negative ones count from the end), or `nil` for all.
    public let axes: [Int]?
    /// Whether the summed axes are kept with size 1.
    public let keepingDimensions: Bool

    /// Creates the primitive.
    public init(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) {
        self.axes = axes
        self.keepingDimensions = keepingDimensions
    }

    public var name: String { "sum" }

    /// The axes summed for an input of `rank`, non-negative and sorted.
    private func summedAxes(rank: Int) throws -> [Int] {
        let normalized = (axes ?? Array(0..<rank)).map { $0 < 0 ? $0 + rank : $0 }
        guard normalized.allSatisfy({ (0..<rank).contains($0) }), Set(normalized).count == normalized.count else {
            throw TensorError.invalidArgument("sum: axes \(axes ?? []) do not fit a tensor of rank \(rank)")
        }
        return normalized.sorted()
    }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw TensorError.invalidArgument("sum: one input expected, got \(inputShapes.count)") }
        let shape = inputShapes[0], summed = try summedAxes(rank: shape.count)
        return keepingDimensions ? shape.indices.map { summed.contains($0) ? 1 : shape[$0] }
            : shape.indices.filter { !summed.contains($0) }.map { shape[$0] }
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? {
        guard let summed = try? summedAxes(rank: inputShapes[0].count), !summed.contains(0), !inputShapes[0].isEmpty else { return nil }
        return [true]
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        let x = inputs[0]
        var shape = x.shape
        var source = Tensor(x)
        for axis in (try? summedAxes(rank: shape.count)) ?? [] {
            let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), count = shape[axis]
            shape[axis] = 1
            let reduced = Tensor<Scalar>(shape: shape) { out in
                source.withUnsafeBufferPointer { Scalar.reduce(.sum, $0, outer: outer, count: count, inner: inner, into: out) }
            }
            source = reduced
        }
        source.withUnsafeBufferPointer { _ = output.buffer.update(fromContentsOf: $0) }
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0 else { return }
        let shape = dx.shape, summed = (try? summedAxes(rank: shape.count)) ?? []
        let kept = shape.indices.map { summed.contains($0) ? 1 : shape[$0] }
        Scalar.copy(upstream.pointer, strides: Tensor<Scalar>.broadcastStrides(of: kept, to: shape),
                    into: dx.pointer, strides: Tensor<Scalar>.strides(of: shape), shape: shape)
    }

    public var backwardReadsInputs: Bool { false }
    public var backwardReadsOutput: Bool { false }

    public var onnx: ONNXOperator? { ONNXOperator("ReduceSum", attributes: ["keepdims": .int(keepingDimensions ? 1 : 0)]) }
}
