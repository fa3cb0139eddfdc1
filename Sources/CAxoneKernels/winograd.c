#include "axone_kernels.h"
#include "multiversion.h"
#include <string.h>

// A 3×3 convolution with stride 1 and no dilation by Winograd's minimal filtering F(4×4, 3×3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): each 4×4 block of
// outputs is Aᵀ[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]A for the 6×6 input tile d under it, so 36 products per input
// and output channel pair give 16 outputs, where the direct form needs 144: 4× fewer
// multiply-adds. For a block of tiles the 36 element-wise products, summed over the channels, are
// 36 matrix products [tiles, c] · [c, f], which the implicit GEMM's kernel (convolution.c) runs on
// a 1×1 window. The transforms run a vector of channels (or filters) at a time with the same
// operations in the same order whatever the vector width, so AVX2 and AVX-512 give the same bits.
// Its rounding error is larger than the direct form's (the transforms multiply by up to 8 and
// 1/24): 4e-6 to 8e-6 of the outputs' scale in Float on conv2's and VGG's shapes, against the
// direct kernel's.
//
//   Bᵀ = | 4  0 −5  0  1  0 |    G = |  1/4     0     0  |    Aᵀ = | 1  1  1  1  1  0 |
//        | 0 −4 −4  1  1  0 |        | −1/6  −1/6  −1/6  |         | 0  1 −1  2 −2  0 |
//        | 0  4 −4 −1  1  0 |        | −1/6   1/6  −1/6  |         | 0  1  1  4  4  0 |
//        | 0 −2 −1  2  1  0 |        | 1/24  1/12   1/6  |         | 0  1 −1  8 −8  1 |
//        | 0  2 −1 −2  1  0 |        | 1/24 −1/12   1/6  |
//        | 0  4  0 −5  0  1 |        |    0     0     1  |

/// Bᵀ applied to six values: `r[k] = Σ Bᵀ[k][i]·d[i]`.
#define AXONE_WINOGRAD_B(d, r)                                                                       \
    {                                                                                                \
        r[0] = 4 * d[0] - 5 * d[2] + d[4];                                                           \
        r[1] = d[3] + d[4] - 4 * (d[1] + d[2]);                                                      \
        r[2] = d[4] - d[3] + 4 * (d[1] - d[2]);                                                      \
        r[3] = d[4] - d[2] + 2 * (d[3] - d[1]);                                                      \
        r[4] = d[4] - d[2] + 2 * (d[1] - d[3]);                                                      \
        r[5] = 4 * d[1] - 5 * d[3] + d[5];                                                           \
    }
/// Aᵀ applied to six values: `r[k] = Σ Aᵀ[k][i]·m[i]`.
#define AXONE_WINOGRAD_A(m, r)                                                                       \
    {                                                                                                \
        r[0] = m[0] + (m[1] + m[2]) + (m[3] + m[4]);                                                 \
        r[1] = (m[1] - m[2]) + 2 * (m[3] - m[4]);                                                    \
        r[2] = (m[1] + m[2]) + 4 * (m[3] + m[4]);                                                    \
        r[3] = (m[1] - m[2]) + 8 * (m[3] - m[4]) + m[5];                                             \
    }

/// Bᵀ·d·B for one channel or a vector of them: LOAD(i, j) reads d[i][j]; STORE(ξ, value) writes
/// the ξ-th of the 36 values.
#define AXONE_WINOGRAD_INPUT(TYPE, LOAD, STORE)                                                      \
    {                                                                                                \
        TYPE s[6][6];                                                                                \
        for (int j = 0; j < 6; j++) {                                                                \
            TYPE column[6], r[6];                                                                    \
            for (int i = 0; i < 6; i++) column[i] = LOAD(i, j);                                      \
            AXONE_WINOGRAD_B(column, r)                                                              \
            for (int i = 0; i < 6; i++) s[i][j] = r[i];                                              \
        }                                                                                            \
        for (int i = 0; i < 6; i++) {                                                                \
            TYPE r[6];                                                                               \
            AXONE_WINOGRAD_B(s[i], r)                                                                \
            for (int j = 0; j < 6; j++) STORE(i * 6 + j, r[j]);                                      \
        }                                                                                            \
    }

