// The loops of `Convolution2DPrimitive` and `PoolingPrimitive` over channels-last images
// `[images, h, w, c]`: C kernels (CAxoneKernels/windows.c, convolution.c and winograd.c), compiled for AVX2
// and AVX-512 as well as the baseline. The window kernels walk each window's taps inside the image
// as ranges instead of testing every tap, copy or add whole runs of contiguous channels, and keep
// one order of operations on every CPU (plain copies, additions, divisions and selects). A row shard of a compiled program
// calls them on its own images, so they run in parallel.
import CAxoneKernels

extension Window2D {
    /// The geometry as the C kernels take it.
    var kernelGeometry: axone_window {
        axone_window(in_h: inputHeight, in_w: inputWidth, kernel_h: kernelHeight, kernel_w: kernelWidth,
                     stride_y: strideY, stride_x: strideX, dilation_y: dilationY, dilation_x: dilationX,
                     pad_top: padTop, pad_left: padLeft, out_h: outputHeight, out_w: outputWidth)
    }
}

/// Runs `float` or `double`: the C kernel of `Scalar`, its pointers rebound by `cast`.
@inline(__always)
private func onKernel<Scalar: TensorScalar>(_: Scalar.Type, float: () -> Void, double: () -> Void) {
    if Scalar.self == Float.self {
        float()
    } else if Scalar.self == Double.self {
        double()
    } else {
        preconditionFailure("window kernels: no C kernel for \(Scalar.self)")
    }
}

/// The same address as a pointer to `B` (the caller has checked that `A` is `B`).
@inline(__always)
private func cast<A, B>(_ pointer: UnsafePointer<A>) -> UnsafePointer<B> {
    UnsafeRawPointer(pointer).assumingMemoryBound(to: B.self)
}

/// The same address as a mutable pointer to `B` (the caller has checked that `A` is `B`).
@inline(__always)
private func cast<A, B>(_ pointer: UnsafeMutablePointer<A>) -> UnsafeMutablePointer<B> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: B.self)
}

/// im2col: the windows of `images` images `[images, h, w, channels]` at `x` as the rows of
/// `[images·oh·ow, kh·kw·channels]` at `rows`, zero for taps in the padding.
func im2col<Scalar: TensorScalar>(_ window: Window2D, images: Int, channels: Int, from x: UnsafePointer<Scalar>,
                                  into rows: UnsafeMutablePointer<Scalar>) {
    var geometry = window.kernelGeometry
    onKernel(Scalar.self, float: { axone_im2col_f32(&geometry, images, channels, cast(x), cast(rows)) },
             double: { axone_im2col_f64(&geometry, images, channels, cast(x), cast(rows)) })
}

/// col2im: adds each row of `[images·oh·ow, kh·kw·channels]` at `rows` onto the elements of
/// `[images, h, w, channels]` at `x` its window read, rows and taps in order.
func col2im<Scalar: TensorScalar>(_ window: Window2D, images: Int, channels: Int, from rows: UnsafePointer<Scalar>,
                                  into x: UnsafeMutablePointer<Scalar>) {
    var geometry = window.kernelGeometry
    onKernel(Scalar.self, float: { axone_col2im_f32(&geometry, images, channels, cast(rows), cast(x)) },
             double: { axone_col2im_f64(&geometry, images, channels, cast(rows), cast(x)) })
}

/// The elements of a kernel of `depth` rows packed for `filters` filters, bias included
/// (``packConvolutionKernel(depth:filters:_:bias:into:)``).
func packedConvolutionSize<Scalar: TensorScalar>(_: Scalar.Type, depth: Int, filters: Int) -> Int {
    let panel = 64 / MemoryLayout<Scalar>.stride
    return (filters + panel - 1) / panel * panel * (depth + 1)
}

/// Packs a kernel viewed as `[depth, filters]` (depth = kh·kw·channels) and its bias for
/// ``convolve(_:images:channels:filters:from:packed:relu:zeros:into:)``: panels of 64 bytes of
/// filters, zero-padded.
func packConvolutionKernel<Scalar: TensorScalar>(depth: Int, filters: Int, _ kernel: UnsafePointer<Scalar>,
                                                 bias: UnsafePointer<Scalar>?, into packed: UnsafeMutablePointer<Scalar>) {
    onKernel(Scalar.self, float: { axone_conv2d_pack_f32(depth, filters, cast(kernel), bias.map { cast($0) }, cast(packed)) },
             double: { axone_conv2d_pack_f64(depth, filters, cast(kernel), bias.map { cast($0) }, cast(packed)) })
}

/// A convolution's forward pass without an im2col matrix (an implicit GEMM whose register tile is
/// six output pixels by 64 bytes of filters): `y [images·oh·ow, filters]` = the packed bias + each
/// window of `[images, h, w, channels]` at `x` times the packed kernel, then `max(·, 0)` when
/// `relu`; `zeros` is scratch for `kw·channels` elements. Each output sums its products in the
/// kernel's order, one FMA each, so AVX2 and AVX-512 give the same results.
func convolve<Scalar: TensorScalar>(_ window: Window2D, images: Int, channels: Int, filters: Int, from x: UnsafePointer<Scalar>,
                                    packed: UnsafePointer<Scalar>, relu: Bool, zeros: UnsafeMutablePointer<Scalar>,
                                    into y: UnsafeMutablePointer<Scalar>) {
    var geometry = window.kernelGeometry
    let fused: Int32 = relu ? 1 : 0
    onKernel(Scalar.self,
             float: { axone_conv2d_f32(&geometry, images, channels, filters, cast(x), cast(packed), fused, cast(zeros), cast(y)) },
             double: { axone_conv2d_f64(&geometry, images, channels, filters, cast(x), cast(packed), fused, cast(zeros), cast(y)) })
}

