/// The affine map `y = f(x·W + b)` of a dense layer: inputs `x [m, k]`, `W [k, n]` and optionally
/// `b [n]`; `f` is the identity unless the compiler fused an activation whose derivative follows
/// from its output (see ``ElementwisePrimitive/derivativeFollowsFromOutput``).
///
/// Forward: `b` is copied into the output rows and one GEMM adds `x·W` on top (β = 1), then `f`
/// runs over the rows from the workspace. Pullback: `dZ = dY ⊙ f′(y)`, `dx = dZ·Wᵀ`, `dW = xᵀ·dZ`
/// (GEMMs with transpose flags, no transposed copy), `db = Σ_rows dZ`.
public struct LinearPrimitive<Scalar: TensorScalar>: Primitive {
    /// The activation applied after the affine map, if any.
    public let activation: ElementwisePrimitive<Scalar>?

    /// Creates the primitive.
    /// - Precondition: the activation's derivative follows from its output.
    public init(activation: ElementwisePrimitive<Scalar>? = nil) {
        precondition(activation?.derivativeFollowsFromOutput ?? true, "linear: \(activation!.name) cannot be fused")
        self.activation = activation
    }

    public var name: String { activation.map { "linear+\($0.name)" } ?? "linear" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 2 || inputShapes.count == 3 else {
            throw TensorError.invalidArgument("linear: 2 or 3 inputs (x, W, b) expected, got \(inputShapes.count)")
        }
        let (x, w) = (inputShapes[0], inputShapes[1])
        guard x.count == 2, w.count == 2, x[1] == w[0] else {
            throw TensorError.incompatibleShapes(operation: "linear (x·W)", lhs: x, rhs: w)
        }
        if inputShapes.count == 3, inputShapes[2] != [w[1]] {
            throw TensorError.incompatibleShapes(operation: "linear (bias)", lhs: [w[1]], rhs: inputShapes[2])
        }
        return [x[0], w[1]]
    }

