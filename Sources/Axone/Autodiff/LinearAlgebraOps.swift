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

    /// The transpose of a rank-2 variable.
    public func transposed() -> Variable {
        Variable(value.transposed(), inputs: [self]) { g in [g.transposed()] }
    }
}
