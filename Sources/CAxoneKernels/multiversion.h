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

#endif
