#include "axone_kernels.h"
#include "multiversion.h"
#include <string.h>

// A convolution's forward pass as an implicit GEMM (no im2col matrix): a register tile of
// AXONE_CONV_ROWS output pixels × two vectors of filters stays in registers while the loop runs
// over the window's segments and, along each, over its contiguous elements: a tap's channels in
// a channels-last image or, when the tile's windows lie inside the image along x (without
// dilation), a whole kernel row of kw·c elements. Each segment of each pixel in the tile is a
// pointer into the images (or to zeros for a segment in the padding); the kernel, packed first
// (`_pack`, once for many calls), lies in panels of two vectors of filters, zero-padded, so each
// step reads one contiguous pair of vectors. Six pixels
// × two vectors is twelve accumulators, which with the two kernel vectors and the broadcast input
// fills the 16 registers of AVX2 (the same tile runs on AVX-512, where a 256-bit FMA issues as
// fast on the EPYCs we run on).
//
// Every output element is the bias plus the products summed in the kernel's order (tap by tap,
// channel by channel), one FMA each, whatever the vector width and the tile; so results are the
// same on AVX2 and AVX-512 (the baseline clone, without FMA, rounds each product first).

#define AXONE_CONV_ROWS 6
/// Segments (taps or kernel rows) whose pointers a tile computes at once; larger windows run in
/// blocks of segments.
#define AXONE_CONV_SEGMENT_BLOCK 64

