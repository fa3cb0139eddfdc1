#include "axone_kernels.h"
#include "multiversion.h"
#include <float.h>
#include <stdint.h>

#define AXONE_ADAM_LOOP(T, MIN, GRADIENT)                                                             \
    AXONE_WIDE_LOOP(T)                                                                               \
    for (long i = 0; i < n; i++) {                                                                   \
        T gi = GRADIENT + coupled * p[i];                                                            \
        T mi = beta1 * m[i] + (1 - beta1) * gi;                                                      \
        T vi = beta2 * v[i] + (1 - beta2) * gi * gi;                                                 \
        mi = (mi < MIN && mi > -MIN) ? 0 : mi;                                                       \
        vi = vi < MIN ? 0 : vi;                                                                      \
        m[i] = mi;                                                                                   \
        v[i] = vi;                                                                                   \
        p[i] = shrink * p[i] - step_size * mi / (__builtin_elementwise_sqrt(vi) * root_correction + epsilon); \
    }

#define AXONE_ADAM(NAME, T, MIN)                                                                     \
    static inline AXONE_INLINE void NAME##_body(T *restrict p, const T *restrict g, const T *restrict g2, \
                                                T *restrict m, T *restrict v, long n, T beta1, T beta2, \
                                                T step_size, T root_correction, T epsilon, T coupled, T shrink) { \
        if (g2) {                                                                                    \
            AXONE_ADAM_LOOP(T, MIN, (g[i] + g2[i]))                                                  \
        } else {                                                                                     \
            AXONE_ADAM_LOOP(T, MIN, g[i])                                                            \
        }                                                                                            \
    }                                                                                                \
    AXONE_WIDE_KERNEL(NAME,                                                                          \
                      (T *restrict p, const T *restrict g, const T *restrict g2, T *restrict m, T *restrict v, \
                       long n, T beta1, T beta2, T step_size, T root_correction, T epsilon, T coupled, T shrink), \
                      (p, g, g2, m, v, n, beta1, beta2, step_size, root_correction, epsilon, coupled, shrink))

AXONE_ADAM(axone_adam_f32, float, FLT_MIN)
AXONE_ADAM(axone_adam_f64, double, DBL_MIN)

/// Rows whose cache lines are requested ahead of their conversion: enough to keep the memory
/// system busy (a 784-byte row spans 13 or 14 lines), few enough not to evict the rows being converted.
#define AXONE_GATHER_PREFETCH_ROWS 4

/// Requests every cache line that `row_size` bytes from `row` touch, from the one holding its first byte.
static inline void axone_prefetch_row(const unsigned char *row, long row_size) {
    for (uintptr_t line = (uintptr_t)row & ~(uintptr_t)63; line < (uintptr_t)(row + row_size); line += 64)
        __builtin_prefetch((const void *)line);
}

void axone_prefetch_rows(const unsigned char *bytes, long row_size, const long *rows, long count) {
    for (long r = 0; r < count; r++) axone_prefetch_row(bytes + rows[r] * row_size, row_size);
}

static inline AXONE_INLINE void axone_gather_scaled_bytes_body(float *restrict out, const unsigned char *restrict bytes,
                                                               long row_size, const long *restrict rows, long count,
                                                               float divisor) {
    for (long r = 0; r < count; r++) {
        if (r + AXONE_GATHER_PREFETCH_ROWS < count) axone_prefetch_row(bytes + rows[r + AXONE_GATHER_PREFETCH_ROWS] * row_size, row_size);
        const unsigned char *row = bytes + rows[r] * row_size;
        float *destination = out + r * row_size;
        AXONE_WIDE_LOOP(float)
        for (long i = 0; i < row_size; i++) destination[i] = (float)row[i] / divisor;
    }
}

AXONE_WIDE_KERNEL(axone_gather_scaled_bytes,
                  (float *restrict out, const unsigned char *restrict bytes, long row_size, const long *restrict rows,
                   long count, float divisor),
                  (out, bytes, row_size, rows, count, divisor))
