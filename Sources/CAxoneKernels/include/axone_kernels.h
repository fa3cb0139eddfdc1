#ifndef AXONE_KERNELS_H
#define AXONE_KERNELS_H

/// Kernels whose loops the Swift compiler does not vectorise: Swift lowers `squareRoot()` to a
/// libm call, which blocks LLVM's loop vectoriser, while clang's `__builtin_elementwise_sqrt`
/// becomes `sqrtps`. Each function is one pass over its buffers; pointers must not alias.

/// Adam / AdamW step (PyTorch form) with the bias corrections folded into `step_size` = η/(1 − β₁ᵗ)
/// and `root_correction` = 1/√(1 − β₂ᵗ); `coupled` adds λ·θ to the gradient (Adam's weight decay),
/// `shrink` = 1 − η·λ multiplies θ first (AdamW's decoupled decay).
void axone_adam_f32(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, long n,
                    float beta1, float beta2, float step_size, float root_correction, float epsilon,
                    float coupled, float shrink);
void axone_adam_f64(double *restrict p, const double *restrict g, double *restrict m, double *restrict v, long n,
                    double beta1, double beta2, double step_size, double root_correction, double epsilon,
                    double coupled, double shrink);

#endif
