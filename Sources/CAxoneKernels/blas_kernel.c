#include "axone_kernels.h"
#include <stdlib.h>
#include <string.h>

// OpenBLAS's entry points for its kernel choice, in its DYNAMIC_ARCH builds (Debian's). Weak, so
// that a build of OpenBLAS for one CPU, without them, still links: the choice is then left alone.
extern char *openblas_get_corename(void) __attribute__((weak));
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

static int reselected = 0;

/// The OpenBLAS kernel for the CPU's features (and the operating system's support of their
/// registers), as later OpenBLAS releases choose for CPUs they do not know, or NULL without AVX.
static const char *kernel_for_features(void) {
#if defined(__x86_64__) && defined(__clang__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
    if (__builtin_cpu_supports("avx")) return "Sandybridge";
#endif
    return NULL;
}

/// OpenBLAS 0.3.21 (Debian 12's) picks its kernel by CPU model when it loads, and on a model newer
/// than it knows (an Intel Xeon of model 207, say) falls back to its generic SSE3 kernel,
/// `Prescott`, which ran the MLP's products 3.4× slower than its AVX-512 kernel there. This runs
/// after OpenBLAS's own initialiser (the loader initialises a library before the code that links
/// it) and, when OpenBLAS fell back to `Prescott`, the user named no kernel (`OPENBLAS_CORETYPE` unset or empty),
/// and the CPU has AVX, makes OpenBLAS choose again, as if `OPENBLAS_CORETYPE` named the kernel its
/// features allow. The BLAS has not run yet, so nothing computed changes kernel midway.
__attribute__((constructor)) static void axone_reselect_blas_kernel(void) {
    if (!openblas_get_corename || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return;
    const char *named = getenv("OPENBLAS_CORETYPE");
    if ((named && *named) || strcmp(openblas_get_corename(), "Prescott") != 0) return;
    const char *kernel = kernel_for_features();
    if (!kernel) return;
    setenv("OPENBLAS_CORETYPE", kernel, 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
    reselected = 1;
}

const char *axone_blas_kernel(void) {
    return openblas_get_corename ? openblas_get_corename() : "unknown";
}

int axone_blas_kernel_was_reselected(void) { return reselected; }
