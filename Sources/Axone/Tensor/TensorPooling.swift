// Max and average pooling over the windows of channels-last images (see `Window2D`), and their
// adjoints. Only the taps inside the image take part: a `same`-padded window at a border pools
// the elements it covers, as Keras does (max pooling never sees the padding, average pooling
// divides by the number of covered elements).

/// How a pooling window summarises the elements it covers.
public enum PoolingMode: String, Sendable, CaseIterable {
    /// The largest element; its gradient goes to the first largest one in row-major window order.
    case max
    /// The mean of the covered elements (padding excluded).
    case average
}

extension Tensor {
    /// Max pooling of a `[batch, h, w, c]` image: the `[batch, oh, ow, c]` maxima, and for each of
    /// them the flat index of the input element it came from (the first maximum of the window in
    /// row-major order, so ties send the gradient to the top-left-most one).
    func maxPooled(_ window: Window2D) -> (values: Tensor, sources: [Int]) {
        let (batch, channels) = (shape[0], shape[3])
        let outputShape = [batch, window.outputHeight, window.outputWidth, channels]
        var sources = [Int](repeating: 0, count: outputShape.reduce(1, *))
        let values = Tensor(shape: outputShape) { out in
            withUnsafeBufferPointer { source in
                sources.withUnsafeMutableBufferPointer { chosen in
                    var current = -1
                    for image in 0..<batch {
                        window.forEachTap(image: image) { outputPixel, pixel in
                            guard let pixel else { return }
                            let (base, from) = (outputPixel * channels, pixel * channels)
                            let first = outputPixel != current
                            current = outputPixel
                            for c in 0..<channels where first || source[from + c] > out[base + c] {
                                out[base + c] = source[from + c]
                                chosen[base + c] = from + c
                            }
                        }
                    }
                }
            }
        }
        return (values, sources)
    }

    /// Average pooling of a `[batch, h, w, c]` image: the `[batch, oh, ow, c]` means, and for each
    /// output pixel the number of image elements its window covers.
    func averagePooled(_ window: Window2D) -> (values: Tensor, counts: [Int]) {
        let (batch, channels) = (shape[0], shape[3])
        let outputShape = [batch, window.outputHeight, window.outputWidth, channels]
        var counts = [Int](repeating: 0, count: batch * window.outputHeight * window.outputWidth)
        let values = Tensor(shape: outputShape) { out in
            Scalar.fill(0, into: out)
            withUnsafeBufferPointer { source in
                counts.withUnsafeMutableBufferPointer { covered in
                    for image in 0..<batch {
                        window.forEachTap(image: image) { outputPixel, pixel in
                            guard let pixel else { return }
                            covered[outputPixel] += 1
                            let (base, from) = (outputPixel * channels, pixel * channels)
                            for c in 0..<channels { out[base + c] += source[from + c] }
                        }
                    }
                    for outputPixel in covered.indices {
                        let base = outputPixel * channels, count = Scalar(covered[outputPixel])
                        for c in 0..<channels { out[base + c] /= count }
                    }
                }
            }
        }
        return (values, counts)
    }

    /// The adjoint of ``maxPooled(_:)``: each element of this gradient added to the input element
    /// its maximum came from, in a tensor of `shape`.
    func scattered(to sources: [Int], shape: [Int]) -> Tensor {
        var result = Tensor.zeros(shape)
        result.withUnsafeMutableBufferPointer { out in
            withUnsafeBufferPointer { gradient in
                for (i, source) in sources.enumerated() { out[source] += gradient[i] }
            }
        }
        return result
    }

    /// The adjoint of ``averagePooled(_:)``: each element of this `[batch, oh, ow, c]` gradient
    /// divided by its window's count and added to every image element the window covers.
    func spreadOverWindows(_ window: Window2D, counts: [Int], shape: [Int]) -> Tensor {
        let (batch, channels) = (shape[0], shape[3])
        var result = Tensor.zeros(shape)
        result.withUnsafeMutableBufferPointer { out in
            withUnsafeBufferPointer { gradient in
                for image in 0..<batch {
                    window.forEachTap(image: image) { outputPixel, pixel in
                        guard let pixel else { return }
                        let (base, to) = (outputPixel * channels, pixel * channels)
                        let count = Scalar(counts[outputPixel])
                        for c in 0..<channels { out[to + c] += gradient[base + c] / count }
                    }
                }
            }
        }
        return result
    }

    /// Max or average pooling of a `[batch, h, w, c]` image (see
    /// ``Variable/pooled2D(_:poolSize:strides:padding:)``).
    /// - Throws: ``TensorError`` when the tensor is not of rank 4 or the window does not fit.
    public func pooled2D(_ mode: PoolingMode, poolSize: (Int, Int), strides: (Int, Int)? = nil,
                         padding: Padding2D = .valid) throws -> Tensor {
        try Variable(self).pooled2D(mode, poolSize: poolSize, strides: strides, padding: padding).value
    }
}