#define AXONE_CONV2D(NAME, PACK, T)                                                                       \
    typedef T NAME##_vector __attribute__((vector_size(32)));                                        \
    typedef T NAME##_unaligned __attribute__((vector_size(32), aligned(sizeof(T))));                 \
    void PACK(long depth, long f, const T *restrict kernel, const T *restrict bias, T *restrict packed) { \
        enum { P = 64 / sizeof(T) };                                                                 \
        const long panels = (f + P - 1) / P;                                                         \
        for (long b = 0; b < panels; b++)                                                            \
            for (long k = 0; k < depth; k++)                                                         \
                for (long j = 0; j < P; j++)                                                         \
                    packed[(b * depth + k) * P + j] = b * P + j < f ? kernel[k * f + b * P + j] : 0; \
        T *biases = packed + panels * P * depth;                                                     \
        for (long j = 0; j < panels * P; j++) biases[j] = bias && j < f ? bias[j] : 0;              \
    }                                                                                                \
    AXONE_MULTIVERSION void NAME(const axone_window *restrict w, long images, long c, long f,         \
                                 const T *restrict x, const T *restrict packed, int relu,            \
                                 T *restrict zeros, T *restrict y) {                                 \
        typedef NAME##_vector V;                                                                     \
        typedef NAME##_unaligned U;                                                                  \
        enum { L = 32 / sizeof(T), P = 2 * L, R = AXONE_CONV_ROWS };                                 \
        const long taps = w->kernel_h * w->kernel_w, depth = taps * c;                               \
        const long pixels = w->out_h * w->out_w, total = images * pixels;                            \
        const long panels = (f + P - 1) / P, image_size = w->in_h * w->in_w * c;                     \
        const T *biases = packed + panels * P * depth;                                               \
        memset(zeros, 0, sizeof(T) * w->kernel_w * c);                                               \
        const T *starts[AXONE_CONV_SEGMENT_BLOCK][R];                                                \
        long tile_image = 0, tile_y = 0, tile_x = 0; /* the tile's first pixel */                   \
        for (long p0 = 0; p0 < total; p0 += R) {                                                     \
            const long rows = total - p0 < R ? total - p0 : R;                                       \
            long y0[R], x0[R];                                                                       \
            const T *image[R];                                                                       \
            for (long r = 0, n = tile_image, oy = tile_y, ox = tile_x; r < R; r++) {                 \
                image[r] = x + n * image_size; /* a tile's missing rows repeat its last */          \
                y0[r] = oy * w->stride_y - w->pad_top;                                               \
                x0[r] = ox * w->stride_x - w->pad_left;                                              \
                if (r + 1 < rows && ++ox == w->out_w) {                                              \
                    ox = 0;                                                                          \
                    if (++oy == w->out_h) { oy = 0; n++; }                                           \
                }                                                                                    \
            }                                                                                        \
            for (long r = 0; r < R; r++)                                                             \
                if (++tile_x == w->out_w) {                                                          \
                    tile_x = 0;                                                                      \
                    if (++tile_y == w->out_h) { tile_y = 0; tile_image++; }                          \
                }                                                                                    \
            /* With dilation 1 along x and every window of the tile inside the image along x, a */   \
            /* kernel row's taps are one run of kw·c contiguous elements: a segment per kernel */     \
            /* row instead of one per tap. */                                                         \
            int runs = w->dilation_x == 1;                                                           \
            for (long r = 0; r < R; r++) runs &= x0[r] >= 0 && x0[r] + w->kernel_w <= w->in_w;       \
            const long segments = runs ? w->kernel_h : taps, length = runs ? w->kernel_w * c : c;   \
            for (long b = 0; b < panels; b++) {                                                      \
                const V start0 = *(const U *)(biases + b * P), start1 = *(const U *)(biases + b * P + L); \
                V acc[R][2];                                                                         \
                _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {                     \
                    acc[r][0] = start0;                                                              \
                    acc[r][1] = start1;                                                              \
                }                                                                                    \
                const T *weights = packed + b * depth * P;                                           \
                for (long s0 = 0; s0 < segments; s0 += AXONE_CONV_SEGMENT_BLOCK) {                   \
                    const long count = segments - s0 < AXONE_CONV_SEGMENT_BLOCK ? segments - s0 : AXONE_CONV_SEGMENT_BLOCK; \
                    if (b == 0 || segments > AXONE_CONV_SEGMENT_BLOCK)                               \
                        for (long t = 0; t < count; t++) {                                           \
                            const long ky = runs ? s0 + t : (s0 + t) / w->kernel_w;                  \
                            const long kx = runs ? 0 : (s0 + t) % w->kernel_w;                       \
                            for (long r = 0; r < R; r++) {                                           \
                                const long iy = y0[r] + ky * w->dilation_y, ix = x0[r] + kx * w->dilation_x; \
                                const int inside = iy >= 0 && iy < w->in_h && ix >= 0 && ix < w->in_w; \
                                starts[t][r] = inside ? image[r] + (iy * w->in_w + ix) * c : zeros;  \
                            }                                                                        \
                        }                                                                            \
                    for (long t = 0; t < count; t++) {                                               \
                        const T *s[R];                                                               \
                        _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) s[r] = starts[t][r]; \
                        for (long k = 0; k < length; k++, weights += P) {                            \
                            const V w0 = *(const U *)weights, w1 = *(const U *)(weights + L);        \
                            _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {         \
                                const T a = s[r][k];                                                 \
                                acc[r][0] += a * w0;                                                 \
                                acc[r][1] += a * w1;                                                 \
                            }                                                                        \
                        }                                                                            \
                    }                                                                                \
                }                                                                                    \
                const long columns = f - b * P < P ? f - b * P : P;                                  \
                _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {                     \
                    if (r >= rows) break;                                                            \
                    V out0 = acc[r][0], out1 = acc[r][1];                                            \
                    if (relu) {                                                                      \
                        out0 = __builtin_elementwise_max(out0, (V){0});                              \
                        out1 = __builtin_elementwise_max(out1, (V){0});                              \
                    }                                                                                \
                    T *o = y + (p0 + r) * f + b * P;                                                 \
                    if (columns == P) {                                                              \
                        *(U *)o = out0;                                                              \
                        *(U *)(o + L) = out1;                                                        \
                    } else {                                                                         \
                        T row[P];                                                                    \
                        *(U *)row = out0;                                                            \
                        *(U *)(row + L) = out1;                                                      \
                        for (long j = 0; j < columns; j++) o[j] = row[j];                            \
                    }                                                                                \
                }                                                                                    \
            }                                                                                        \
        }                                                                                            \
    }

AXONE_CONV2D(axone_conv2d_f32, axone_conv2d_pack_f32, float)
AXONE_CONV2D(axone_conv2d_f64, axone_conv2d_pack_f64, double)
