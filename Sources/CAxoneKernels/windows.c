#include "axone_kernels.h"
#include "multiversion.h"
#include <math.h>

// im2col and col2im over channels-last images [images, h, w, c] (see Window2D in Swift): the
// windows as rows [images·oh·ow, kh·kw·c], taps in the padding reading zero. With dilation 1 a
// window's kernel row inside the image is kw·c contiguous elements, copied as one run. col2im adds
// the rows back in the same order as im2col reads them (output pixels, then taps), so its sums
// are the same on every CPU; each add is a plain addition, whatever the vector width.

#define AXONE_WINDOW_LOOP(T, INSIDE_RUN, INSIDE_TAP, OUTSIDE)                                         \
    const long run = w->kernel_w * c, line_length = w->in_w * c;                                    \
    for (long n = 0; n < images; n++) {                                                              \
        const long image = n * w->in_h * line_length;                                                \
        for (long oy = 0; oy < w->out_h; oy++) {                                                     \
            const long y0 = oy * w->stride_y - w->pad_top;                                           \
            for (long ox = 0; ox < w->out_w; ox++) {                                                 \
                const long x0 = ox * w->stride_x - w->pad_left;                                      \
                const int row_inside = w->dilation_x == 1 && x0 >= 0 && x0 + w->kernel_w <= w->in_w; \
                for (long ky = 0; ky < w->kernel_h; ky++, rows += run) {                             \
                    const long y = y0 + ky * w->dilation_y;                                          \
                    if (y < 0 || y >= w->in_h) { OUTSIDE(rows, run) continue; }                       \
                    const long line = image + y * line_length;                                       \
                    if (row_inside) { INSIDE_RUN(rows, x + line + x0 * c, run) continue; }           \
                    for (long kx = 0; kx < w->kernel_w; kx++) {                                      \
                        const long xx = x0 + kx * w->dilation_x;                                     \
                        if (xx < 0 || xx >= w->in_w) { OUTSIDE(rows + kx * c, c) }                   \
                        else { INSIDE_TAP(rows + kx * c, x + line + xx * c, c) }                     \
                    }                                                                                \
                }                                                                                    \
            }                                                                                        \
        }                                                                                            \
    }

#define AXONE_COPY(D, S, COUNT) { T *restrict d_ = (D); const T *restrict s_ = (S); for (long i = 0; i < (COUNT); i++) d_[i] = s_[i]; }
#define AXONE_ZERO(D, COUNT) { T *restrict d_ = (D); for (long i = 0; i < (COUNT); i++) d_[i] = 0; }
#define AXONE_ADD_BACK(R, P, COUNT) { const T *restrict r_ = (R); T *restrict p_ = (T *)(P); for (long i = 0; i < (COUNT); i++) p_[i] += r_[i]; }
#define AXONE_SKIP(D, COUNT)

#define AXONE_IM2COL(NAME, TYPE)                                                                     \
    AXONE_MULTIVERSION void NAME(const axone_window *restrict w, long images, long c,                \
                                 const TYPE *restrict x, TYPE *restrict rows) {                      \
        typedef TYPE T;                                                                              \
        AXONE_WINDOW_LOOP(T, AXONE_COPY, AXONE_COPY, AXONE_ZERO)                                     \
    }

#define AXONE_COL2IM(NAME, TYPE)                                                                     \
    AXONE_MULTIVERSION void NAME(const axone_window *restrict w, long images, long c,                \
                                 const TYPE *restrict rows_in, TYPE *restrict x) {                   \
        typedef TYPE T;                                                                              \
        const T *rows = rows_in;                                                                     \
        AXONE_WINDOW_LOOP(T, AXONE_ADD_BACK, AXONE_ADD_BACK, AXONE_SKIP)                             \
    }

AXONE_IM2COL(axone_im2col_f32, float)
AXONE_IM2COL(axone_im2col_f64, double)
AXONE_COL2IM(axone_col2im_f32, float)
AXONE_COL2IM(axone_col2im_f64, double)

// Pooling. Only taps inside the image take part; a window's taps inside form a contiguous range
// of kernel rows and of kernel columns. Loops run over the contiguous channels with selects, not
// branches on the data.

/// The kernel taps k of output position o along one axis whose input position o·stride − pad + k
/// lies in [0, size): *low ..< *high.
static inline void axone_inside_taps(long o, long stride, long pad, long kernel, long size, long *low, long *high) {
    const long start = o * stride - pad;
    long lo = start >= 0 ? 0 : -start, hi = size - start;
    if (lo > kernel) lo = kernel;
    if (hi > kernel) hi = kernel;
    *low = lo;
    *high = hi > lo ? hi : lo;
}

#define AXONE_FOR_EACH_WINDOW(...)                                                                  \
    for (long n = 0, out = 0; n < images; n++) {                                                     \
        for (long oy = 0; oy < w->out_h; oy++) {                                                     \
            long ky0, ky1;                                                                           \
            axone_inside_taps(oy, w->stride_y, w->pad_top, w->kernel_h, w->in_h, &ky0, &ky1);         \
            const long y0 = oy * w->stride_y - w->pad_top;                                           \
            for (long ox = 0; ox < w->out_w; ox++, out += c) {                                       \
                long kx0, kx1;                                                                       \
                axone_inside_taps(ox, w->stride_x, w->pad_left, w->kernel_w, w->in_w, &kx0, &kx1);    \
                const long x0 = ox * w->stride_x - w->pad_left;                                      \
                const long base = ((n * w->in_h + y0) * w->in_w + x0) * c, line = w->in_w * c;        \
                __VA_ARGS__                                                                          \
            }                                                                                        \
        }                                                                                            \
    }

