#include "axone_kernels.h"
#include <float.h>

#define AXONE_ADAM(NAME, T, MIN)                                                                        \
    void NAME(T *restrict p, const T *restrict g, T *restrict m, T *restrict v, long n, T beta1,     \
              T beta2, T step_size, T root_correction, T epsilon, T coupled, T shrink) {             \
        for (long i = 0; i < n; i++) {                                                               \
            T gi = g[i] + coupled * p[i];                                                            \
            T mi = beta1 * m[i] + (1 - beta1) * gi;                                                  \
            T vi = beta2 * v[i] + (1 - beta2) * gi * gi;                                             \
            mi = (mi < MIN && mi > -MIN) ? 0 : mi;                                                   \
            vi = vi < MIN ? 0 : vi;                                                                  \
            m[i] = mi;                                                                               \
            v[i] = vi;                                                                               \
            p[i] = shrink * p[i] - step_size * mi / (__builtin_elementwise_sqrt(vi) * root_correction + epsilon); \
        }                                                                                            \
    }

AXONE_ADAM(axone_adam_f32, float, FLT_MIN)
AXONE_ADAM(axone_adam_f64, double, DBL_MIN)
