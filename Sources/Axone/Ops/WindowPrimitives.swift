// The primitives of convolution and pooling over channels-last images `[batch, h, w, c]` (see
// `Window2D` for the geometry): im2col, whose pullback is col2im, and max or average pooling.
// Each image's result is a contiguous block of the output, so a batch may run in row shards.

/// The windows of an image batch as the rows of a `[batch·oh·ow, kh·kw·c]` matrix (im2col): a
/// convolution is this followed by one GEMM with the kernel (``LinearPrimitive``). Taps in the
/// padding read zero; the pullback adds each row back onto the pixels its window read (col2im).
struct WindowRowsPrimitive<Scalar: TensorScalar>: Primitive {
    let window: Window2D

    var name: String { "window_rows" }

    func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        try checkImage(inputShapes, window, operation: name)
        let x = inputShapes[0]
        return [x[0] * window.outputHeight * window.outputWidth, window.kernelHeight * window.kernelWidth * x[3]]
    }

    func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { [true] }

    func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        guard output.count > 0 else { return }
        let (source, channels) = (inputs[0].pointer, inputs[0].shape[3])
        var destination = output.pointer
        for image in 0..<inputs[0].shape[0] {
            window.forEachTap(image: image) { _, pixel in
                if let pixel {
                    destination.update(from: source + pixel * channels, count: channels)
                } else {
                    destination.update(repeating: 0, count: channels)
                }
                destination += channels
            }
        }
    }

    func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                  into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0 else { return }
        Scalar.fill(0, into: dx.buffer)
        guard upstream.count > 0 else { return }
        let channels = dx.shape[3]
        var source = upstream.pointer
        for image in 0..<dx.shape[0] {
            window.forEachTap(image: image) { _, pixel in
                if let pixel { Scalar.accumulate(UnsafeBufferPointer(start: source, count: channels),
                                                 into: UnsafeMutableBufferPointer(start: dx.pointer + pixel * channels, count: channels)) }
                source += channels
            }
        }
    }

    var backwardReadsInputs: Bool { false }
    var backwardReadsOutput: Bool { false }
}

/// Max or average pooling over the windows of an image batch (see ``PoolingMode``): only taps
/// inside the image take part. The max pullback sends each gradient element to the first maximum
/// of its window in row-major order (found again from the input); the average pullback spreads it
/// evenly over the elements the window covers.
struct PoolingPrimitive<Scalar: TensorScalar>: Primitive {
    let mode: PoolingMode
    let window: Window2D

    var name: String { mode == .max ? "max_pool" : "average_pool" }

    func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        try checkImage(inputShapes, window, operation: name)
        let x = inputShapes[0]
        return [x[0], window.outputHeight, window.outputWidth, x[3]]
    }

    func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { [true] }

    /// Calls `body(outputPixel, inputPixel, first)` for every tap inside the image, `first` for the
    /// first such tap of each output pixel (every window covers at least one element).
    private func forEachInsideTap(images: Int, _ body: (Int, Int, Bool) -> Void) {
        var current = -1
        for image in 0..<images {
            window.forEachTap(image: image) { outputPixel, pixel in
                guard let pixel else { return }
                body(outputPixel, pixel, outputPixel != current)
                current = outputPixel
            }
        }
    }

    /// The number of image elements each output pixel's window covers.
    private func coverage(_ outputPixel: Int) -> Scalar {
        let oy = (outputPixel / window.outputWidth) % window.outputHeight, ox = outputPixel % window.outputWidth
        func covered(_ o: Int, stride: Int, pad: Int, kernel: Int, dilation: Int, size: Int) -> Int {
            var count = 0
            for k in 0..<kernel where (0..<size).contains(o * stride - pad + k * dilation) { count += 1 }
            return count
        }
        return Scalar(covered(oy, stride: window.strideY, pad: window.padTop, kernel: window.kernelHeight,
                              dilation: window.dilationY, size: window.inputHeight)
                      * covered(ox, stride: window.strideX, pad: window.padLeft, kernel: window.kernelWidth,
                                dilation: window.dilationX, size: window.inputWidth))
    }

    func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        guard output.count > 0 else { return }
        let (x, out, channels) = (inputs[0].pointer, output.pointer, inputs[0].shape[3])
        forEachInsideTap(images: inputs[0].shape[0]) { outputPixel, pixel, first in
            let (base, from) = (outputPixel * channels, pixel * channels)
            for c in 0..<channels {
                let v = x[from + c]
                switch mode {
                case .max: if first || v > out[base + c] { out[base + c] = v }
                case .average: out[base + c] = first ? v : out[base + c] + v
                }
            }
        }
        if mode == .average {
            for outputPixel in 0..<(output.count / channels) {
                let count = coverage(outputPixel)
                for c in 0..<channels { out[outputPixel * channels + c] /= count }
            }
        }
    }

    func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                  into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0 else { return }
        Scalar.fill(0, into: dx.buffer)
        guard upstream.count > 0 else { return }
        let (x, g, d, channels) = (inputs[0].pointer, upstream.pointer, dx.pointer, dx.shape[3])
        switch mode {
        case .max:
            // The first maximum of each window, found again: its flat index per output element.
            let chosen = context.scratch(output.count, as: Int.self)
            forEachInsideTap(images: dx.shape[0]) { outputPixel, pixel, first in
                let (base, from) = (outputPixel * channels, pixel * channels)
                for c in 0..<channels where first || x[from + c] > x[chosen[base + c]] { chosen[base + c] = from + c }
            }
            for i in 0..<output.count { d[chosen[i]] += g[i] }
        case .average:
            forEachInsideTap(images: dx.shape[0]) { outputPixel, pixel, _ in
                let (base, to) = (outputPixel * channels, pixel * channels), count = coverage(outputPixel)
                for c in 0..<channels { d[to + c] += g[base + c] / count }
            }
        }
    }

    /// Max pooling's backward pass keeps one `Int` index per output element.
    func workspaceSize(_ inputShapes: [[Int]], output: [Int]) -> Int {
        mode == .max ? output.reduce(1, *) * (MemoryLayout<Int>.stride + MemoryLayout<Scalar>.stride - 1) / MemoryLayout<Scalar>.stride : 0
    }

    var backwardReadsInputs: Bool { mode == .max }
    var backwardReadsOutput: Bool { false }

    var onnx: ONNXOperator? { nil }
}

/// Checks that `shapes` is one `[batch, h, w, c]` image batch of the window's size.
private func checkImage(_ shapes: [[Int]], _ window: Window2D, operation: String) throws {
    guard shapes.count == 1, shapes[0].count == 4, shapes[0][1] == window.inputHeight, shapes[0][2] == window.inputWidth else {
        throw TensorError.invalidShape(operation: operation, expected: "an image batch [batch, \(window.inputHeight), \(window.inputWidth), channels]",
                                       got: shapes.first ?? [])
    }
}