#define AXONE_TAP(KY, KX) (base + (KY) * line + (KX) * c)

#define AXONE_POOL(NAME, T)                                                                          \
    AXONE_MULTIVERSION void NAME(const axone_window *restrict w, long images, long c, int average,    \
                                 const T *restrict x, T *restrict y) {                               \
        AXONE_FOR_EACH_WINDOW({                                                                      \
            T *restrict o = y + out;                                                                 \
            const T *first = x + AXONE_TAP(ky0, kx0);                                                \
            for (long i = 0; i < c; i++) o[i] = first[i];                                            \
            for (long ky = ky0; ky < ky1; ky++) {                                                    \
                for (long kx = ky == ky0 ? kx0 + 1 : kx0; kx < kx1; kx++) {                          \
                    const T *restrict s = x + AXONE_TAP(ky, kx);                                     \
                    if (average) { for (long i = 0; i < c; i++) o[i] += s[i]; }                      \
                    else { for (long i = 0; i < c; i++) o[i] = s[i] > o[i] ? s[i] : o[i]; }           \
                }                                                                                    \
            }                                                                                        \
            if (average) {                                                                           \
                const T count = (T)((ky1 - ky0) * (kx1 - kx0));                                      \
                for (long i = 0; i < c; i++) o[i] /= count;                                          \
            }                                                                                        \
        })                                                                                           \
    }

/* Max pooling's pullback: each upstream element goes to the first maximum of its window in
   row-major order. `maxima` holds a window's maxima; once a channel's gradient is sent its maximum
   becomes NaN, so that no later tap equals it (a NaN maximum on the first tap stays the maximum,
   as in the forward pass). */
#define AXONE_MAX_POOL_PULLBACK(NAME, T)                                                             \
    AXONE_MULTIVERSION void NAME(const axone_window *restrict w, long images, long c, const T *restrict x, \
                                 const T *restrict upstream, T *restrict dx, T *restrict maxima) {   \
        AXONE_FOR_EACH_WINDOW({                                                                      \
            const long first = AXONE_TAP(ky0, kx0);                                                  \
            for (long i = 0; i < c; i++) maxima[i] = x[first + i];                                   \
            for (long ky = ky0; ky < ky1; ky++) {                                                    \
                for (long kx = kx0; kx < kx1; kx++) {                                                \
                    const T *restrict s = x + AXONE_TAP(ky, kx);                                     \
                    for (long i = 0; i < c; i++) maxima[i] = s[i] > maxima[i] ? s[i] : maxima[i];    \
                }                                                                                    \
            }                                                                                        \
            const T *restrict g = upstream + out;                                                    \
            for (long ky = ky0; ky < ky1; ky++) {                                                    \
                for (long kx = kx0; kx < kx1; kx++) {                                                \
                    const long tap = AXONE_TAP(ky, kx);                                              \
                    const T *restrict s = x + tap;                                                   \
                    T *restrict d = dx + tap;                                                        \
                    const int is_first = ky == ky0 && kx == kx0;                                     \
                    for (long i = 0; i < c; i++) {                                                   \
                        const T value = s[i], maximum = maxima[i], gradient = g[i];                  \
                        const int hit = (value == maximum) != (is_first && maximum != maximum);      \
                        d[i] += hit ? gradient : 0;                                                  \
                        maxima[i] = maximum + (hit ? (T)NAN : 0);                                    \
                    }                                                                                \
                }                                                                                    \
            }                                                                                        \
        })                                                                                           \
    }

/* Average pooling's pullback: each upstream element spread evenly over its window's taps inside
   the image, output pixel by output pixel, tap by tap. */
#define AXONE_AVERAGE_POOL_PULLBACK(NAME, T)                                                         \
    AXONE_MULTIVERSION void NAME(const axone_window *restrict w, long images, long c,                 \
                                 const T *restrict upstream, T *restrict dx) {                       \
        AXONE_FOR_EACH_WINDOW({                                                                      \
            const T *restrict g = upstream + out;                                                    \
            const T count = (T)((ky1 - ky0) * (kx1 - kx0));                                          \
            for (long ky = ky0; ky < ky1; ky++) {                                                    \
                for (long kx = kx0; kx < kx1; kx++) {                                                \
                    T *restrict d = dx + AXONE_TAP(ky, kx);                                          \
                    for (long i = 0; i < c; i++) d[i] += g[i] / count;                               \
                }                                                                                    \
            }                                                                                        \
        })                                                                                           \
    }

AXONE_POOL(axone_pool_f32, float)
AXONE_POOL(axone_pool_f64, double)
AXONE_MAX_POOL_PULLBACK(axone_max_pool_pullback_f32, float)
AXONE_MAX_POOL_PULLBACK(axone_max_pool_pullback_f64, double)
AXONE_AVERAGE_POOL_PULLBACK(axone_average_pool_pullback_f32, float)
AXONE_AVERAGE_POOL_PULLBACK(axone_average_pool_pullback_f64, double)
