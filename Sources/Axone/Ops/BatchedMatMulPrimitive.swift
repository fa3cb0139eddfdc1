/// The matrix products of two stacks of matrices with broadcast batch axes (see
/// ``Tensor/batchedMatmul(_:_:transposeA:transposeB:)``). The pullback is that of
/// ``MatMulPrimitive`` for each matrix, summed over the batch axes along which an operand was repeated.
public struct BatchedMatMulPrimitive<Scalar: TensorScalar>: Primitive {
    /// Whether the last two axes of the first operand are read transposed.
    public let transposeA: Bool
    /// Whether the last two axes of the second operand are read transposed.
    public let transposeB: Bool

    /// Creates the primitive.
    public init(transposeA: Bool = false, transposeB: Bool = false) {
        self.transposeA = transposeA
        self.transposeB = transposeB
    }

    public var name: String { "batched_matmul" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 2 else {
            throw TensorError.invalidArgument("batched_matmul: two inputs expected, got \(inputShapes.count)")
        }
        return try Tensor<Scalar>.batchedProductShape(inputShapes[0], inputShapes[1], transposeA: transposeA, transposeB: transposeB)
    }

    /// An operand is cut by rows when its first axis is the output's first batch axis; a single
    /// matrix, or a stack broadcast along that axis, is read whole.
    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? {
        guard let shape = try? outputShape(inputShapes), shape.count >= 3 else { return nil }
        return inputShapes.map { $0.count == shape.count && $0[0] == shape[0] && shape[0] != 1 }
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        Tensor<Scalar>.batchedProduct(inputs[0].elements, shape: inputs[0].shape, inputs[1].elements, shape: inputs[1].shape,
                                      transposeA: transposeA, transposeB: transposeB,
                                      into: output.buffer, shape: output.shape, pooled: context.pooled)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        let (a, b, g) = (Tensor(inputs[0]), Tensor(inputs[1]), Tensor(upstream))
        // With C = A·B: dA = dC·Bᵀ and dB = Aᵀ·dC, the flags arranged so that no operand is copied.
        func gradient(_ index: Int) throws -> Tensor<Scalar> {
            if index == 0 {
                return transposeA ? try .batchedMatmul(b, g, transposeA: transposeB, transposeB: true)
                    : try .batchedMatmul(g, b, transposeB: !transposeB)
            }
            return transposeB ? try .batchedMatmul(g, a, transposeA: true, transposeB: transposeA)
                : try .batchedMatmul(a, g, transposeA: !transposeA)
        }
        for index in 0..<2 {
            guard let target = gradients[index], target.count > 0 else { continue }
            mustSucceed { try gradient(index) }.summed(toShape: target.shape).withUnsafeBufferPointer {
                copyElements(from: $0.baseAddress!, to: target.pointer, count: target.count)
            }
        }
    }

    public var onnx: ONNXOperator? { transposeA || transposeB ? nil : ONNXOperator("MatMul") }
}