/// Aᵀ·m·A + bias, then max(·, 0) when `relu`, for one filter or a vector of them: LOAD(ξ) reads
/// the ξ-th of the 36 products; STORE(dy, dx, value) writes the output at (4ty + dy, 4tx + dx),
/// for the `down` × `right` outputs of the tile inside the image.
#define AXONE_WINOGRAD_OUTPUT(TYPE, LOAD, BIAS, ZERO, STORE)                                         \
    {                                                                                                \
        TYPE s[4][6];                                                                                \
        for (int j = 0; j < 6; j++) {                                                                \
            TYPE column[6], r[4];                                                                    \
            for (int i = 0; i < 6; i++) column[i] = LOAD(i * 6 + j);                                 \
            AXONE_WINOGRAD_A(column, r)                                                              \
            for (int i = 0; i < 4; i++) s[i][j] = r[i];                                              \
        }                                                                                            \
        const TYPE b = BIAS;                                                                         \
        for (int i = 0; i < down; i++) {                                                             \
            TYPE r[4];                                                                               \
            AXONE_WINOGRAD_A(s[i], r)                                                                \
            for (int j = 0; j < right; j++) {                                                        \
                TYPE value = r[j] + b;                                                               \
                if (relu) value = __builtin_elementwise_max(value, ZERO);                            \
                STORE(i, j, value);                                                                  \
            }                                                                                        \
        }                                                                                            \
    }

#define AXONE_WINOGRAD_LOAD_VECTOR(i, j) (*(const U *)(d[i][j] + ch))
#define AXONE_WINOGRAD_LOAD_SCALAR(i, j) (d[i][j][ch])
#define AXONE_WINOGRAD_STORE_VECTOR(xi, value) (*(U *)(out + (xi) * v_step + ch) = (value))
#define AXONE_WINOGRAD_STORE_SCALAR(xi, value) (out[(xi) * v_step + ch] = (value))
#define AXONE_WINOGRAD_PRODUCT_VECTOR(xi) (*(const U *)(in + (xi) * m_step + o))
#define AXONE_WINOGRAD_PRODUCT_SCALAR(xi) (in[(xi) * m_step + o])
#define AXONE_WINOGRAD_OUT_VECTOR(dy, dx, value) (*(U *)(base + ((dy) * w->out_w + (dx)) * f + o) = (value))
#define AXONE_WINOGRAD_OUT_SCALAR(dy, dx, value) (base[((dy) * w->out_w + (dx)) * f + o] = (value))

/// The elements of one of the 36 matrices [c, f] packed for axone_conv2d (see axone_conv2d_pack).
#define AXONE_WINOGRAD_MATRIX_SIZE(T, c, f) (((f) + 64 / (long)sizeof(T) - 1) / (64 / (long)sizeof(T)) * (64 / (long)sizeof(T)) * ((c) + 1))

