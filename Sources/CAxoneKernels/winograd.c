#include "axone_kernels.h"
#include "multiversion.h"
#include <string.h>

// A 3×3 convolution with stride 1 and no dilation by Winograd's minimal filtering F(2×2, 3×3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): each 2×2 block of
// outputs is Aᵀ[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]A for the 4×4 input tile d under it, so 16 products per input
// and output channel pair give 4 outputs, where the direct form needs 36: 2.25× fewer
// multiply-adds. For a block of tiles the 16 element-wise products, summed over the channels, are
// 16 matrix products [tiles, c] · [c, f], which the implicit GEMM's kernel (convolution.c) runs on
// a 1×1 window. The transforms only add, subtract and halve, a vector of channels at a time, so
// they round the same on every CPU.
//
//   Bᵀ = | 1  0 −1  0 |    G = | 1    0    0  |    Aᵀ = | 1  1  1  0 |
//        | 0  1  1  0 |        | ½    ½    ½  |         | 0  1 −1 −1 |
//        | 0 −1  1  0 |        | ½   −½    ½  |
//        | 0  1  0 −1 |        | 0    0    1  |

/// Bᵀ·d·B for one channel or a vector of them: LOAD(i, j) reads d[i][j]; STORE(ξ, value) writes
/// the ξ-th of the 16 values.
#define AXONE_WINOGRAD_INPUT(TYPE, LOAD, STORE)                                                      \
    {                                                                                                \
        TYPE s[4][4];                                                                                \
        for (int j = 0; j < 4; j++) {                                                                \
            const TYPE d0 = LOAD(0, j), d1 = LOAD(1, j), d2 = LOAD(2, j), d3 = LOAD(3, j);           \
            s[0][j] = d0 - d2;                                                                       \
            s[1][j] = d1 + d2;                                                                       \
            s[2][j] = d2 - d1;                                                                       \
            s[3][j] = d1 - d3;                                                                       \
        }                                                                                            \
        for (int i = 0; i < 4; i++) {                                                                \
            STORE(i * 4 + 0, s[i][0] - s[i][2]);                                                     \
            STORE(i * 4 + 1, s[i][1] + s[i][2]);                                                     \
            STORE(i * 4 + 2, s[i][2] - s[i][1]);                                                     \
            STORE(i * 4 + 3, s[i][1] - s[i][3]);                                                     \
        }                                                                                            \
    }

/// Aᵀ·m·A + bias, then max(·, 0) when `relu`, for one filter or a vector of them: LOAD(ξ) reads
/// the ξ-th of the 16 products; STORE(dy, dx, value) writes the output at (2ty + dy, 2tx + dx).
#define AXONE_WINOGRAD_OUTPUT(TYPE, LOAD, BIAS, ZERO, STORE)                                         \
    {                                                                                                \
        TYPE s0[4], s1[4];                                                                           \
        for (int j = 0; j < 4; j++) {                                                                \
            const TYPE m0 = LOAD(j), m1 = LOAD(4 + j), m2 = LOAD(8 + j), m3 = LOAD(12 + j);          \
            s0[j] = m0 + m1 + m2;                                                                    \
            s1[j] = m1 - m2 - m3;                                                                    \
        }                                                                                            \
        const TYPE b = BIAS;                                                                         \
        TYPE y00 = s0[0] + s0[1] + s0[2] + b, y01 = s0[1] - s0[2] - s0[3] + b;                       \
        TYPE y10 = s1[0] + s1[1] + s1[2] + b, y11 = s1[1] - s1[2] - s1[3] + b;                       \
        if (relu) {                                                                                  \
            y00 = __builtin_elementwise_max(y00, ZERO);                                              \
            y01 = __builtin_elementwise_max(y01, ZERO);                                              \
            y10 = __builtin_elementwise_max(y10, ZERO);                                              \
            y11 = __builtin_elementwise_max(y11, ZERO);                                              \
        }                                                                                            \
        STORE(0, 0, y00);                                                                            \
        if (right) STORE(0, 1, y01);                                                                 \
        if (down) STORE(1, 0, y10);                                                                  \
        if (down && right) STORE(1, 1, y11);                                                         \
    }

#define AXONE_WINOGRAD_LOAD_VECTOR(i, j) (*(const U *)(d[i][j] + ch))
#define AXONE_WINOGRAD_LOAD_SCALAR(i, j) (d[i][j][ch])
#define AXONE_WINOGRAD_STORE_VECTOR(xi, value) (*(U *)(out + (xi) * v_step + ch) = (value))
#define AXONE_WINOGRAD_STORE_SCALAR(xi, value) (out[(xi) * v_step + ch] = (value))
#define AXONE_WINOGRAD_PRODUCT_VECTOR(xi) (*(const U *)(in + (xi) * m_step + o))
#define AXONE_WINOGRAD_PRODUCT_SCALAR(xi) (in[(xi) * m_step + o])
#define AXONE_WINOGRAD_OUT_VECTOR(dy, dx, value) (*(U *)(base + ((dy) * w->out_w + (dx)) * f + o) = (value))
#define AXONE_WINOGRAD_OUT_SCALAR(dy, dx, value) (base[((dy) * w->out_w + (dx)) * f + o] = (value))

