/// A 2-D convolution (cross-correlation) of channels-last images `x [n, h, w, c]` with a kernel
/// `W [kh, kw, c, f]` and optionally a bias `b [f]`, followed by an activation `act` when the
/// compiler fused one (as for ``LinearPrimitive``): `y [n, oh, ow, f]`.
///
/// The forward pass is an implicit GEMM (``convolve(_:images:channels:filters:from:packed:relu:zeros:into:)``):
/// a register tile of output pixels reads its windows straight from the images, starts from the
/// bias and applies a fused ReLU as it stores, so no window matrix is written. It reaches 95 % of
/// OpenBLAS's `sgemm` peak on the notes' layers, where im2col and `sgemm` reached about 75 %
/// (`docs/speed-log.md`, the CNN's sections). A 3×3 window with stride 1 runs Winograd's F(4×4, 3×3) instead
/// (``runsWinograd(channels:filters:)``, ``convolveWinograd(_:layout:images:channels:filters:from:kernel:bias:relu:workspace:into:)``),
/// whose 36 products per tile run on the same kernel: 4× fewer multiply-adds.
///
/// The pullback runs the images in chunks of a few images (``chunkImages(_:)``, sized so that a
/// chunk's window rows stay in the core's cache). For each chunk, im2col lays its windows out as
/// the rows of a `[rows, kh·kw·c]` matrix in the workspace: `dZ = dY ⊙ act′(y)`,
/// `dW += rowsᵀ·dZ` and `db += Σ dZ` chunk by chunk in order, and `d(rows) = dZ·Wᵀ` added back
/// onto the images (col2im). So no `[n·oh·ow, kh·kw·c]` matrix ever goes through memory, and the
/// step keeps only the images.
struct Convolution2DPrimitive<Scalar: TensorScalar>: Primitive {
    let window: Window2D
    /// The activation applied after the bias, if any (its derivative follows from its output).
    let activation: ElementwisePrimitive<Scalar>?

    /// The bytes of window rows one chunk of images fills at most in the pullback, unless one image needs more.
    let chunkBytes: Int

    /// Creates the primitive; the pullback's chunks fill about 256 KiB of window rows by default,
    /// which stay in a core's L2 cache from im2col to the GEMM's packing (measured in
    /// `docs/speed-log.md`, the CNN's first section).
    init(window: Window2D, activation: ElementwisePrimitive<Scalar>? = nil, chunkBytes: Int = 256 << 10) {
        precondition(activation?.derivativeFollowsFromOutput ?? true, "conv2d: \(activation!.name) cannot be fused")
        self.window = window
        self.activation = activation
        self.chunkBytes = chunkBytes
    }

    var name: String { activation.map { "conv2d+\($0.name)" } ?? "conv2d" }

    /// The images per chunk for `channels` input channels (at least one).
    func chunkImages(_ channels: Int) -> Int {
        let rowsBytes = window.outputHeight * window.outputWidth * window.kernelHeight * window.kernelWidth * channels
            * MemoryLayout<Scalar>.stride
        return Swift.max(1, chunkBytes / Swift.max(rowsBytes, 1))
    }