#define AXONE_WINOGRAD(NAME, PACK, CONVOLVE, CONVOLVE_PACK, T)                                        \
    typedef T NAME##_vector __attribute__((vector_size(32)));                                        \
    typedef T NAME##_unaligned __attribute__((vector_size(32), aligned(sizeof(T))));                 \
    void PACK(long c, long f, const T *restrict kernel, T *restrict transformed, T *restrict packed) { \
        const T g_rows[6][3] = {{(T)1 / 4, 0, 0},                                                     \
                                {(T)-1 / 6, (T)-1 / 6, (T)-1 / 6},                                   \
                                {(T)-1 / 6, (T)1 / 6, (T)-1 / 6},                                    \
                                {(T)1 / 24, (T)1 / 12, (T)1 / 6},                                    \
                                {(T)1 / 24, (T)-1 / 12, (T)1 / 6},                                   \
                                {0, 0, 1}};                                                          \
        enum { CHUNK = 64 }; /* filters transformed at once, in loops that vectorise */              \
        for (long ch = 0; ch < c; ch++)                                                              \
            for (long o0 = 0; o0 < f; o0 += CHUNK) {                                                 \
                const long n = f - o0 < CHUNK ? f - o0 : CHUNK;                                      \
                T t[6][3][CHUNK];                                                                    \
                for (int r = 0; r < 6; r++) /* t = G·g */                                            \
                    for (int kx = 0; kx < 3; kx++) {                                                 \
                        const T *g0 = kernel + ((0 * 3 + kx) * c + ch) * f + o0;                     \
                        const T *g1 = kernel + ((1 * 3 + kx) * c + ch) * f + o0;                     \
                        const T *g2 = kernel + ((2 * 3 + kx) * c + ch) * f + o0;                     \
                        for (long j = 0; j < n; j++)                                                 \
                            t[r][kx][j] = g_rows[r][0] * g0[j] + g_rows[r][1] * g1[j] + g_rows[r][2] * g2[j]; \
                    }                                                                                \
                for (int r = 0; r < 6; r++) /* t·Gᵀ: the 36 matrices [c, f] */                       \
                    for (int q = 0; q < 6; q++) {                                                    \
                        T *u = transformed + ((r * 6 + q) * c + ch) * f + o0;                        \
                        for (long j = 0; j < n; j++)                                                 \
                            u[j] = t[r][0][j] * g_rows[q][0] + t[r][1][j] * g_rows[q][1] + t[r][2][j] * g_rows[q][2]; \
                    }                                                                                \
            }                                                                                        \
        const long size = AXONE_WINOGRAD_MATRIX_SIZE(T, c, f);                                       \
        for (long xi = 0; xi < 36; xi++) CONVOLVE_PACK(c, f, transformed + xi * c * f, 0, packed + xi * size); \
    }                                                                                                \
    AXONE_MULTIVERSION void NAME(const axone_window *restrict w, long images, long c, long f,         \
                                 const T *restrict x, const T *restrict packed, const T *restrict bias, \
                                 int relu, long block, T *restrict v, T *restrict m, T *restrict zeros, \
                                 T *restrict y) {                                                    \
        typedef NAME##_vector V;                                                                     \
        typedef NAME##_unaligned U;                                                                  \
        enum { L = 32 / sizeof(T) };                                                                 \
        const long size = AXONE_WINOGRAD_MATRIX_SIZE(T, c, f);                                       \
        const long rows = (w->out_h + 3) / 4, columns = (w->out_w + 3) / 4, total = images * rows * columns; \
        const long image_size = w->in_h * w->in_w * c;                                               \
        /* The 36 matrices of v and of m lie a cache line more than a block apart: a multiple of */  \
        /* 4 KiB would put all 36 streams in the same L1 sets. */                                    \
        const long line = 64 / sizeof(T), v_step = block * c + line, m_step = block * f + line;                        \
        memset(zeros, 0, sizeof(T) * c);                                                             \
        long tile_image = 0, tile_y = 0, tile_x = 0;                                                 \
        for (long t0 = 0; t0 < total; t0 += block) {                                                 \
            const long count = total - t0 < block ? total - t0 : block;                              \
            for (long t = 0, n = tile_image, ty = tile_y, tx = tile_x; t < count; t++) {             \
                const T *image = x + n * image_size, *d[6][6];                                       \
                for (long i = 0; i < 6; i++)                                                         \
                    for (long j = 0; j < 6; j++) {                                                   \
                        const long iy = 4 * ty - w->pad_top + i, ix = 4 * tx - w->pad_left + j;      \
                        const int inside = iy >= 0 && iy < w->in_h && ix >= 0 && ix < w->in_w;      \
                        d[i][j] = inside ? image + (iy * w->in_w + ix) * c : zeros;                  \
                    }                                                                                \
                T *out = v + t * c;                                                                  \
                long ch = 0;                                                                         \
                for (; ch + L <= c; ch += L)                                                         \
                    AXONE_WINOGRAD_INPUT(V, AXONE_WINOGRAD_LOAD_VECTOR, AXONE_WINOGRAD_STORE_VECTOR) \
                for (; ch < c; ch++)                                                                 \
                    AXONE_WINOGRAD_INPUT(T, AXONE_WINOGRAD_LOAD_SCALAR, AXONE_WINOGRAD_STORE_SCALAR) \
                if (++tx == columns) { tx = 0; if (++ty == rows) { ty = 0; n++; } }                  \
            }                                                                                        \
            const axone_window matrix = {count, 1, 1, 1, 1, 1, 1, 1, 0, 0, count, 1};                \
            for (long xi = 0; xi < 36; xi++)                                                         \
                CONVOLVE(&matrix, 1, c, f, v + xi * v_step, packed + xi * size, 0, zeros, m + xi * m_step); \
            for (long t = 0; t < count; t++) {                                                       \
                const long oy = 4 * tile_y, ox = 4 * tile_x;                                         \
                T *base = y + ((tile_image * w->out_h + oy) * w->out_w + ox) * f;                    \
                const int down = w->out_h - oy < 4 ? w->out_h - oy : 4, right = w->out_w - ox < 4 ? w->out_w - ox : 4; \
                const T *in = m + t * f;                                                             \
                long o = 0;                                                                          \
                for (; o + L <= f; o += L)                                                           \
                    AXONE_WINOGRAD_OUTPUT(V, AXONE_WINOGRAD_PRODUCT_VECTOR, bias ? *(const U *)(bias + o) : (V){0}, \
                                          (V){0}, AXONE_WINOGRAD_OUT_VECTOR)                         \
                for (; o < f; o++)                                                                   \
                    AXONE_WINOGRAD_OUTPUT(T, AXONE_WINOGRAD_PRODUCT_SCALAR, bias ? bias[o] : 0, (T)0, \
                                          AXONE_WINOGRAD_OUT_SCALAR)                                 \
                if (++tile_x == columns) { tile_x = 0; if (++tile_y == rows) { tile_y = 0; tile_image++; } } \
            }                                                                                        \
        }                                                                                            \
    }

AXONE_WINOGRAD(axone_winograd_f32, axone_winograd_pack_f32, axone_conv2d_f32, axone_conv2d_pack_f32, float)
AXONE_WINOGRAD(axone_winograd_f64, axone_winograd_pack_f64, axone_conv2d_f64, axone_conv2d_pack_f64, double)
