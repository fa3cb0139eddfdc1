#ifndef AXONE_KERNELS_H
#define AXONE_KERNELS_H

/// Kernels whose loops the Swift compiler does not vectorise, or vectorises only for the x86-64
/// baseline (SSE, four floats per instruction): Swift lowers `squareRoot()` to a libm call, which
/// blocks LLVM's loop vectoriser, while clang's `__builtin_elementwise_sqrt` becomes `sqrtps`; and
/// these are compiled for AVX2 and AVX-512 too (`multiversion.h`). Each function is one pass over
/// its buffers; pointers must not alias.

/// Adam / AdamW step (PyTorch form) with the bias corrections folded into `step_size` = η/(1 − β₁ᵗ)
/// and `root_correction` = 1/√(1 − β₂ᵗ); `coupled` adds λ·θ to the gradient (Adam's weight decay),
/// `shrink` = 1 − η·λ multiplies θ first (AdamW's decoupled decay).
/// Moments that fall below the smallest normal number are flushed to zero: a weight whose gradient
/// stays 0 (a pixel that is always black) has its first moment decay by β₁ every step into the
/// subnormal range within a few hundred steps, and arithmetic on subnormals takes a microcode
/// assist that made whole epochs several per cent slower. The update such a moment contributes,
/// below 1e-30, is lost to rounding anyway.
/// The gradient is `g`, or `g + g2` when `g2` is not null (two shards' gradients summed in the same
/// pass, saving a pass over memory).
typedef void axone_adam_f32_function(float *restrict p, const float *restrict g, const float *restrict g2,
                                     float *restrict m, float *restrict v, long n, float beta1, float beta2,
                                     float step_size, float root_correction, float epsilon, float coupled, float shrink);
typedef void axone_adam_f64_function(double *restrict p, const double *restrict g, const double *restrict g2,
                                     double *restrict m, double *restrict v, long n, double beta1, double beta2,
                                     double step_size, double root_correction, double epsilon, double coupled,
                                     double shrink);
axone_adam_f32_function axone_adam_f32;
axone_adam_f64_function axone_adam_f64;

/// Row `r` of `out` (`row_size` floats) is row `rows[r]` of `bytes` divided by `divisor`, for r <
/// `count` (pixels to floats). The rows of a shuffled batch are far apart in memory, so each row's
/// cache lines are prefetched a few rows ahead of their conversion.
typedef void axone_gather_scaled_bytes_function(float *restrict out, const unsigned char *restrict bytes, long row_size,
                                                const long *restrict rows, long count, float divisor);
axone_gather_scaled_bytes_function axone_gather_scaled_bytes;

/// `y[i] += x[i]` for i < n.
typedef void axone_accumulate_f32_function(float *restrict y, const float *restrict x, long n);
typedef void axone_accumulate_f64_function(double *restrict y, const double *restrict x, long n);
axone_accumulate_f32_function axone_accumulate_f32;
axone_accumulate_f64_function axone_accumulate_f64;

/// ReLU: `y[i] = x[i] > 0 ? x[i] : 0` (so −0 and NaN give +0) for i < n.
typedef void axone_relu_f32_function(const float *restrict x, float *restrict y, long n);
typedef void axone_relu_f64_function(const double *restrict x, double *restrict y, long n);
axone_relu_f32_function axone_relu_f32;
axone_relu_f64_function axone_relu_f64;

/// ReLU's pullback: `dx[i] = x[i] > 0 ? dy[i] : 0` for i < n (`x` may be ReLU's input or its output).
typedef void axone_relu_derivative_f32_function(const float *restrict x, const float *restrict dy, float *restrict dx, long n);
typedef void axone_relu_derivative_f64_function(const double *restrict x, const double *restrict dy, double *restrict dx,
                                                long n);
axone_relu_derivative_f32_function axone_relu_derivative_f32;
axone_relu_derivative_f64_function axone_relu_derivative_f64;

/// The column sums of a row-major `rows × columns` matrix (rows ≥ 1), each summed from row 0 down.
typedef void axone_sum_rows_f32_function(const float *restrict x, long rows, long columns, float *restrict sum);
typedef void axone_sum_rows_f64_function(const double *restrict x, long rows, long columns, double *restrict sum);
axone_sum_rows_f32_function axone_sum_rows_f32;
axone_sum_rows_f64_function axone_sum_rows_f64;

