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
        let shape = try batchedProductShape(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
        return Tensor(shape: shape) { c in
            guard !c.isEmpty else { return }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    batchedProduct(pa, shape: a.shape, pb, shape: b.shape, transposeA: transposeA, transposeB: transposeB,
                                   into: c, shape: shape, pooled: true)
                }
            }
        }
    }

    /// The shape of ``batchedMatmul(_:_:transposeA:transposeB:)``'s result.
    static func batchedProductShape(_ a: [Int], _ b: [Int], transposeA: Bool, transposeB: Bool) throws -> [Int] {
        for operand in [a, b] where operand.count < 2 {
            throw TensorError.invalidShape(operation: "batchedMatmul", expected: "stacks of matrices (rank 2 or more)",
                                           got: operand)
        }
        let (m, k) = transposeA ? (a[a.count - 1], a[a.count - 2]) : (a[a.count - 2], a[a.count - 1])
        let (kb, n) = transposeB ? (b[b.count - 1], b[b.count - 2]) : (b[b.count - 2], b[b.count - 1])
        guard k == kb else {
            throw TensorError.incompatibleShapes(
                operation: "batchedMatmul (inner dimensions\(transposeA ? ", a transposed" : "")\(transposeB ? ", b transposed" : ""))",
                lhs: a, rhs: b)
        }
        guard let batch = broadcastShape(Array(a.dropLast(2)), Array(b.dropLast(2))) else {
            throw TensorError.incompatibleShapes(operation: "batchedMatmul (batch axes)", lhs: a, rhs: b)
        }
        return batch + [m, n]
    }

    /// The kernel of ``batchedMatmul(_:_:transposeA:transposeB:)``: writes the products of the
    /// stacks `a` and `b` into `c` (of `shape`, from ``batchedProductShape(_:_:transposeA:transposeB:)``),
    /// spreading them over the worker pool when `pooled`.
    static func batchedProduct(_ a: UnsafeBufferPointer<Scalar>, shape shapeA: [Int], _ b: UnsafeBufferPointer<Scalar>,
                               shape shapeB: [Int], transposeA: Bool, transposeB: Bool,
                               into c: UnsafeMutableBufferPointer<Scalar>, shape: [Int], pooled: Bool) {
        guard !c.isEmpty else { return }
        let (m, n) = (shape[shape.count - 2], shape[shape.count - 1])
        let k = transposeA ? shapeA[shapeA.count - 2] : shapeA[shapeA.count - 1]
        guard k > 0 else { Scalar.fill(0, into: c); return }
        let (columnsA, columnsB) = (shapeA[shapeA.count - 1], shapeB[shapeB.count - 1])
        let (sizeA, sizeB, sizeC) = (shapeA.suffix(2).reduce(1, *), shapeB.suffix(2).reduce(1, *), m * n)
        let batch = Array(shape.dropLast(2))
        let matricesA = matrixIndices(of: Array(shapeA.dropLast(2)), in: batch)
        let matricesB = matrixIndices(of: Array(shapeB.dropLast(2)), in: batch)
        // β = 0: BLAS does not read C, so it may start uninitialised.
        let product = { (rows: Int, matrixA: Int, matrixB: Int, matrixC: Int) in
            let (pa, pb, pc) = (a.baseAddress! + matrixA * sizeA, b.baseAddress! + matrixB * sizeB, c.baseAddress! + matrixC * sizeC)
            if pooled {
                Scalar.gemmOnPool(transposeA: transposeA, transposeB: transposeB, m: rows, n: n, k: k, alpha: 1,
                                  a: pa, lda: columnsA, b: pb, ldb: columnsB, beta: 0, c: pc, ldc: n)
            } else {
                Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: rows, n: n, k: k, alpha: 1,
                            a: pa, lda: columnsA, b: pb, ldb: columnsB, beta: 0, c: pc, ldc: n)
            }
        }
        let count = matricesA.count
        if !transposeA && b.count == sizeB && a.count == count * sizeA {
            // One matrix B for a stack A that is not repeated: the stack's rows are one matrix.
            product(count * m, 0, 0, 0)
        } else if pooled && count > 1 && count * m * n * k >= 1 << 20 {
            Parallelism.parallelFor(count) { product(m, matricesA[$0], matricesB[$0], $0) }
        } else {
            for i in 0..<count { product(m, matricesA[i], matricesB[i], i) }
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
