// The movement primitives: elements rearranged without arithmetic (see Tensor/TensorMovement.swift
// for the tensor operations). Each is one strided pass of the copy kernel, and its pullback is the
// inverse movement of the gradient. An axis a slice or a broadcast leaves whole is stored as
// "whole" rather than as its traced size, so the batch axis keeps following the batch.

/// The axes permuted: axis `i` of the result is axis `axes[i]` of the input (ONNX `Transpose`).
public struct PermutePrimitive<Scalar: TensorScalar>: Primitive {
    /// The permutation (negative axes count from the end).
    public let axes: [Int]

    /// Creates the primitive.
    public init(_ axes: [Int]) { self.axes = axes }

    public var name: String { "permute" }

    /// The permutation for an input of `rank`, non-negative.
    private func resolved(rank: Int) throws -> [Int] {
        let normalized = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard normalized.sorted() == Array(0..<rank) else {
            throw TensorError.invalidArgument("permute: \(axes) is not a permutation of \(rank) axes")
        }
        return normalized
    }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw TensorError.invalidArgument("permute: one input expected, got \(inputShapes.count)") }
        return try resolved(rank: inputShapes[0].count).map { inputShapes[0][$0] }
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? {
        (try? resolved(rank: inputShapes[0].count))?.first == 0 ? [true] : nil
    }

    /// The input's strides read in the output's axis order.
    private func permutedStrides(of shape: [Int]) -> [Int] {
        let own = Tensor<Scalar>.strides(of: shape)
        return ((try? resolved(rank: shape.count)) ?? []).map { own[$0] }
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        guard output.count > 0 else { return }
        Scalar.copy(inputs[0].pointer, strides: permutedStrides(of: inputs[0].shape),
                    into: output.pointer, strides: Tensor<Scalar>.strides(of: output.shape), shape: output.shape)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0 else { return }
        Scalar.copy(upstream.pointer, strides: Tensor<Scalar>.strides(of: upstream.shape),
                    into: dx.pointer, strides: permutedStrides(of: dx.shape), shape: upstream.shape)
    }

    public var backwardReadsInputs: Bool { false }
    public var backwardReadsOutput: Bool { false }

    public var onnx: ONNXOperator? { ONNXOperator("Transpose", attributes: ["perm": .ints(axes)]) }
}

/// A block of the input: the entries `bounds[i]` of each axis `i`, or all of it where the bound is
/// `nil`. The pullback puts the gradient back in place among zeros.
public struct SlicePrimitive<Scalar: TensorScalar>: Primitive {
    /// Each axis's range, `nil` for the whole axis.
    public let bounds: [Range<Int>?]

    /// Creates the primitive.
    public init(_ bounds: [Range<Int>?]) { self.bounds = bounds }

    public var name: String { "slice" }

    /// `Slice` with the bounded axes' starts, ends and axes as inputs.
    public var onnx: ONNXOperator? {
        let bounded = bounds.indices.compactMap { axis in bounds[axis].map { (axis, $0) } }
        return ONNXOperator("Slice", constantInputs: [.int64s(bounded.map(\.1.lowerBound)), .int64s(bounded.map(\.1.upperBound)),
                                                      .int64s(bounded.map(\.0))])
    }

    /// Each axis's range in an input of `shape`.
    private func ranges(in shape: [Int]) -> [Range<Int>] {
        zip(bounds, shape).map { $0 ?? 0..<$1 }
    }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw TensorError.invalidArgument("slice: one input expected, got \(inputShapes.count)") }
        let shape = inputShapes[0]
        guard bounds.count == shape.count, zip(ranges(in: shape), shape).allSatisfy({ $0.lowerBound >= 0 && $0.upperBound <= $1 }) else {
            throw TensorError.invalidArgument("slice: bounds \(bounds) are not within shape \(shape)")
        }
        return ranges(in: shape).map(\.count)
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? {
        bounds.first.map { $0 == nil ? [true] : nil } ?? nil
    }

    /// The offset of the block's first element in an input of `shape`.
    private func offset(in shape: [Int]) -> Int {
        zip(ranges(in: shape), Tensor<Scalar>.strides(of: shape)).map { $0.lowerBound * $1 }.reduce(0, +)
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        guard output.count > 0 else { return }
        let shape = inputs[0].shape
        Scalar.copy(inputs[0].pointer + offset(in: shape), strides: Tensor<Scalar>.strides(of: shape),
                    into: output.pointer, strides: Tensor<Scalar>.strides(of: output.shape), shape: output.shape)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0 else { return }
        Scalar.fill(0, into: dx.buffer)
        guard upstream.count > 0 else { return }
        Scalar.copy(upstream.pointer, strides: Tensor<Scalar>.strides(of: upstream.shape),
                    into: dx.pointer + offset(in: dx.shape), strides: Tensor<Scalar>.strides(of: dx.shape), shape: upstream.shape)
    }

    public var backwardReadsInputs: Bool { false }
    public var backwardReadsOutput: Bool { false }
}

