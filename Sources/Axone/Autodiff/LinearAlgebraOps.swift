extension Variable {
    /// The matrix product `op(a)·op(b)` (``MatMulPrimitive``); with `C = A·B` the pullback is
    /// `dA = dC·Bᵀ`, `dB = Aᵀ·dC`, each computed by one GEMM with transpose flags.
    public static func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false,
                              transposeB: Bool = false) -> Variable {
        applying(MatMulPrimitive(transposeA: transposeA, transposeB: transposeB), to: [a, b])
    }

    /// The matrix products of two stacks of matrices with broadcast batch axes (see
    /// ``Tensor/batchedMatmul(_:_:transposeA:transposeB:)``). The pullback is that of
    /// ``matmul(_:_:transposeA:transposeB:)`` for each matrix, summed over the batch axes along
    /// which an operand was repeated.
    /// - Throws: ``TensorError`` when the shapes do not fit, as the tensor operation does.
    public static func batchedMatmul(_ a: Variable, _ b: Variable, transposeA: Bool = false,
                                     transposeB: Bool = false) throws -> Variable {
        let primitive = BatchedMatMulPrimitive<Scalar>(transposeA: transposeA, transposeB: transposeB)
        _ = try primitive.outputShape([a.shape, b.shape])
        return applying(primitive, to: [a, b])
    }

    /// The transpose of a rank-2 variable.
    public func transposed() -> Variable {
        precondition(shape.count == 2, TensorError.invalidShape(
            operation: "transposed()", expected: "a rank-2 variable", got: shape).description)
        return Variable.applying(PermutePrimitive([1, 0]), to: [self])
    }
}

extension Variable {
    /// The affine map `x·W + b` in one GEMM (``LinearPrimitive``): `b` is copied into the output
    /// rows and BLAS adds `x·W` on top (β = 1). Pullback: `dx = dY·Wᵀ`, `dW = xᵀ·dY`, `db = Σ_rows dY`.
    public static func linear(_ x: Variable, _ weight: Variable, _ bias: Variable?) -> Variable {
        applying(LinearPrimitive(), to: bias.map { [x, weight, $0] } ?? [x, weight])
    }
}