/// `y[i] = eˣ⁽ⁱ⁾` for i < n, with the bits of glibc's `expf` on CPUs with FMA (see `exponential.c`);
/// `y` may be `x` (in place), but the buffers must not overlap otherwise.
typedef void axone_exp_f32_function(const float *x, float *y, long n);
axone_exp_f32_function axone_exp_f32;

/// The clone of a kernel above compiled for x86-64 level `level`: 4 (AVX-512, 512-bit registers),
/// 3 (AVX2 + FMA) or 0 (the baseline); NULL when this CPU cannot run it. The loader picks the
/// highest for the kernel itself; these let the tests check that the clones agree.
axone_adam_f32_function *axone_adam_f32_variant(int level);
axone_adam_f64_function *axone_adam_f64_variant(int level);
axone_gather_scaled_bytes_function *axone_gather_scaled_bytes_variant(int level);
axone_accumulate_f32_function *axone_accumulate_f32_variant(int level);
axone_accumulate_f64_function *axone_accumulate_f64_variant(int level);
axone_relu_f32_function *axone_relu_f32_variant(int level);
axone_relu_f64_function *axone_relu_f64_variant(int level);
axone_relu_derivative_f32_function *axone_relu_derivative_f32_variant(int level);
axone_relu_derivative_f64_function *axone_relu_derivative_f64_variant(int level);
axone_sum_rows_f32_function *axone_sum_rows_f32_variant(int level);
axone_sum_rows_f64_function *axone_sum_rows_f64_variant(int level);
axone_exp_f32_function *axone_exp_f32_variant(int level);

/// Requests the cache lines of rows `rows[0..<count]` of `bytes` (`row_size` bytes each), without
/// waiting for them: a hint that the rows are read soon.
void axone_prefetch_rows(const unsigned char *bytes, long row_size, const long *rows, long count);

/// C ← α·op(A)·op(B) + β·C (row-major, as cblas_?gemm) for small products, each element of C
/// summed over p in order, one FMA each, so that it rounds the same on every CPU with FMA.
void axone_small_gemm_f32(int transpose_a, int transpose_b, long m, long n, long k, float alpha, const float *a,
                          long lda, const float *b, long ldb, float beta, float *c, long ldc);
void axone_small_gemm_f64(int transpose_a, int transpose_b, long m, long n, long k, double alpha, const double *a,
                          long lda, const double *b, long ldb, double beta, double *c, long ldc);

/// C ← op(A)·B + β·C (row-major, B not transposed) in AVX-512 register tiles (`tiled_gemm.c`), for
/// products whose B fits the caches: the same arithmetic as `axone_small_gemm_f32` at α = 1,
/// element for element, so the same bits, faster than OpenBLAS's kernel on the products of a dense
/// layer's step.
typedef void axone_tiled_gemm_f32_function(int transpose_a, long m, long n, long k, const float *a, long lda,
                                           const float *b, long ldb, float beta, float *c, long ldc);
/// The tiled kernel, or NULL when this CPU lacks AVX-512 (x86-64 level 4).
axone_tiled_gemm_f32_function *axone_tiled_gemm_f32_avx512(void);

/// A hint to the CPU that the caller is spinning on a shared flag (x86 `pause`, ARM `yield`):
/// it saves power and leaves the core's resources to a sibling hyper-thread.
/// The geometry of a window moved over channels-last images (Window2D in Swift).
typedef struct axone_window {
    long in_h, in_w, kernel_h, kernel_w, stride_y, stride_x, dilation_y, dilation_x, pad_top, pad_left, out_h, out_w;
} axone_window;

/// im2col: the windows of `images` images [images, h, w, c] at `x` as the rows of
/// [images·oh·ow, kh·kw·c] at `rows`, zero for taps in the padding.
void axone_im2col_f32(const axone_window *w, long images, long c, const float *x, float *rows);
void axone_im2col_f64(const axone_window *w, long images, long c, const double *x, double *rows);
/// col2im: adds each row at `rows` onto the image elements its window read, rows and taps in order.
void axone_col2im_f32(const axone_window *w, long images, long c, const float *rows, float *x);
void axone_col2im_f64(const axone_window *w, long images, long c, const double *rows, double *x);

