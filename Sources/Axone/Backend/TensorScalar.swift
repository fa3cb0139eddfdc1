import CAxoneKernels
import COpenBLAS
import RealModule

/// The element types a ``Tensor`` can hold: `Float` for training, `Double` for gradient checks.
///
/// The requirements are the numeric kernels every tensor operation is built on. The protocol
/// extensions in `Backend/` give portable Swift implementations; because `Float` and `Double`
/// conform in this module, the compiler emits code specialised for each of them behind the
/// witness table, so generic code (and callers in other modules) reach a concrete, vectorisable
/// loop at the cost of one dynamic call per kernel instead of one per element.
public protocol TensorScalar: BinaryFloatingPoint, Real, Sendable, LosslessStringConvertible {
    /// The safetensors name of this type (`F32`, `F64`).
    static var dtypeName: String { get }

    /// Row-major general matrix product `C ← α·op(A)·op(B) + β·C` through BLAS, or, for products
    /// of at most 32,768 multiply-adds (`m·n·k`), through Axone's own kernel, which rounds the
    /// same on every CPU with FMA (OpenBLAS's AVX, AVX2 and AVX-512 kernels each round their own
    /// way, and a small network trained at a chaotic rate ends elsewhere on each). On CPUs with
    /// AVX-512, `Float` products with α = 1 and B not transposed, 64 columns wide or more, take
    /// that arithmetic too, in register tiles (`isTiled(n:k:)`): faster than OpenBLAS's kernel on
    /// a dense layer's forward product and weight gradient.
    ///
    /// `op(A)` is `m×k`, `op(B)` is `k×n`, `C` is `m×n`; a transposed operand is read through the
    /// BLAS transpose flag, never copied.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `y[i] = f(x[i])`.
    static func apply(_ function: ElementwiseFunction<Self>, _ x: UnsafeBufferPointer<Self>,
                      into y: UnsafeMutableBufferPointer<Self>)

    /// `dx[i] = dy[i]·f′(x[i])`, where `y = f(x)` is passed too so rules can reuse it.
    static func applyDerivative(_ function: ElementwiseFunction<Self>, x: UnsafeBufferPointer<Self>,
                                y: UnsafeBufferPointer<Self>, upstream dy: UnsafeBufferPointer<Self>,
                                into dx: UnsafeMutableBufferPointer<Self>)

    /// `out = a ∘ b` over `shape`, reading `a` and `b` through element strides (0 on broadcast axes).
    static func combine(_ op: BinaryOperator, _ a: UnsafeBufferPointer<Self>, strides aStrides: [Int],
                        _ b: UnsafeBufferPointer<Self>, strides bStrides: [Int], shape: [Int],
                        into out: UnsafeMutableBufferPointer<Self>)

    /// `y[i] += x[i]` (the buffers must not overlap).
    static func accumulate(_ x: UnsafeBufferPointer<Self>, into y: UnsafeMutableBufferPointer<Self>)

    /// Reduces the middle axis of a `[outer, count, inner]` view: `out[o, i] = ⊕ₖ x[o, k, i]`.
    static func reduce(_ op: ReductionOperator, _ x: UnsafeBufferPointer<Self>, outer: Int, count: Int,
                       inner: Int, into out: UnsafeMutableBufferPointer<Self>)

    /// Softmax (or log-softmax) of each row of a `rows × columns` matrix, max-shifted for stability.
    static func softmaxRows(_ x: UnsafeBufferPointer<Self>, rows: Int, columns: Int, logarithmic: Bool,
                            into y: UnsafeMutableBufferPointer<Self>)

    /// Gradient of ``softmaxRows(_:rows:columns:logarithmic:into:)`` given its output `y`.
    static func softmaxRowsDerivative(y: UnsafeBufferPointer<Self>, upstream dy: UnsafeBufferPointer<Self>,
                                      rows: Int, columns: Int, logarithmic: Bool,
                                      into dx: UnsafeMutableBufferPointer<Self>)

    /// Sets every element to `value`.
    static func fill(_ value: Self, into y: UnsafeMutableBufferPointer<Self>)

    /// Fills with independent draws from `distribution`.
    static func fillRandom(_ distribution: RandomDistribution, using generator: inout SeededGenerator,
                           into y: UnsafeMutableBufferPointer<Self>)

    /// The index of the largest element of each row of a `rows × columns` matrix (the first on ties).
    static func argmaxRows(_ x: UnsafeBufferPointer<Self>, rows: Int, columns: Int, into indices: UnsafeMutableBufferPointer<Int>)

    /// Out-of-place transpose of a row-major `rows × columns` matrix.
    static func transpose(_ x: UnsafeBufferPointer<Self>, rows: Int, columns: Int,
                          into y: UnsafeMutableBufferPointer<Self>)

    /// Copies the elements of an array of `shape`, reading `x` through element strides `xStrides`
    /// and writing `y` through `yStrides` (any strides: 0 repeats an element, and the strides of a
    /// permutation, slice or padded region describe those views), in one pass.
    static func copy(_ x: UnsafePointer<Self>, strides xStrides: [Int],
                     into y: UnsafeMutablePointer<Self>, strides yStrides: [Int], shape: [Int])
}

extension TensorScalar {
    /// The value rounded toward zero, as `Int(_:)` gives it, through `Float`'s or `Double`'s own
    /// conversion: `Int(_:)` on a generic floating-point value takes the standard library's generic
    /// path, which costs about as much as the rest of a batch's metrics.
    /// - Precondition: the value is finite and within `Int`'s range.
    var truncatedInt: Int {
        if Self.self == Float.self { return Int(unsafeBitCast(self, to: Float.self)) }
        if Self.self == Double.self { return Int(unsafeBitCast(self, to: Double.self)) }
        return Int(self)
    }

    /// The multiply-adds (`m·n·k`) up to which ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
    /// runs Axone's own kernel instead of BLAS: a 16×32×64 product, where BLAS's call and packing
    /// cost about as much as the arithmetic.
    static var smallProductLimit: Int { 1 << 15 }
}

extension Float {
    /// Whether a larger `Float` product with α = 1 and B not transposed, `n` columns wide and
    /// summed over `k`, runs Axone's register-tiled kernel (the small products' arithmetic, faster
    /// than OpenBLAS: see `CAxoneKernels/tiled_gemm.c`) rather than BLAS: on CPUs with AVX-512, 64
    /// columns or more in whole 16-float vectors, and sums short enough for a block of B to stay in
    /// the cache.
    static func isTiled(n: Int, k: Int) -> Bool { tiledKernel != nil && n >= 64 && n % 16 == 0 && k <= 1024 }
}

/// Axone's register-tiled `Float` product, or `nil` on CPUs without AVX-512 (an AVX2 version made
/// the MLP's epoch slower than OpenBLAS's kernel: 4 % emulated on Zen 5, 34 % on a real Zen 3).
private let tiledKernel = axone_tiled_gemm_f32_avx512()

extension Float: TensorScalar {
    public static var dtypeName: String { "F32" }

    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m * n * k <= smallProductLimit {
            return axone_small_gemm_f32(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
        if let tiledKernel, alpha == 1, !transposeB, isTiled(n: n, k: k) {
            return tiledKernel(transposeA ? 1 : 0, m, n, k, a, lda, b, ldb, beta, c, ldc)
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Double: TensorScalar {
    public static var dtypeName: String { "F64" }

    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        if m * n * k <= smallProductLimit {
            return axone_small_gemm_f64(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
