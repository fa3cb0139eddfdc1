#include "axone_kernels.h"
#include "multiversion.h"

// The element-wise passes of a dense layer's step, in 512-bit registers on AVX-512 (Swift code is
// compiled for the x86-64 baseline, four floats per SSE instruction). Each computes what the
// generic Swift loop it replaces computes, in the same order, so the bits are the same.

#define AXONE_STREAMING_KERNELS(T, SUFFIX)                                                                  \
    static inline AXONE_INLINE void axone_accumulate_##SUFFIX##_body(T *restrict y, const T *restrict x, long n) { \
        AXONE_WIDE_LOOP(T)                                                                                 \
        for (long i = 0; i < n; i++) y[i] += x[i];                                                         \
    }                                                                                                      \
    AXONE_WIDE_KERNEL(axone_accumulate_##SUFFIX, (T *restrict y, const T *restrict x, long n), (y, x, n))  \
                                                                                                           \
    static inline AXONE_INLINE void axone_relu_##SUFFIX##_body(const T *restrict x, T *restrict y, long n) { \
        AXONE_WIDE_LOOP(T)                                                                                 \
        for (long i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;                                           \
    }                                                                                                      \
    AXONE_WIDE_KERNEL(axone_relu_##SUFFIX, (const T *restrict x, T *restrict y, long n), (x, y, n))        \
                                                                                                           \
    static inline AXONE_INLINE void axone_relu_derivative_##SUFFIX##_body(const T *restrict x, const T *restrict dy, \
                                                                           T *restrict dx, long n) {       \
        AXONE_WIDE_LOOP(T)                                                                                 \
        for (long i = 0; i < n; i++) {                                                                     \
            T g = dy[i];                                                                                   \
            dx[i] = x[i] > 0 ? g : 0;                                                                      \
        }                                                                                                  \
    }                                                                                                      \
    AXONE_WIDE_KERNEL(axone_relu_derivative_##SUFFIX, (const T *restrict x, const T *restrict dy, T *restrict dx, long n), \
                      (x, dy, dx, n))                                                                      \
                                                                                                           \
    static inline AXONE_INLINE void axone_sum_rows_##SUFFIX##_body(const T *restrict x, long rows, long columns, \
                                                                    T *restrict sum) {                     \
        AXONE_WIDE_LOOP(T)                                                                                 \
        for (long j = 0; j < columns; j++) sum[j] = x[j];                                                  \
        for (long r = 1; r < rows; r++) {                                                                  \
            const T *restrict row = x + r * columns;                                                       \
            AXONE_WIDE_LOOP(T)                                                                             \
            for (long j = 0; j < columns; j++) sum[j] += row[j];                                           \
        }                                                                                                  \
    }                                                                                                      \
    AXONE_WIDE_KERNEL(axone_sum_rows_##SUFFIX, (const T *restrict x, long rows, long columns, T *restrict sum), \
                      (x, rows, columns, sum))

AXONE_STREAMING_KERNELS(float, f32)
AXONE_STREAMING_KERNELS(double, f64)
