/// A sum, maximum or minimum over some axes (all when `axes` is `nil`). The sum's pullback
/// broadcasts the gradient back; an extremum's shares it equally among the elements that attain it.
public struct ReducePrimitive<Scalar: TensorScalar>: Primitive {
    /// How the elements combine.
    public let op: ReductionOperator
    /// The axes reduced (negative ones count from the end), or `nil` for all.
    public let axes: [Int]?
    /// Whether the reduced axes are kept with size 1.
    public let keepingDimensions: Bool

    /// Creates the primitive.
    public init(_ op: ReductionOperator, alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) {
        self.op = op
        self.axes = axes
        self.keepingDimensions = keepingDimensions
    }

    public var name: String {
        switch op {
        case .sum: "sum"
        case .maximum: "max"
        case .minimum: "min"
        }
    }

    /// The axes reduced for an input of `rank`, non-negative and sorted.
    private func reducedAxes(rank: Int) throws -> [Int] {
        let normalized = (axes ?? Array(0..<rank)).map { $0 < 0 ? $0 + rank : $0 }
        guard normalized.allSatisfy({ (0..<rank).contains($0) }), Set(normalized).count == normalized.count else {
            throw TensorError.invalidArgument("\(name): axes \(axes ?? []) do not fit a tensor of rank \(rank)")
        }
        return normalized.sorted()
    }

    /// The input's shape with the reduced axes set to 1.
    private func keptShape(_ shape: [Int]) -> [Int] {
        let reduced = (try? reducedAxes(rank: shape.count)) ?? []
        return shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
    }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw TensorError.invalidArgument("\(name): one input expected, got \(inputShapes.count)") }
        let shape = inputShapes[0], reduced = try reducedAxes(rank: shape.count)
        return keepingDimensions ? keptShape(shape) : shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? {
        guard let reduced = try? reducedAxes(rank: inputShapes[0].count), !reduced.contains(0), !inputShapes[0].isEmpty else { return nil }
        return [true]
    }

    /// One axis at a time: the first pass reads the input in place, the last writes the output, and
    /// only the passes between them (reductions over several axes) make intermediate tensors.
    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        let x = inputs[0], axes = (try? reducedAxes(rank: x.shape.count)) ?? []
        guard output.count > 0 else { return }
        guard !axes.isEmpty else { return copyElements(from: x.pointer, to: output.pointer, count: output.count) }
        var shape = x.shape
        var partial: Tensor<Scalar>? = nil
        for (index, axis) in axes.enumerated() {
            let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), count = shape[axis]
            shape[axis] = 1
            let source = partial
            func reduce(into out: UnsafeMutableBufferPointer<Scalar>) {
                if let source {
                    source.withUnsafeBufferPointer { Scalar.reduce(op, $0, outer: outer, count: count, inner: inner, into: out) }
                } else {
                    Scalar.reduce(op, x.elements, outer: outer, count: count, inner: inner, into: out)
                }
            }
            if index == axes.count - 1 {
                reduce(into: output.buffer)
            } else {
                partial = Tensor(shape: shape) { reduce(into: $0) }
            }
        }
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0 else { return }
        let shape = dx.shape, kept = keptShape(shape)
        Scalar.copy(upstream.pointer, strides: Tensor<Scalar>.broadcastStrides(of: kept, to: shape),
                    into: dx.pointer, strides: Tensor<Scalar>.strides(of: shape), shape: shape)
        guard op != .sum else { return }
        // 1 where x attains the extremum (step(0) = 1; the difference is negative elsewhere),
        // divided by the number of elements that attain it.
        let x = Tensor(inputs[0]), extremum = Tensor(output).reshaped(kept)
        let mask = (op == .maximum ? x - extremum : extremum - x).mapped(.step)
        let share = mask / mask.sum(alongAxes: axes, keepingDimensions: true)
        (share * Tensor(dx)).withUnsafeBufferPointer { copyElements(from: $0.baseAddress!, to: dx.pointer, count: dx.count) }
    }

    public var backwardReadsInputs: Bool { op != .sum }
    public var backwardReadsOutput: Bool { op != .sum }

    /// `ReduceSum` with its axes as an input (opset 13), `ReduceMax`/`ReduceMin` with them as an
    /// attribute (up to opset 17).
    public var onnx: ONNXOperator? {
        var attributes: [String: ONNXOperator.Attribute] = ["keepdims": .int(keepingDimensions ? 1 : 0)]
        switch op {
        case .sum:
            return ONNXOperator("ReduceSum", attributes: attributes, constantInputs: axes.map { [.int64s($0)] } ?? [])
        case .maximum, .minimum:
            if let axes { attributes["axes"] = .ints(axes) }
            return ONNXOperator(op == .maximum ? "ReduceMax" : "ReduceMin", attributes: attributes)
        }
    }
}
