extension Tensor {
    /// The matrix products of two stacks of matrices, `[…, m, k] × […, k, n] → […, m, n]`, like
    /// NumPy's `matmul`: the axes before the last two are batch axes and broadcast against each
    /// other (`[b, m, k] × [k, n]` multiplies every matrix of the stack by the same one), and the
    /// transpose flags apply to the last two axes of each operand (read through the BLAS flag,
    /// never copied). Each product is one BLAS call, except that a stack multiplied by a single
    /// matrix is one call over all its rows; for rank-2 operands this is ``matmul(_:_:transposeA:transposeB:)``.
    /// - Throws: ``TensorError/invalidShape(operation:expected:got:)`` for an operand of rank below
    ///   2, ``TensorError/incompatibleShapes(operation:lhs:rhs:)`` when the inner dimensions differ
    ///   or the batch axes do not broadcast.
    public static func batchedMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                                     transposeB: Bool = false) throws -> Tensor {
        for operand in [a, b] where operand.rank < 2 {
            throw TensorError.invalidShape(operation: "batchedMatmul", expected: "stacks of matrices (rank 2 or more)",
                                           got: operand.shape)
        }
        let (rowsA, columnsA) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (rowsB, columnsB) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (columnsA, rowsA) : (rowsA, columnsA)
        let (kb, n) = transposeB ? (columnsB, rowsB) : (rowsB, columnsB)
        guard k == kb else {
            throw TensorError.incompatibleShapes(
                operation: "batchedMatmul (inner dimensions\(transposeA ? ", a transposed" : "")\(transposeB ? ", b transposed" : ""))",
                lhs: a.shape, rhs: b.shape)
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        guard let batch = broadcastShape(batchA, batchB) else {
            throw TensorError.incompatibleShapes(operation: "batchedMatmul (batch axes)", lhs: a.shape, rhs: b.shape)
        }
        let matricesA = matrixIndices(of: batchA, in: batch), matricesB = matrixIndices(of: batchB, in: batch)
        let (sizeA, sizeB, sizeC) = (rowsA * columnsA, rowsB * columnsB, m * n)
        return Tensor(shape: batch + [m, n]) { c in
            guard !c.isEmpty else { return }
            guard k > 0 else { Scalar.fill(0, into: c); return }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    // β = 0: BLAS does not read C, so it may start uninitialised.
                    let product = { (rows: Int, matrixA: Int, matrixB: Int, matrixC: Int) in
                        Scalar.gemmOnPool(transposeA: transposeA, transposeB: transposeB, m: rows, n: n, k: k, alpha: 1,
                                          a: pa.baseAddress! + matrixA * sizeA, lda: columnsA,
                                          b: pb.baseAddress! + matrixB * sizeB, ldb: columnsB,
                                          beta: 0, c: c.baseAddress! + matrixC * sizeC, ldc: n)
                    }
                    let count = matricesA.count
                    if !transposeA && b.count == sizeB && a.count == count * sizeA {
                        // One matrix B for a stack A that is not repeated: the stack's rows are one matrix.
                        product(count * m, 0, 0, 0)
                    } else if count > 1 && count * m * n * k >= 1 << 20 {
                        Parallelism.parallelFor(count) { product(m, matricesA[$0], matricesB[$0], $0) }
                    } else {
                        for i in 0..<count { product(m, matricesA[i], matricesB[i], i) }
                    }
                }
            }
        }
    }

    /// For each matrix of a stack with batch axes `target` (row-major), the index of the matrix
    /// it reads in a stack with batch axes `batch` that broadcast to `target`.
    static func matrixIndices(of batch: [Int], in target: [Int]) -> [Int] {
        let strides = broadcastStrides(of: batch, to: target)
        return target.indices.reduce([0]) { indices, axis in
            indices.flatMap { base in (0..<target[axis]).map { base + $0 * strides[axis] } }
        }
    }
}