/// The input surrounded by a constant: axis `i` gains `padding[i].before` entries in front and
/// `padding[i].after` behind. The pullback slices the padding off the gradient.
public struct PadPrimitive<Scalar: TensorScalar>: Primitive {
    /// The entries added before and after each axis.
    public let padding: [(before: Int, after: Int)]
    /// The value of the added entries.
    public let value: Scalar

    /// Creates the primitive.
    public init(_ padding: [(before: Int, after: Int)], value: Scalar = 0) {
        self.padding = padding
        self.value = value
    }

    public var name: String { "pad" }

    /// `Pad` in constant mode: the amounts (all befores, then all afters) and the value as inputs.
    public var onnx: ONNXOperator? {
        ONNXOperator("Pad", constantInputs: [.int64s(padding.map(\.before) + padding.map(\.after)), .float(Double(value))])
    }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw TensorError.invalidArgument("pad: one input expected, got \(inputShapes.count)") }
        return try Tensor<Scalar>.paddedShape(inputShapes[0], padding)
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? {
        guard let first = padding.first, first.before == 0, first.after == 0 else { return nil }
        return [true]
    }

    /// The offset of the input's first element in the padded result of `shape`.
    private func offset(in shape: [Int]) -> Int {
        zip(padding, Tensor<Scalar>.strides(of: shape)).map { $0.before * $1 }.reduce(0, +)
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        Scalar.fill(value, into: output.buffer)
        let x = inputs[0]
        guard x.count > 0 else { return }
        Scalar.copy(x.pointer, strides: Tensor<Scalar>.strides(of: x.shape), into: output.pointer + offset(in: output.shape),
                    strides: Tensor<Scalar>.strides(of: output.shape), shape: x.shape)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0 else { return }
        Scalar.copy(upstream.pointer + offset(in: upstream.shape), strides: Tensor<Scalar>.strides(of: upstream.shape),
                    into: dx.pointer, strides: Tensor<Scalar>.strides(of: dx.shape), shape: dx.shape)
    }

    public var backwardReadsInputs: Bool { false }
    public var backwardReadsOutput: Bool { false }
}

/// The input repeated by NumPy's broadcasting rules to `shape`, where −1 keeps the input's size
/// on that axis (like PyTorch's `expand`). The pullback sums the gradient over the repeated axes.
public struct BroadcastPrimitive<Scalar: TensorScalar>: Primitive {
    /// The target shape, aligned on the last axis, −1 where the input's size is kept.
    public let shape: [Int]

    /// Creates the primitive.
    public init(to shape: [Int]) { self.shape = shape }

    public var name: String { "broadcast" }

    /// `Expand`, whose size 1 keeps the input's size as −1 does here.
    public var onnx: ONNXOperator? { ONNXOperator("Expand", constantInputs: [.int64s(shape.map { $0 == -1 ? 1 : $0 })]) }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw TensorError.invalidArgument("broadcast: one input expected, got \(inputShapes.count)") }
        let input = inputShapes[0], lead = shape.count - input.count
        let target = shape.indices.map { shape[$0] == -1 && $0 >= lead ? input[$0 - lead] : shape[$0] }
        guard lead >= 0, target.allSatisfy({ $0 >= 0 }), Tensor<Scalar>.broadcastShape(input, target) == target else {
            throw TensorError.incompatibleShapes(operation: "broadcast", lhs: input, rhs: shape)
        }
        return target
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? {
        guard let output = try? outputShape(inputShapes), !output.isEmpty else { return nil }
        return [inputShapes[0].count == output.count && inputShapes[0][0] == output[0] && output[0] != 1]
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        guard output.count > 0 else { return }
        Scalar.copy(inputs[0].pointer, strides: Tensor<Scalar>.broadcastStrides(of: inputs[0].shape, to: output.shape),
                    into: output.pointer, strides: Tensor<Scalar>.strides(of: output.shape), shape: output.shape)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0 else { return }
        Tensor(upstream).summed(toShape: dx.shape).withUnsafeBufferPointer {
            copyElements(from: $0.baseAddress!, to: dx.pointer, count: dx.count)
        }
    }

    public var backwardReadsInputs: Bool { false }
    public var backwardReadsOutput: Bool { false }
}