/// The sizes of a Winograd F(4×4, 3×3) convolution's workspace (CAxoneKernels/winograd.c).
struct WinogradLayout {
    /// 4×4 output tiles per block: their 36 transformed inputs and products fill about 384 KiB.
    let block: Int
    /// Elements of the transformed kernel, of its packed matrices, of a block's transformed
    /// inputs and of their products.
    let transformed: Int, packed: Int, inputs: Int, products: Int

    init<Scalar: TensorScalar>(_: Scalar.Type, channels: Int, filters: Int) {
        let panel = 64 / MemoryLayout<Scalar>.stride
        block = Swift.max(6, Swift.min(120, (384 << 10) / MemoryLayout<Scalar>.stride / (36 * (channels + filters))) / 6 * 6)
        transformed = 36 * channels * filters
        packed = 36 * packedConvolutionSize(Scalar.self, depth: channels, filters: filters)
        inputs = 36 * (block * channels + panel)
        products = 36 * (block * filters + panel)
    }

    /// All of it, then `channels` zeros.
    func workspace(channels: Int) -> Int { transformed + packed + inputs + products + channels }
}

/// A 3×3 convolution with stride 1 and dilation 1 by Winograd's F(4×4, 3×3) (CAxoneKernels/winograd.c):
/// the kernel `[3, 3, channels, filters]` transformed and packed, then `y` as ``convolve(_:images:channels:filters:from:packed:relu:zeros:into:)``
/// plus `bias`, with 4× fewer multiply-adds. `workspace` holds `layout`'s ``WinogradLayout/workspace(channels:)`` elements.
func convolveWinograd<Scalar: TensorScalar>(_ window: Window2D, layout: WinogradLayout, images: Int, channels: Int, filters: Int,
                                            from x: UnsafePointer<Scalar>, kernel: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>?,
                                            relu: Bool, workspace: UnsafeMutablePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>) {
    var geometry = window.kernelGeometry
    let fused: Int32 = relu ? 1 : 0
    let packed = workspace + layout.transformed, inputs = packed + layout.packed, products = inputs + layout.inputs
    let zeros = products + layout.products, matrices = UnsafePointer(packed)
    onKernel(Scalar.self,
             float: {
                 axone_winograd_pack_f32(channels, filters, cast(kernel), cast(workspace), cast(packed))
                 axone_winograd_f32(&geometry, images, channels, filters, cast(x), cast(matrices), bias.map { cast($0) }, fused,
                                    layout.block, cast(inputs), cast(products), cast(zeros), cast(y))
             },
             double: {
                 axone_winograd_pack_f64(channels, filters, cast(kernel), cast(workspace), cast(packed))
                 axone_winograd_f64(&geometry, images, channels, filters, cast(x), cast(matrices), bias.map { cast($0) }, fused,
                                    layout.block, cast(inputs), cast(products), cast(zeros), cast(y))
             })
}

/// Max or average pooling of `[images, h, w, channels]` at `x` into `[images, oh, ow, channels]`
/// at `output`, over each window's taps inside the image in row-major order (an average divides
/// their sum by their number).
func pool<Scalar: TensorScalar>(_ mode: PoolingMode, _ window: Window2D, images: Int, channels: Int,
                                from x: UnsafePointer<Scalar>, into output: UnsafeMutablePointer<Scalar>) {
    var geometry = window.kernelGeometry
    let average: Int32 = mode == .average ? 1 : 0
    onKernel(Scalar.self, float: { axone_pool_f32(&geometry, images, channels, average, cast(x), cast(output)) },
             double: { axone_pool_f64(&geometry, images, channels, average, cast(x), cast(output)) })
}

/// Max pooling's pullback: adds each element of `upstream` (`[images, oh, ow, channels]`), in
/// order, onto the element of `dx` (the input's shape) that is the first maximum of its window in
/// row-major order, found again from the input `x`; `maxima` (`channels` elements) holds a
/// window's maxima.
func maxPoolPullback<Scalar: TensorScalar>(_ window: Window2D, images: Int, channels: Int, input x: UnsafePointer<Scalar>,
                                           upstream: UnsafePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>,
                                           maxima: UnsafeMutablePointer<Scalar>) {
    var geometry = window.kernelGeometry
    onKernel(Scalar.self,
             float: { axone_max_pool_pullback_f32(&geometry, images, channels, cast(x), cast(upstream), cast(dx), cast(maxima)) },
             double: { axone_max_pool_pullback_f64(&geometry, images, channels, cast(x), cast(upstream), cast(dx), cast(maxima)) })
}

/// Average pooling's pullback: spreads each element of `upstream` (`[images, oh, ow, channels]`)
/// evenly over its window's taps inside the image, adding onto `dx` (the input's shape) output
/// pixel by output pixel, tap by tap.
func averagePoolPullback<Scalar: TensorScalar>(_ window: Window2D, images: Int, channels: Int, upstream: UnsafePointer<Scalar>,
                                               into dx: UnsafeMutablePointer<Scalar>) {
    var geometry = window.kernelGeometry
    onKernel(Scalar.self, float: { axone_average_pool_pullback_f32(&geometry, images, channels, cast(upstream), cast(dx)) },
             double: { axone_average_pool_pullback_f64(&geometry, images, channels, cast(upstream), cast(dx)) })
}
