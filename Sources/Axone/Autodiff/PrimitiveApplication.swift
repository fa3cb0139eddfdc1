extension Variable {
    /// Applies a primitive: checks the inputs' shapes, computes the result with the primitive's
    /// forward kernel, and records its pullback on the tape. A view (``Primitive/isView``) shares
    /// its input's storage, and its pullback the upstream gradient's: nothing is copied.
    ///
    /// - Precondition: the inputs fit the primitive (as the other operations on variables, a shape
    ///   mismatch is a programming error; layers check shapes before they run).
    public static func applying(_ primitive: some Primitive<Scalar>, to inputs: [Variable]) -> Variable {
        let values = inputs.map(\.value)
        let shape: [Int]
        do { shape = try primitive.outputShape(values.map(\.shape)) } catch {
            preconditionFailure("\(primitive.name): \(error)")
        }
        if primitive.isView {
            let inputShape = values[0].shape
            return Variable(values[0].reshaped(shape), inputs: inputs, primitive: primitive) { [$0.reshaped(inputShape)] }
        }
        let workspace = primitive.workspaceSize(values.map(\.shape), output: shape) * MemoryLayout<Scalar>.stride
        let output = Tensor<Scalar>(shape: shape) { y in
            withContext(workspace) { context in
                withOperands(values) { primitive.forward($0, into: Operand(y, shape: shape), context) }
            }
        }
        let requires = inputs.map(\.requiresGradient)
        let needs = inputs.indices.map { requires[$0] && primitive.isDifferentiable(input: $0) }
        return Variable(output, inputs: inputs, primitive: primitive) { upstream in
            let gradients = makingTensors(values.indices.map { needs[$0] ? values[$0].shape : nil }) { targets in
                withContext(workspace) { context in
                    withOperands(values + [output, upstream]) { operands in
                        primitive.backward(Array(operands[..<values.count]), output: operands[values.count],
                                           upstream: operands[values.count + 1], into: targets, context)
                    }
                }
            }
            // Inputs without a gradient get an empty placeholder (the tape skips them).
            return values.indices.map { gradients[$0] ?? .zeros(requires[$0] ? values[$0].shape : [0]) }
        }
    }

    /// Calls `body` with a pooled context and `bytes` of workspace.
    private static func withContext<R>(_ bytes: Int, _ body: (PrimitiveContext) -> R) -> R {
        guard bytes > 0 else { return body(PrimitiveContext(pooled: true)) }
        let workspace = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 64)
        defer { workspace.deallocate() }
        return body(PrimitiveContext(pooled: true, workspace: workspace))
    }
}

/// Calls `body` with operands over `tensors`' storage, valid for the call.
func withOperands<Scalar: TensorScalar, R>(_ tensors: [Tensor<Scalar>], _ body: ([Operand<Scalar>]) -> R) -> R {
    var operands: [Operand<Scalar>] = []
    operands.reserveCapacity(tensors.count)
    func visit(_ index: Int) -> R {
        guard index < tensors.count else { return body(operands) }
        return tensors[index].withUnsafeBufferPointer { buffer in
            operands.append(Operand(UnsafeMutableBufferPointer(mutating: buffer), shape: tensors[index].shape))
            return visit(index + 1)
        }
    }
    return visit(0)
}

/// Makes a tensor for each non-`nil` shape, its elements written by `body` through the operand
/// at the same index (every element must be written); `nil` where the shape is `nil`.
func makingTensors<Scalar: TensorScalar>(_ shapes: [[Int]?], _ body: ([Operand<Scalar>?]) -> Void) -> [Tensor<Scalar>?] {
    var operands: [Operand<Scalar>?] = []
    var made = [Tensor<Scalar>?](repeating: nil, count: shapes.count)
    func visit(_ index: Int) {
        guard index < shapes.count else { return body(operands) }
        guard let shape = shapes[index] else {
            operands.append(nil)
            return visit(index + 1)
        }
        let tensor = Tensor<Scalar>(shape: shape) { buffer in
            operands.append(Operand(buffer, shape: shape))
            visit(index + 1)
        }
        made[index] = tensor
    }
    visit(0)
    return made
}
