import CAxoneKernels

/// The OpenBLAS kernel Axone's matrix products run on.
///
/// OpenBLAS picks its kernel by CPU model when it loads. Debian 12's OpenBLAS (0.3.21) does not
/// know the newest CPUs and falls back to its generic SSE3 kernel, `Prescott`, on them: on an
/// AVX-512 Intel Xeon of model 207 the MLP's products ran 3.4× slower than on its AVX-512 kernel.
/// When that happens, and `OPENBLAS_CORETYPE` names no kernel, Axone has OpenBLAS choose again at
/// load time, before any product, from the CPU's features: `SkylakeX` with AVX-512, `Haswell` with
/// AVX2 and FMA, `Sandybridge` with AVX. `OPENBLAS_CORETYPE` always wins.
///
/// ```swift
/// print(BLASKernel.name)   // "SkylakeX"
/// ```
public enum BLASKernel {
    /// The kernel's name as OpenBLAS gives it (`SkylakeX`, `Haswell`, `Zen`, …).
    public static var name: String { String(cString: axone_blas_kernel()) }

    /// Whether Axone chose the kernel (OpenBLAS had fallen back to `Prescott` on a CPU it does not
    /// know) rather than OpenBLAS or `OPENBLAS_CORETYPE`.
    public static var wasChosenByAxone: Bool { axone_blas_kernel_was_reselected() != 0 }
}
