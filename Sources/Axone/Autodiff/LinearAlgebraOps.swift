extension Variable {
    /// The matrix product `op(a)·op(b)`; with `C = A·B` the pullback is `dA = dC·Bᵀ`, `dB = Aᵀ·dC`,
    /// each computed by one GEMM with transpose flags.
    public static func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false,
                              transposeB: Bool = false) -> Variable {
        let (av, bv) = (a.value, b.value)
        let out = Tensor.matmul(av, bv, transposeA: transposeA, transposeB: transposeB)
        return Variable(out, inputs: [a, b]) { g in
            let ga = transposeA
                ? Tensor.matmul(bv, g, transposeA: transposeB, transposeB: true)
                : Tensor.matmul(g, bv, transposeB: !transposeB)
            let gb = transposeB
                ? Tensor.matmul(g, av, transposeA: true, transposeB: transposeA)
                : Tensor.matmul(av, g, transposeA: !transposeA)
            return [ga, gb]
        }
    }

    /// The matrix products of two stacks of matrices with broadcast batch axes (see
    /// ``Tensor/batchedMatmul(_:_:transposeA:transposeB:)``). The pullback is that of
    /// ``matmul(_:_:transposeA:transposeB:)`` for each matrix, summed over the batch axes along
    /// which an operand was repeated.
    /// - Throws: ``TensorError`` when the shapes do not fit, as the tensor operation does.
    public static func batchedMatmul(_ a: Variable, _ b: Variable, transposeA: Bool = false,
                                     transposeB: Bool = false) throws -> Variable {
        let (av, bv) = (a.value, b.value)
        let out = try Tensor.batchedMatmul(av, bv, transposeA: transposeA, transposeB: transposeB)
        return Variable(out, inputs: [a, b]) { g in
            mustSucceed {
                let ga = transposeA
                    ? try Tensor.batchedMatmul(bv, g, transposeA: transposeB, transposeB: true)
                    : try Tensor.batchedMatmul(g, bv, transposeB: !transposeB)
                let gb = transposeB
                    ? try Tensor.batchedMatmul(g, av, transposeA: true, transposeB: transposeA)
                    : try Tensor.batchedMatmul(av, g, transposeA: !transposeA)
                return [ga.summed(toShape: av.shape), gb.summed(toShape: bv.shape)]
            }
        }
    }

    /// The transpose of a rank-2 variable.
    public func transposed() -> Variable {
        Variable(value.transposed(), inputs: [self]) { g in [g.transposed()] }
    }
}

extension Variable {
    /// The affine map `x·W + b` in one GEMM: `b` is copied into the output rows and BLAS adds
    /// `x·W` on top (β = 1). Pullback: `dx = dY·Wᵀ`, `dW = xᵀ·dY`, `db = Σ_rows dY`.
    public static func linear(_ x: Variable, _ weight: Variable, _ bias: Variable?) -> Variable {
        let (xv, wv) = (x.value, weight.value)
        precondition(xv.rank == 2 && wv.rank == 2 && xv.shape[1] == wv.shape[0],
                     TensorError.incompatibleShapes(operation: "linear (x·W)", lhs: xv.shape, rhs: wv.shape).description)
        let (m, k, n) = (xv.shape[0], xv.shape[1], wv.shape[1])
        if let bias { precondition(bias.value.shape == [n], "linear: bias of shape \(bias.value.shape) for \(n) units") }
        let out = Tensor<Scalar>(shape: [m, n]) { y in
            if let b = bias?.value {
                b.withUnsafeBufferPointer { pb in
                    for r in 0..<m { copyElements(from: pb.baseAddress!, to: y.baseAddress! + r * n, count: n) }
                }
            } else {
                Scalar.fill(0, into: y)
            }
            guard m > 0, n > 0, k > 0 else { return }
            xv.withUnsafeBufferPointer { px in
                wv.withUnsafeBufferPointer { pw in
                    Scalar.gemmOnPool(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                a: px.baseAddress!, lda: k, b: pw.baseAddress!, ldb: n,
                                beta: 1, c: y.baseAddress!, ldc: n)
                }
            }
        }
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Variable(out, inputs: inputs) { g in
            var grads = [Tensor.matmul(g, wv, transposeB: true), Tensor.matmul(xv, g, transposeA: true)]
            if bias != nil { grads.append(g.sum(alongAxes: [0])) }
            return grads
        }
    }
}
