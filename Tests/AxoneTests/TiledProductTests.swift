import CAxoneKernels
import Testing
@testable import Axone

/// Axone's register-tiled `Float` product (`CAxoneKernels/tiled_gemm.c`, AVX-512 only), which
/// `Float.gemm` runs for a dense layer's larger products.
@Suite struct TiledProductTests {
    /// The kernel sums each element over p in order from β·C, one FMA per term (Swift's
    /// `addingProduct`), whatever its tiles: full tiles of 6 rows × 4 vectors, a narrower tile of the
    /// last vectors, remainder rows one at a time and the last columns (fewer than a vector) alone.
    /// On a CPU without AVX-512 the kernel is absent and products stay on BLAS.
    @Test(arguments: [(false, 13, 100, 9, Float(0)), (true, 7, 80, 33, 1), (false, 20, 64, 5, 0.5), (true, 6, 48, 2, 0)])
    func tiledProductsAreFMAChainsInOrder(transposeA: Bool, m: Int, n: Int, k: Int, beta: Float) {
        guard let kernel = axone_tiled_gemm_f32_avx512() else {
            #expect(!Float.isTiled(n: 256, k: 128))
            return
        }
        // Leading dimensions wider than the operands, as a block of rows or columns of a larger matrix.
        let (lda, ldb, ldc) = ((transposeA ? m : k) + 3, n + 5, n + 2)
        var generator = SeededGenerator(seed: 8)
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float(2 * generator.nextUnit() - 1) } }
        let a = values((transposeA ? k : m) * lda), b = values(k * ldb), c = values(m * ldc)
        var expected = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = beta == 0 ? 0 : beta == 1 ? c[i * ldc + j] : c[i * ldc + j] * beta
                for p in 0..<k { sum.addProduct(transposeA ? a[p * lda + i] : a[i * lda + p], b[p * ldb + j]) }
                expected[i * ldc + j] = sum
            }
        }
        var out = c
        kernel(transposeA ? 1 : 0, m, n, k, a, lda, b, ldb, beta, &out, ldc)
        #expect(out == expected)
    }
}