/// A convolution's kernel, as the matrix [depth, f] (depth = kh·kw·c), packed for axone_conv2d:
/// ⌈f / p⌉·p·depth elements in panels of p filters (p: the elements of 64 bytes, 16 floats or 8
/// doubles), zero-padded, then the bias in ⌈f / p⌉·p elements (zeros when `bias` is null).
void axone_conv2d_pack_f32(long depth, long f, const float *kernel, const float *bias, float *packed);
void axone_conv2d_pack_f64(long depth, long f, const double *kernel, const double *bias, double *packed);
/// A convolution's forward pass without an im2col matrix (convolution.c): for `images` images
/// [images, h, w, c] at `x` and a kernel packed for `f` filters, y [images·oh·ow, f] = the bias +
/// each window · kernel, then max(·, 0) when `relu`. `zeros` holds kw·c elements of scratch.
void axone_conv2d_f32(const axone_window *w, long images, long c, long f, const float *x, const float *packed,
                      int relu, float *zeros, float *y);
void axone_conv2d_f64(const axone_window *w, long images, long c, long f, const double *x, const double *packed,
                      int relu, double *zeros, double *y);

/// A 3×3 kernel [3, 3, c, f] transformed for Winograd's F(4×4, 3×3) (winograd.c): G·g·Gᵀ as 36
/// matrices [c, f] in `transformed` (36·c·f elements), each packed for axone_conv2d without a bias
/// into `packed`, one after the other (36·⌈f / p⌉·p·(c + 1) elements).
void axone_winograd_pack_f32(long c, long f, const float *kernel, float *transformed, float *packed);
void axone_winograd_pack_f64(long c, long f, const double *kernel, double *transformed, double *packed);
/// A 3×3 convolution with stride 1 and dilation 1 (any padding) by F(4×4, 3×3): y as axone_conv2d,
/// plus `bias` (if not null), then max(·, 0) when `relu`. It runs `block` 4×4 output tiles at a
/// time; `v` holds 36·(block·c + p) elements, `m` 36·(block·f + p) and `zeros` c.
void axone_winograd_f32(const axone_window *w, long images, long c, long f, const float *x, const float *packed,
                        const float *bias, int relu, long block, float *v, float *m, float *zeros, float *y);
void axone_winograd_f64(const axone_window *w, long images, long c, long f, const double *x, const double *packed,
                        const double *bias, int relu, long block, double *v, double *m, double *zeros, double *y);

/// Max (`average` 0) or average pooling of [images, h, w, c] at `x` into [images, oh, ow, c] at `y`.
void axone_pool_f32(const axone_window *w, long images, long c, int average, const float *x, float *y);
void axone_pool_f64(const axone_window *w, long images, long c, int average, const double *x, double *y);
/// Max pooling's pullback, added onto `dx`; `maxima` holds `c` elements of scratch.
void axone_max_pool_pullback_f32(const axone_window *w, long images, long c, const float *x, const float *upstream,
                                 float *dx, float *maxima);
void axone_max_pool_pullback_f64(const axone_window *w, long images, long c, const double *x, const double *upstream,
                                 double *dx, double *maxima);
/// Average pooling's pullback, added onto `dx`.
void axone_average_pool_pullback_f32(const axone_window *w, long images, long c, const float *upstream, float *dx);
void axone_average_pool_pullback_f64(const axone_window *w, long images, long c, const double *upstream, double *dx);

static inline void axone_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// The name of the OpenBLAS kernel in use (`SkylakeX`, `Haswell`, `Zen`, …), or "unknown" when
/// OpenBLAS does not say.
const char *axone_blas_kernel(void);

/// 1 when Axone made OpenBLAS choose its kernel again at load time (OpenBLAS had fallen back to its
/// generic `Prescott` kernel on a CPU it does not know; see blas_kernel.c), 0 otherwise.
int axone_blas_kernel_was_reselected(void);

#endif
