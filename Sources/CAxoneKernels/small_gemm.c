#include "axone_kernels.h"
#include "multiversion.h"

// C ← α·op(A)·op(B) + β·C for products too small for BLAS to pay its call: each element of C
// starts from β·C (0 when β is 0, which reads no C) and adds α·A(i,p)·B(p,j) for p = 0, 1, …, k−1,
// one FMA each, whatever the CPU's vector width (the loop over j vectorises; each element keeps
// its own chain). So small networks train to the same bits on every x86-64 host with FMA, where
// OpenBLAS's kernels for AVX, AVX2 and AVX-512 each round their own way.

#define AXONE_SMALL_GEMM(NAME, T)                                                                     \
    AXONE_MULTIVERSION void NAME(int transpose_a, int transpose_b, long m, long n, long k, T alpha,   \
                                 const T *restrict a, long lda, const T *restrict b, long ldb, T beta, \
                                 T *restrict c, long ldc) {                                          \
        for (long i = 0; i < m; i++) {                                                               \
            T *restrict row = c + i * ldc;                                                           \
            if (beta == 0)                                                                           \
                for (long j = 0; j < n; j++) row[j] = 0;                                             \
            else if (beta != 1)                                                                      \
                for (long j = 0; j < n; j++) row[j] *= beta;                                         \
            for (long p = 0; p < k; p++) {                                                           \
                const T scale = alpha * (transpose_a ? a[p * lda + i] : a[i * lda + p]);             \
                if (transpose_b)                                                                     \
                    for (long j = 0; j < n; j++) row[j] += scale * b[j * ldb + p];                   \
                else                                                                                 \
                    for (long j = 0; j < n; j++) row[j] += scale * b[p * ldb + j];                   \
            }                                                                                        \
        }                                                                                            \
    }

AXONE_SMALL_GEMM(axone_small_gemm_f32, float)
AXONE_SMALL_GEMM(axone_small_gemm_f64, double)
