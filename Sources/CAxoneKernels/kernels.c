#include "axone_kernels.h"
#include <float.h>

// Each kernel is compiled for AVX-512, for AVX2 + FMA and for the baseline, and the loader picks
// the best the CPU has (an ifunc), so the package needs no target flags. AVX2 halves the Adam
// step's time, which the baseline's SSE square roots and divisions bound. Element-wise results
// are the same for both vector widths (FMA contracts the same expressions); the baseline, without
// FMA, rounds some of them differently.
#if defined(__x86_64__) && defined(__clang__) && defined(__linux__)
#define AXONE_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define AXONE_MULTIVERSION
#endif

#define AXONE_ADAM_LOOP(T, MIN, GRADIENT)                                                             \
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
    AXONE_MULTIVERSION void NAME(T *restrict p, const T *restrict g, const T *restrict g2,           \
                                 T *restrict m, T *restrict v, long n, T beta1, T beta2,             \
                                 T step_size, T root_correction, T epsilon, T coupled, T shrink) {   \
        if (g2) {                                                                                    \
            AXONE_ADAM_LOOP(T, MIN, (g[i] + g2[i]))                                                  \
        } else {                                                                                     \
            AXONE_ADAM_LOOP(T, MIN, g[i])                                                            \
        }                                                                                            \
    }

AXONE_ADAM(axone_adam_f32, float, FLT_MIN)
AXONE_ADAM(axone_adam_f64, double, DBL_MIN)

AXONE_MULTIVERSION void axone_scale_bytes(float *restrict out, const unsigned char *restrict bytes, long n, float divisor) {
    for (long i = 0; i < n; i++) out[i] = (float)bytes[i] / divisor;
}
