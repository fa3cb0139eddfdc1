#include "axone_kernels.h"
#include "multiversion.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// e^x for floats, element by element, in vector registers, to the bits of glibc's `expf` on a CPU
// with FMA (the variant glibc's loader picks there): the same method, computed in double precision
// with the same operations and fused multiply-adds. e^x = 2^(k/32) · 2^(r/32), with
// k = round(32·x/ln 2), r = 32·x/ln 2 − k in [−½, ½], 2^(k/32) from a 32-entry table (its exponent
// added as an integer), and 2^(r/32) from a cubic. An exhaustive comparison over all 2³² inputs on
// glibc 2.36 found no difference; without FMA, glibc's own `expf` rounds two inputs of its fast
// range differently (e.g. −0x1.f8cbb2p+5), while every clone here keeps the fused results, so the
// bits are the same on every CPU.

/// `bits(2^(i/32)) − (i << 47)` for i < 32: adding `k << 47` to entry `k mod 32` gives the bits of
/// 2^(k/32) for any integer |k| < 150·32 (the exponent field starts at bit 52, and 47 = 52 − 5).
static const uint64_t axone_exp2_table[32] = {
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51, 0x3fef72b83c7d517b,
    0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1, 0x3fef06fe0a31b715, 0x3feef1a7373aa9cb,
    0x3feedea64c123422, 0x3feece086061892d, 0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429,
    0x3feea47eb03a5585, 0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d, 0x3feee89f995ad3ad,
    0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069, 0x3fef5818dcfba487, 0x3fef7c97337b9b5f,
    0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
};

// Only the fused multiply-adds written as such: no other product may be contracted into a sum.
#pragma clang fp contract(off)

static inline AXONE_INLINE void axone_exp_f32_body(const float *x, float *y, long n) {
    const double scale = 0x1.71547652b82fep+0 * 32;   // 32 / ln 2
    const double shift = 0x1.8p+52;                     // adding it rounds to an integer, ties to even
    // 2^(r/32) ≈ 1 + c2·r + c1·r² + c0·r³: glibc's minimax cubic for 2^t on t in [−½, ½], scaled by
    // 1/32ᵖ (its coefficients decide the bits).
    const double c0 = 0x1.c6af84b912394p-5 / (32.0 * 32.0 * 32.0), c1 = 0x1.ebfce50fac4f3p-3 / (32.0 * 32.0),
                 c2 = 0x1.62e42ff0c52d6p-1 / 32;
    const float highest = 0x1.62e42ep6f;    // above: e^x overflows to +∞
    const float lowest = -0x1.9fe368p6f;    // below: e^x underflows to +0 (−∞ included)
    // Each y[i] depends on x[i] alone, so in place (y == x) is safe in vector registers: said
    // here, since the compiler's overlap check would otherwise send in-place calls down the scalar
    // loop. The remainder runs in masked vector registers too.
    AXONE_PRAGMA(clang loop vectorize(assume_safety) vectorize_width(8) vectorize_predicate(enable))
    for (long i = 0; i < n; i++) {
        float value = x[i];
        double xd = value;
        double kd = __builtin_fma(scale, xd, shift);
        uint64_t ki;
        memcpy(&ki, &kd, sizeof ki);
        kd -= shift;
        double r = __builtin_fma(scale, xd, -kd);
        uint64_t bits = axone_exp2_table[ki % 32] + (ki << 47);
        double s;
        memcpy(&s, &bits, sizeof s);
        double p = __builtin_fma(c0, r, c1), r2 = r * r, q = __builtin_fma(c2, r, 1.0);
        float e = (float)(__builtin_fma(p, r2, q) * s);
        // Out of range the table's exponent is wrong: glibc's answers, and NaN as `x + x` (quiet).
        y[i] = value > highest ? INFINITY : value < lowest ? 0.0f : value != value ? value + value : e;
    }
}
AXONE_WIDE_KERNEL(axone_exp_f32, (const float *x, float *y, long n), (x, y, n))