    func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 2 || inputShapes.count == 3 else {
            throw TensorError.invalidArgument("conv2d: 2 or 3 inputs (x, W, b) expected, got \(inputShapes.count)")
        }
        try checkImage([inputShapes[0]], window, operation: name)
        let (x, k) = (inputShapes[0], inputShapes[1])
        guard k == [window.kernelHeight, window.kernelWidth, x[3], k.last ?? 0] else {
            throw TensorError.incompatibleShapes(operation: "conv2d (image [batch, h, w, c], kernel [kh, kw, c, filters])", lhs: x, rhs: k)
        }
        if inputShapes.count == 3, inputShapes[2] != [k[3]] {
            throw TensorError.incompatibleShapes(operation: "conv2d (kernel [kh, kw, c, filters], bias [filters])", lhs: k, rhs: inputShapes[2])
        }
        return [x[0], window.outputHeight, window.outputWidth, k[3]]
    }

    func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { [true, false, false].prefix(inputShapes.count).map { $0 } }

    /// The larger of the forward pass's packed kernel (``Geometry/forwardWorkspace``) and the
    /// pullback's chunk of window rows, its `dZ` and the bias gradient (``Geometry/workspace``).
    func workspaceSize(_ inputShapes: [[Int]], output: [Int]) -> Int {
        let geometry = Geometry(self, image: inputShapes[0], kernel: inputShapes[1])
        return Swift.max(geometry.workspace, geometry.forwardWorkspace)
    }

    func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        let geometry = Geometry(self, image: inputs[0].shape, kernel: inputs[1].shape)
        guard output.count > 0 else { return }
        let bias = inputs.count == 3 ? inputs[2].pointer : nil
        let workspace = context.scratch(geometry.forwardWorkspace, as: Scalar.self).baseAddress!
        if let layout = geometry.winograd {
            convolveWinograd(window, layout: layout, images: geometry.images, channels: geometry.channels, filters: geometry.filters,
                             from: inputs[0].pointer, kernel: inputs[1].pointer, bias: bias, relu: fusesReLU, workspace: workspace,
                             into: output.pointer)
        } else {
            packConvolutionKernel(depth: geometry.depth, filters: geometry.filters, inputs[1].pointer, bias: bias, into: workspace)
            convolve(window, images: geometry.images, channels: geometry.channels, filters: geometry.filters, from: inputs[0].pointer,
                     packed: workspace, relu: fusesReLU, zeros: workspace + geometry.packedSize, into: output.pointer)
        }
        if let activation, !fusesReLU {
            Scalar.apply(activation.function, output.elements, into: output.buffer)
        }
    }

    /// Whether the forward pass runs Winograd's F(4×4, 3×3): a 3×3 window with stride 1 and no
    /// dilation, at least 16 channels and 16 filters (with 5 channels and 37 filters it ran at half
    /// the direct kernel's speed: its products are too thin), and a transformed kernel of at most
    /// 2 MiB (VGG's deeper layers run the direct kernel).
    func runsWinograd(channels: Int, filters: Int) -> Bool {
        window.kernelHeight == 3 && window.kernelWidth == 3 && window.strideY == 1 && window.strideX == 1
            && window.dilationY == 1 && window.dilationX == 1 && channels >= 16 && filters >= 16
            && 36 * channels * filters * MemoryLayout<Scalar>.stride <= 2 << 20
    }

    /// Whether the activation is a ReLU, which the forward kernel applies as it stores.
    private var fusesReLU: Bool {
        if case .relu = activation?.function { true } else { false }
    }

    func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                  into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        let geometry = Geometry(self, image: inputs[0].shape, kernel: inputs[1].shape)
        let (dx, dw, db) = (gradients[0], gradients[1], gradients.count == 3 ? gradients[2] : nil)
        if let dx { Scalar.fill(0, into: dx.buffer) }
        guard upstream.count > 0 else {
            // No output: the kernel's and the bias's gradients are zero.
            for gradient in [dw, db] { gradient.map { Scalar.fill(0, into: $0.buffer) } }
            return
        }
        let (x, kernel) = (inputs[0].pointer, inputs[1].pointer)
        let workspace = context.scratch(geometry.workspace, as: Scalar.self).baseAddress!
        let rows = workspace, scaled = workspace + geometry.chunkRows * geometry.depth
        let partialBias = scaled + geometry.fusedRows * geometry.filters
        for start in stride(from: 0, to: geometry.images, by: geometry.chunkImages) {
            let chunk = start..<Swift.min(start + geometry.chunkImages, geometry.images)
            let offset = chunk.lowerBound * geometry.pixels * geometry.filters, count = chunk.count * geometry.pixels
            var dz = upstream.pointer + offset
            if let activation {
                let y = UnsafeBufferPointer(start: output.pointer + offset, count: count * geometry.filters)
                Scalar.applyDerivative(activation.function, x: y, y: y, upstream: UnsafeBufferPointer(start: dz, count: y.count),
                                       into: UnsafeMutableBufferPointer(start: scaled, count: y.count))
                dz = scaled
            }
            let first = start == 0, image = x + chunk.lowerBound * geometry.imageSize
            if let dw {
                im2col(window, images: chunk.count, channels: geometry.channels, from: image, into: rows)
                context.gemm(transposeA: true, transposeB: false, m: geometry.depth, n: geometry.filters, k: count, alpha: 1,
                             a: rows, lda: geometry.depth, b: dz, ldb: geometry.filters, beta: first ? 0 : 1,
                             c: dw.pointer, ldc: geometry.filters)
            }
            if let db {
                let sums = UnsafeMutableBufferPointer(start: first ? db.pointer : partialBias, count: geometry.filters)
                Scalar.reduce(.sum, UnsafeBufferPointer(start: dz, count: count * geometry.filters), outer: 1, count: count,
                              inner: geometry.filters, into: sums)
                if !first { Scalar.accumulate(UnsafeBufferPointer(sums), into: db.buffer) }
            }
            if let dx {
                context.gemm(transposeA: false, transposeB: true, m: count, n: geometry.depth, k: geometry.filters, alpha: 1,
                             a: dz, lda: geometry.filters, b: kernel, ldb: geometry.filters, beta: 0, c: rows, ldc: geometry.depth)
                col2im(window, images: chunk.count, channels: geometry.channels, from: rows,
                       into: dx.pointer + chunk.lowerBound * geometry.imageSize)
            }
        }
    }

    var backwardReadsOutput: Bool { activation != nil }

    /// A call's sizes.
    private struct Geometry {
        let images: Int, channels: Int, filters: Int
        /// Output pixels per image, elements per input image, and window row length `kh·kw·c`.
        let pixels: Int, imageSize: Int, depth: Int
        let chunkImages: Int
        /// Whether an activation is fused (the pullback then keeps a chunk's `dZ`).
        let fused: Bool

        init(_ primitive: Convolution2DPrimitive, image x: [Int], kernel k: [Int]) {
            (images, channels, filters) = (x[0], x[3], k[3])
            pixels = primitive.window.outputHeight * primitive.window.outputWidth
            imageSize = x[1] * x[2] * x[3]
            depth = k[0] * k[1] * k[2]
            chunkImages = primitive.chunkImages(channels)
            fused = primitive.activation != nil
            packedSize = packedConvolutionSize(Scalar.self, depth: depth, filters: filters)
            kernelWidth = k[1]
            winograd = primitive.runsWinograd(channels: channels, filters: filters)
                ? WinogradLayout(Scalar.self, channels: channels, filters: filters) : nil
        }

        /// The rows of the largest chunk.
        var chunkRows: Int { Swift.min(chunkImages, Swift.max(images, 1)) * pixels }
        /// The rows of a chunk's `dZ` in the workspace: the chunk's when an activation is fused, else none.
        var fusedRows: Int { fused ? chunkRows : 0 }
        /// The pullback's workspace, in order: a chunk's window rows, its `dZ`, then `f` elements
        /// for the bias gradient of a chunk after the first.
        var workspace: Int { chunkRows * depth + fusedRows * filters + filters }
        /// The packed kernel and bias, in elements, and the kernel's width.
        let packedSize: Int, kernelWidth: Int
        /// The Winograd forward pass's workspace, when it runs.
        let winograd: WinogradLayout?

        /// The forward pass's workspace: Winograd's, or the packed kernel and bias then `kw·c`
        /// zeros for windows in the padding.
        var forwardWorkspace: Int { winograd?.workspace(channels: channels) ?? packedSize + kernelWidth * channels }
    }
}
