/// Inputs joined along one axis (their other axes equal); the pullback splits the gradient.
public struct ConcatenatePrimitive<Scalar: TensorScalar>: Primitive {
    /// The axis joined along (negative counts from the end).
    public let axis: Int

    /// Creates the primitive.
    public init(alongAxis axis: Int) { self.axis = axis }

    public var name: String { "concatenate" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard let first = inputShapes.first else { throw TensorError.invalidArgument("concatenate: no input") }
        let axis = self.axis < 0 ? self.axis + first.count : self.axis
        guard (0..<first.count).contains(axis) else {
            throw TensorError.invalidArgument("concatenate: axis \(self.axis) does not fit rank \(first.count)")
        }
        var shape = first
        shape[axis] = 0
        for input in inputShapes {
            guard input.count == first.count, input.indices.allSatisfy({ $0 == axis || input[$0] == first[$0] }) else {
                throw TensorError.incompatibleShapes(operation: "concatenate along axis \(axis)", lhs: first, rhs: input)
            }
            shape[axis] += input[axis]
        }
        return shape
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? {
        let rank = inputShapes.first?.count ?? 0
        guard rank >= 2, (axis < 0 ? axis + rank : axis) != 0 else { return nil }
        return inputShapes.map { _ in true }
    }

    /// Calls `body` with each input's index and the offset of its slab along the axis.
    private func forEachSlab(_ shapes: [[Int]], _ body: (Int, Int) -> Void) {
        let axis = self.axis < 0 ? self.axis + shapes[0].count : self.axis
        var offset = 0
        for (index, shape) in shapes.enumerated() {
            body(index, offset)
            offset += shape[axis]
        }
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        let axis = self.axis < 0 ? self.axis + output.shape.count : self.axis
        let strides = Tensor<Scalar>.strides(of: output.shape)
        forEachSlab(inputs.map(\.shape)) { index, offset in
            let input = inputs[index]
            guard input.count > 0 else { return }
            Scalar.copy(input.pointer, strides: Tensor<Scalar>.strides(of: input.shape),
                        into: output.pointer + offset * strides[axis], strides: strides, shape: input.shape)
        }
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        let axis = self.axis < 0 ? self.axis + output.shape.count : self.axis
        let strides = Tensor<Scalar>.strides(of: output.shape)
        forEachSlab(inputs.map(\.shape)) { index, offset in
            guard let dx = gradients[index], dx.count > 0 else { return }
            Scalar.copy(upstream.pointer + offset * strides[axis], strides: strides,
                        into: dx.pointer, strides: Tensor<Scalar>.strides(of: dx.shape), shape: dx.shape)
        }
    }

    public var backwardReadsInputs: Bool { false }
    public var backwardReadsOutput: Bool { false }

    public var onnx: ONNXOperator? { ONNXOperator("Concat", attributes: ["axis": .int(axis)]) }
}
