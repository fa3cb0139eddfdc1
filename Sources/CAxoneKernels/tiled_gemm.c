#include "axone_kernels.h"

// C ← op(A)·B + β·C for the larger products of a dense layer's step (x·W, xᵀ·dZ), B not transposed,
// in AVX-512 registers. Tiles of 6 rows × 4 vectors of 16 floats of C (24 of the 32 registers) are
// summed over p in order, one FMA each, from β·C: the arithmetic of `axone_small_gemm_f32` at α = 1,
// element for element, so the two give the same bits (the tiles only change which elements are in
// flight together). The loops run over blocks of 64 columns, then tiles of rows, so that each
// block of B (k rows of 64 floats) is read from the cache by every tile of rows; nothing is packed.
//
// One thread, Zen 5, against OpenBLAS 0.3's SkylakeX kernel single-threaded, on the peers' MLP:
// 0.87–0.95× its time (x·W₁ for a block of 392 inputs, xᵀ·dZ₁ for it, the second layer's two),
// since OpenBLAS packs its operands first; in training the epoch took 9 % less. An AVX2 version
// (6 rows × 2 vectors of 8) matched OpenBLAS's kernel alone but made the epoch slower: 4 % on Zen 5
// emulating AVX2, 34 % on a real Zen 3, whose 512 KiB L2 does not keep W₁'s block and the batch
// while the tiles read A again for each 16-column panel (docs/speed-log.md): AVX2 hosts keep OpenBLAS.

#if defined(__x86_64__) && defined(__clang__)
#define AXONE_TILE_ROWS 6
#define AXONE_TILE_VECTORS 4
#define AXONE_AVX512 __attribute__((target("arch=x86-64-v4"), min_vector_width(512)))

typedef float axone_vector __attribute__((vector_size(64), aligned(4)));
enum { axone_lanes = 16 };

/// Rows i..<i+R, columns j..<j+16·V of C: R and V are constants where it is inlined, so that
/// `sums` lives in registers.
AXONE_AVX512 static inline __attribute__((always_inline)) void axone_tile(
    const long R, const long V, long i, long j, long k, const float *a, long a_row, long a_depth, const float *b,
    long ldb, float beta, float *c, long ldc) {
    axone_vector sums[AXONE_TILE_ROWS][AXONE_TILE_VECTORS];
    for (long r = 0; r < R; r++)
        for (long v = 0; v < V; v++) {
            const axone_vector cell = ((const axone_vector *)(c + (i + r) * ldc + j))[v];
            sums[r][v] = beta == 0 ? (axone_vector){0} : beta == 1 ? cell : cell * beta;
        }
    const float *rows = a + i * a_row;
#pragma clang loop unroll(disable)
    for (long p = 0; p < k; p++) {
        axone_vector bs[AXONE_TILE_VECTORS];
        for (long v = 0; v < V; v++) bs[v] = ((const axone_vector *)(b + p * ldb + j))[v];
        for (long r = 0; r < R; r++) {
            const float x = rows[r * a_row + p * a_depth];
            for (long v = 0; v < V; v++) sums[r][v] += x * bs[v];
        }
    }
    for (long r = 0; r < R; r++)
        for (long v = 0; v < V; v++) ((axone_vector *)(c + (i + r) * ldc + j))[v] = sums[r][v];
}

/// Every tile of rows of columns j..<j+16·V.
AXONE_AVX512 static inline __attribute__((always_inline)) void axone_tile_column(
    const long V, long j, long m, long k, const float *a, long a_row, long a_depth, const float *b, long ldb,
    float beta, float *c, long ldc) {
    long i = 0;
    for (; i + AXONE_TILE_ROWS <= m; i += AXONE_TILE_ROWS)
        axone_tile(AXONE_TILE_ROWS, V, i, j, k, a, a_row, a_depth, b, ldb, beta, c, ldc);
    for (; i < m; i++) axone_tile(1, V, i, j, k, a, a_row, a_depth, b, ldb, beta, c, ldc);
}

AXONE_AVX512 static void axone_tiled_gemm_f32(int transpose_a, long m, long n, long k, const float *a, long lda,
                                              const float *b, long ldb, float beta, float *c, long ldc) {
    // op(A)(i, p) is a[i·a_row + p·a_depth].
    const long a_row = transpose_a ? 1 : lda, a_depth = transpose_a ? lda : 1;
    long j = 0;
    for (; j + AXONE_TILE_VECTORS * axone_lanes <= n; j += AXONE_TILE_VECTORS * axone_lanes)
        axone_tile_column(AXONE_TILE_VECTORS, j, m, k, a, a_row, a_depth, b, ldb, beta, c, ldc);
    // Fewer vectors than a tile's width left: one narrower tile.
    const long rest = (n - j) / axone_lanes;
    if (rest == 3) axone_tile_column(3, j, m, k, a, a_row, a_depth, b, ldb, beta, c, ldc);
    if (rest == 2) axone_tile_column(2, j, m, k, a, a_row, a_depth, b, ldb, beta, c, ldc);
    if (rest == 1) axone_tile_column(1, j, m, k, a, a_row, a_depth, b, ldb, beta, c, ldc);
    j += rest * axone_lanes;
    // The last columns, fewer than a vector: the small products' kernel, whose arithmetic this is.
    if (j < n) axone_small_gemm_f32(transpose_a, 0, m, n - j, k, 1, a, lda, b + j, ldb, beta, c + j, ldc);
}

axone_tiled_gemm_f32_function *axone_tiled_gemm_f32_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("x86-64-v4") ? axone_tiled_gemm_f32 : 0;
}
#else
axone_tiled_gemm_f32_function *axone_tiled_gemm_f32_avx512(void) { return 0; }
#endif