#define AXONE_WINOGRAD(NAME, PACK, CONVOLVE, CONVOLVE_PACK, T)                                        \
    typedef T NAME##_vector __attribute__((vector_size(32)));                                        \
    typedef T NAME##_unaligned __attribute__((vector_size(32), aligned(sizeof(T))));                 \
    void PACK(long c, long f, const T *restrict kernel, T *restrict transformed, T *restrict packed) { \
        for (long ch = 0; ch < c; ch++)                                                              \
            for (long o = 0; o < f; o++) {                                                           \
                T g[3][3], t[4][3];                                                                  \
                for (long ky = 0; ky < 3; ky++)                                                      \
                    for (long kx = 0; kx < 3; kx++) g[ky][kx] = kernel[((ky * 3 + kx) * c + ch) * f + o]; \
                for (long kx = 0; kx < 3; kx++) { /* t = G·g */                                     \
                    t[0][kx] = g[0][kx];                                                             \
                    t[1][kx] = (g[0][kx] + g[1][kx] + g[2][kx]) * (T)0.5;                            \
                    t[2][kx] = (g[0][kx] - g[1][kx] + g[2][kx]) * (T)0.5;                            \
                    t[3][kx] = g[2][kx];                                                             \
                }                                                                                    \
                for (long r = 0; r < 4; r++) { /* t·Gᵀ: row r of the 16 matrices [c, f] */          \
                    T *u = transformed + (r * 4 * c + ch) * f + o;                                   \
                    u[0] = t[r][0];                                                                  \
                    u[c * f] = (t[r][0] + t[r][1] + t[r][2]) * (T)0.5;                               \
                    u[2 * c * f] = (t[r][0] - t[r][1] + t[r][2]) * (T)0.5;                           \
                    u[3 * c * f] = t[r][2];                                                          \
                }                                                                                    \
            }                                                                                        \
        const long panel = 64 / sizeof(T), size = (f + panel - 1) / panel * panel * (c + 1);         \
        for (long xi = 0; xi < 16; xi++) CONVOLVE_PACK(c, f, transformed + xi * c * f, 0, packed + xi * size); \
    }                                                                                                \
    AXONE_MULTIVERSION void NAME(const axone_window *restrict w, long images, long c, long f,         \
                                 const T *restrict x, const T *restrict packed, const T *restrict bias, \
                                 int relu, long block, T *restrict v, T *restrict m, T *restrict zeros, \
                                 T *restrict y) {                                                    \
        typedef NAME##_vector V;                                                                     \
        typedef NAME##_unaligned U;                                                                  \
        enum { L = 32 / sizeof(T) };                                                                 \
        const long panel = 64 / sizeof(T), size = (f + panel - 1) / panel * panel * (c + 1);         \
        const long rows = (w->out_h + 1) / 2, columns = (w->out_w + 1) / 2, total = images * rows * columns; \
        const long image_size = w->in_h * w->in_w * c;                                               \
        /* The 16 matrices of v and of m lie a cache line more than a block apart: a multiple of */  \
        /* 4 KiB would put all 16 streams in the same L1 sets. */                                    \
        const long v_step = block * c + panel, m_step = block * f + panel;                           \
        memset(zeros, 0, sizeof(T) * c);                                                             \
        long tile_image = 0, tile_y = 0, tile_x = 0;                                                 \
        for (long t0 = 0; t0 < total; t0 += block) {                                                 \
            const long count = total - t0 < block ? total - t0 : block;                              \
            for (long t = 0, n = tile_image, ty = tile_y, tx = tile_x; t < count; t++) {             \
                const T *image = x + n * image_size, *d[4][4];                                       \
                for (long i = 0; i < 4; i++)                                                         \
                    for (long j = 0; j < 4; j++) {                                                   \
                        const long iy = 2 * ty - w->pad_top + i, ix = 2 * tx - w->pad_left + j;      \
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
            for (long xi = 0; xi < 16; xi++)                                                         \
                CONVOLVE(&matrix, 1, c, f, v + xi * v_step, packed + xi * size, 0, zeros, m + xi * m_step); \
            for (long t = 0; t < count; t++) {                                                       \
                const long oy = 2 * tile_y, ox = 2 * tile_x;                                         \
                T *base = y + ((tile_image * w->out_h + oy) * w->out_w + ox) * f;                    \
                const int down = oy + 1 < w->out_h, right = ox + 1 < w->out_w;                       \
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
