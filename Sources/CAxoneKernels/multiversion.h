#ifndef AXONE_MULTIVERSION_H
#define AXONE_MULTIVERSION_H

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

// Kernels whose loops should run in 512-bit registers on CPUs with AVX-512. Clang's tuning for
// x86-64-v4 keeps vectorised loops in 256-bit registers, and `target_clones` cannot be combined
// with `min_vector_width`, which lifts that limit; so these kernels are cloned by hand. Write the
// kernel as `static inline AXONE_INLINE void NAME_body(...)`, mark its streaming loops with
// `AXONE_WIDE_LOOP(T)` (one 512-bit vector of T per iteration: 64 bytes per iteration on AVX-512,
// two 256-bit halves on AVX2, four on the baseline), and define the exported symbol with
// `AXONE_WIDE_KERNEL(NAME, (parameters), (arguments))`. On Zen 5 this took Adam's pass over 117 K
// floats from 31–35 µs to 19–20 µs (256-bit against 512-bit registers, same bits: each element is
// computed alone). `NAME_variant(level)` returns the clone for x86-64 level 4 (AVX-512), 3 (AVX2 +
// FMA) or 0 (baseline) when this CPU can run it, else NULL, so that tests compare them.
#define AXONE_INLINE __attribute__((always_inline))
#define AXONE_PRAGMA(text) _Pragma(#text)
#define AXONE_WIDE_LOOP(T) AXONE_PRAGMA(clang loop vectorize_width(64 / sizeof(T)))

#if defined(__x86_64__) && defined(__clang__) && defined(__linux__)
#define AXONE_WIDE_KERNEL(NAME, PARAMETERS, ARGUMENTS)                                                      \
    __attribute__((target("arch=x86-64-v4"), min_vector_width(512))) static void NAME##_v4 PARAMETERS { \
        NAME##_body ARGUMENTS;                                                                          \
    }                                                                                                   \
    __attribute__((target("arch=x86-64-v3"))) static void NAME##_v3 PARAMETERS { NAME##_body ARGUMENTS; } \
    static void NAME##_baseline PARAMETERS { NAME##_body ARGUMENTS; }                                   \
    static void (*NAME##_resolve(void)) PARAMETERS {                                                    \
        __builtin_cpu_init();                                                                           \
        if (__builtin_cpu_supports("x86-64-v4")) return NAME##_v4;                                      \
        if (__builtin_cpu_supports("x86-64-v3")) return NAME##_v3;                                      \
        return NAME##_baseline;                                                                         \
    }                                                                                                   \
    void NAME PARAMETERS __attribute__((ifunc(#NAME "_resolve")));                                 \
    NAME##_function *NAME##_variant(int level) {                                                        \
        __builtin_cpu_init();                                                                           \
        if (level == 4) return __builtin_cpu_supports("x86-64-v4") ? NAME##_v4 : 0;                     \
        if (level == 3) return __builtin_cpu_supports("x86-64-v3") ? NAME##_v3 : 0;                     \
        return level == 0 ? NAME##_baseline : 0;                                                        \
    }
#else
#define AXONE_WIDE_KERNEL(NAME, PARAMETERS, ARGUMENTS)                 \
    void NAME PARAMETERS { NAME##_body ARGUMENTS; }                     \
    NAME##_function *NAME##_variant(int level) { return level == 0 ? NAME : 0; }
#endif

#endif
