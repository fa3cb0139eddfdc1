extension Tensor {
    /// The matrix product `op(a)·op(b)` of two rank-2 tensors through BLAS, where `op` transposes
    /// an operand when asked (by the BLAS flag: the data is not copied).
    ///
    /// Shapes that do not chain stop the program with a message naming both shapes.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, TensorError.incompatibleShapes(
            operation: "matmul (rank-2 operands)", lhs: a.shape, rhs: b.shape).description)
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0], n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kb, TensorError.incompatibleShapes(
            operation: "matmul\(transposeA ? " (a transposed)" : "")\(transposeB ? " (b transposed)" : "")",
            lhs: a.shape, rhs: b.shape).description)
        return Tensor(shape: [m, n]) { c in
            guard m > 0, n > 0, k > 0 else { Scalar.fill(0, into: c); return }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    // β = 0: BLAS does not read C, so it may start uninitialised.
                    Scalar.gemmOnPool(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                alpha: 1, a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1],
                                beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// The transpose of a rank-2 tensor.
    public func transposed() -> Tensor {
        precondition(rank == 2, TensorError.invalidShape(
            operation: "transposed()", expected: "a rank-2 tensor", got: shape).description)
        let (rows, columns) = (shape[0], shape[1])
        return Tensor(shape: [columns, rows]) { out in
            withUnsafeBufferPointer { Scalar.transpose($0, rows: rows, columns: columns, into: out) }
        }
    }
}

extension TensorScalar {
    /// The rows of `C` in one call of a product split into row blocks (see
    /// ``gemmOnPool(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``).
    static var productRowBlock: Int { 64 }

    /// ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` with the rows of `C`
    /// computed in blocks of ``productRowBlock`` rows that start at row 0 (the last block holds
    /// the rest), each a single-threaded BLAS call; the blocks are spread over ``Parallelism``'s
    /// threads when the product is large enough.
    ///
    /// The call shapes depend on the product's shape alone, so the result is the same bits at any
    /// thread count by construction, whatever BLAS kernel the CPU gets: OpenBLAS's AVX2 kernels
    /// round a row differently according to its place in the call and the call's size, so no
    /// property of one kernel is relied on.
    static func gemmOnPool(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                           a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                           beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int) {
        let blocks = (m + productRowBlock - 1) / productRowBlock
        let block = { (index: Int) in
            let first = index * productRowBlock, rows = Swift.min(productRowBlock, m - first)
            gemm(transposeA: transposeA, transposeB: transposeB, m: rows, n: n, k: k, alpha: alpha,
                 a: transposeA ? a + first : a + first * lda, lda: lda, b: b, ldb: ldb,
                 beta: beta, c: c + first * ldc, ldc: ldc)
        }
        if blocks > 1 && m * n * k >= 1 << 20 {
            Parallelism.parallelFor(blocks, block)
        } else {
            for index in 0..<blocks { block(index) }
        }
    }
}