    public func workspaceSize(_ inputShapes: [[Int]], output: [Int]) -> Int {
        activation == nil ? 0 : output.reduce(1, *)
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { [true, false, false].prefix(inputShapes.count).map { $0 } }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        let (x, w) = (inputs[0], inputs[1])
        let (m, k, n) = (x.shape[0], x.shape[1], w.shape[1])
        affine(bias: Self.bias(inputs), into: output.buffer, columns: n, context) { z in
            if m > 0 && n > 0 && k > 0 {
                context.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: x.pointer, lda: k,
                             b: w.pointer, ldb: n, beta: 1, c: z.baseAddress!, ldc: n)
            }
        }
    }

    /// The forward pass from products computed elsewhere: `y = f(b + P₀ + P₁ + …)` for `x·W` split
    /// into the partial products `partials` (shaped like the output, this call's rows of each),
    /// added in order onto the bias rows. `inputs` are the call's; `x` and `W` are not read. Runs
    /// in tiles of rows of ``sumTileElements`` elements or fewer, each finished while it is in the
    /// L1 cache (the same sums as over the whole output at once).
    func forward(_ inputs: [Operand<Scalar>], summing partials: PartialProducts<Scalar>, into output: Operand<Scalar>,
                 _ context: PrimitiveContext) {
        let (m, n) = (output.shape[0], output.shape[1]), tileRows = Swift.max(1, Self.sumTileElements / Swift.max(n, 1))
        let bias = Self.bias(inputs)
        for first in stride(from: 0, to: m, by: tileRows) {
            let tile = UnsafeMutableBufferPointer(rebasing: output.buffer[first * n..<Swift.min(m, first + tileRows) * n])
            affine(bias: bias, into: tile, columns: n, context) { z in
                for index in 0..<partials.count {
                    Scalar.accumulate(UnsafeBufferPointer(start: partials.base + index * partials.stride + first * n, count: z.count), into: z)
                }
            }
        }
    }

    /// The most elements in a tile of rows of ``forward(_:summing:into:_:)`` (16 KiB of `Float`).
    static var sumTileElements: Int { 4096 }

    /// The bias among a call's inputs, if it has one.
    private static func bias(_ inputs: [Operand<Scalar>]) -> UnsafePointer<Scalar>? {
        inputs.count == 3 ? UnsafePointer(inputs[2].pointer) : nil
    }

    /// `y = f(z)` for rows `y` of the output (`columns` wide), where `z` starts as the bias rows (or
    /// zeros without a bias) and `addProduct` adds `x·W` to it; `z` is `y` itself without an
    /// activation, else the workspace.
    private func affine(bias: UnsafePointer<Scalar>?, into y: UnsafeMutableBufferPointer<Scalar>, columns: Int,
                        _ context: PrimitiveContext, addProduct: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
        let z = activation == nil ? y : context.scratch(y.count, as: Scalar.self)
        if let bias, !z.isEmpty {
            fillRows(z.baseAddress!, rows: z.count / columns, columns: columns, with: bias)
        } else {
            Scalar.fill(0, into: z)
        }
        addProduct(z)
        if let activation { Scalar.apply(activation.function, UnsafeBufferPointer(z), into: y) }
    }

    /// The partial product `x[:, rows]·W[rows, :]` (`[m, n]`, for `x [m, k]` and `W [k, n]`) written
    /// at `product`: the share of the inputs `rows` in `x·W`, one GEMM with β = 0.
    static func partialProduct(x: UnsafePointer<Scalar>, w: UnsafePointer<Scalar>, m: Int, k: Int, n: Int, rows: Range<Int>,
                               into product: UnsafeMutablePointer<Scalar>, _ context: PrimitiveContext) {
        context.gemm(transposeA: false, transposeB: false, m: m, n: n, k: rows.count, alpha: 1, a: x + rows.lowerBound, lda: k,
                     b: w + rows.lowerBound * n, ldb: n, beta: 0, c: product, ldc: n)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        pullback(inputs, output: output, upstream: upstream, into: gradients, deferringWeightGradientTo: nil, context)
    }

    /// The pullback without the weight product: writes `dZ = dY ⊙ f′(y)` into `dz` (shaped like the
    /// output) instead, so that the caller computes `dW` later with ``weightGradient(x:dz:m:k:n:rows:beta:into:_:)``
    /// over the rows of several calls at once; the other gradients as ``backward(_:output:upstream:into:_:)``.
    func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                  into gradients: [Operand<Scalar>?], deferringWeightGradientTo dz: UnsafeMutableBufferPointer<Scalar>,
                  _ context: PrimitiveContext) {
        pullback(inputs, output: output, upstream: upstream, into: gradients, deferringWeightGradientTo: dz, context)
    }

    /// Rows `rows` of the weight gradient `dW = xᵀ·dZ` (plus `β·dW` there) for `x [m, k]` and
    /// `dZ [m, n]`, written into the rows of `dw [k, n]`: one GEMM with transpose flags.
    static func weightGradient(x: UnsafePointer<Scalar>, dz: UnsafePointer<Scalar>, m: Int, k: Int, n: Int, rows: Range<Int>,
                               beta: Scalar, into dw: UnsafeMutablePointer<Scalar>, _ context: PrimitiveContext) {
        // The rows of dW are the columns of x.
        context.gemm(transposeA: true, transposeB: false, m: rows.count, n: n, k: m, alpha: 1, a: x + rows.lowerBound, lda: k,
                     b: dz, ldb: n, beta: beta, c: dw + rows.lowerBound * n, ldc: n)
    }

    /// The pullback: `dZ` (into `deferred` when given, else into the workspace, or the upstream
    /// itself without an activation), then `dx`, `dW` (unless deferred) and `db`.
    private func pullback(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                          into gradients: [Operand<Scalar>?], deferringWeightGradientTo deferred: UnsafeMutableBufferPointer<Scalar>?,
                          _ context: PrimitiveContext) {
        let (x, w) = (inputs[0], inputs[1])
        let (m, k, n) = (x.shape[0], x.shape[1], w.shape[1])
        guard upstream.count > 0 else {
            // No output: every gradient is zero.
            for gradient in gradients { gradient.map { Scalar.fill(0, into: $0.buffer) } }
            return
        }
        var dz = upstream.elements
        if activation != nil || deferred != nil {
            let destination = deferred ?? context.scratch(output.count, as: Scalar.self)
            if let activation {
                Scalar.applyDerivative(activation.function, x: output.elements, y: output.elements, upstream: upstream.elements, into: destination)
            } else {
                copyElements(from: upstream.pointer, to: destination.baseAddress!, count: upstream.count)
            }
            dz = UnsafeBufferPointer(destination)
        }
        if let dx = gradients[0] {
            context.gemm(transposeA: false, transposeB: true, m: m, n: k, k: n, alpha: 1, a: dz.baseAddress!, lda: n,
                         b: w.pointer, ldb: n, beta: 0, c: dx.pointer, ldc: k)
        }
        if deferred == nil, let dw = gradients[1] {
            Self.weightGradient(x: x.pointer, dz: dz.baseAddress!, m: m, k: k, n: n, rows: 0..<k, beta: 0, into: dw.pointer, context)
        }
        if gradients.count == 3, let db = gradients[2] {
            Scalar.reduce(.sum, dz, outer: 1, count: m, inner: n, into: db.buffer)
        }
    }

    public var backwardReadsOutput: Bool { activation != nil }

    public var onnx: ONNXOperator? { activation == nil ? ONNXOperator("Gemm") : nil }
}

/// Partial products of a ``LinearPrimitive`` call computed before its program runs: `count`
/// matrices shaped like the call's output, the first at `base`, each `stride` elements after the last.
struct PartialProducts<Scalar> {
    let base: UnsafePointer<Scalar>
    let count: Int
    let stride: Int
}
