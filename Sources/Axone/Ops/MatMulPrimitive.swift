/// The matrix product `op(a)·op(b)` of two rank-2 inputs, `op` transposing through the BLAS flag.
/// With `C = A·B` the pullback is `dA = dC·Bᵀ`, `dB = Aᵀ·dC`, one GEMM each with transpose flags.
public struct MatMulPrimitive<Scalar: TensorScalar>: Primitive {
    /// Whether `a` is read transposed.
    public let transposeA: Bool
    /// Whether `b` is read transposed.
    public let transposeB: Bool

    /// Creates the primitive.
    public init(transposeA: Bool = false, transposeB: Bool = false) {
        self.transposeA = transposeA
        self.transposeB = transposeB
    }

    public var name: String { "matmul" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 2, inputShapes[0].count == 2, inputShapes[1].count == 2 else {
            throw TensorError.incompatibleShapes(operation: "matmul (rank-2 operands)", lhs: inputShapes.first ?? [], rhs: inputShapes.last ?? [])
        }
        let (a, b) = (inputShapes[0], inputShapes[1])
        let k = transposeA ? a[0] : a[1], kb = transposeB ? b[1] : b[0]
        guard k == kb else {
            throw TensorError.incompatibleShapes(
                operation: "matmul\(transposeA ? " (a transposed)" : "")\(transposeB ? " (b transposed)" : "")", lhs: a, rhs: b)
        }
        return [transposeA ? a[1] : a[0], transposeB ? b[0] : b[1]]
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { transposeA ? nil : [true, false] }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        let (a, b) = (inputs[0], inputs[1])
        let k = transposeA ? a.shape[0] : a.shape[1]
        guard output.count > 0 else { return }
        guard k > 0 else { return Scalar.fill(0, into: output.buffer) }
        context.gemm(transposeA: transposeA, transposeB: transposeB, m: output.shape[0], n: output.shape[1], k: k, alpha: 1,
                     a: a.pointer, lda: a.shape[1], b: b.pointer, ldb: b.shape[1], beta: 0, c: output.pointer, ldc: output.shape[1])
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        let (a, b, g) = (inputs[0], inputs[1], upstream)
        // Each gradient is a product of two of (a, b, g): product(x, y, tx, ty) writes op(x)·op(y) into it.
        func product(_ x: Operand<Scalar>, _ y: Operand<Scalar>, _ tx: Bool, _ ty: Bool, into c: Operand<Scalar>) {
            guard c.count > 0 else { return }
            let k = tx ? x.shape[0] : x.shape[1]
            guard k > 0, x.count > 0, y.count > 0 else { return Scalar.fill(0, into: c.buffer) }
            context.gemm(transposeA: tx, transposeB: ty, m: c.shape[0], n: c.shape[1], k: k, alpha: 1,
                         a: x.pointer, lda: x.shape[1], b: y.pointer, ldb: y.shape[1], beta: 0, c: c.pointer, ldc: c.shape[1])
        }
        if let da = gradients[0] {
            if transposeA { product(b, g, transposeB, true, into: da) } else { product(g, b, false, !transposeB, into: da) }
        }
        if let db = gradients[1] {
            if transposeB { product(g, a, true, transposeA, into: db) } else { product(a, g, !transposeA, false, into: db) }
        }
    }

    public var backwardReadsOutput: Bool { false }

    /// `MatMul`, or `Gemm` with its transpose flags (C omitted).
    public var onnx: ONNXOperator? {
        transposeA || transposeB ? ONNXOperator("Gemm", attributes: ["transA": .int(transposeA ? 1 : 0), "transB": .int(transposeB ? 1 : 0)])
            : ONNXOperator("MatMul")
    }
}
