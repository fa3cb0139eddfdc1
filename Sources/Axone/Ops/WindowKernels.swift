// The loops of `WindowRowsPrimitive` and `PoolingPrimitive` over channels-last images
// `[images, h, w, c]`. They are specialised for Float and Double (a primitive's methods run as
// unspecialised generic code, which would pay a dynamic call per element), walk each window's
// taps inside the image as ranges instead of testing every tap, and move whole runs of contiguous
// elements: with dilation 1, the `kw·c` elements one kernel row of a window reads are adjacent.
// A row shard of a compiled program calls them on its own images, so they run in parallel.

extension Window2D {
    /// The kernel taps `k` of output position `o` along one axis whose input position
    /// `o·stride − pad + k·dilation` lies in `0..<size`: a contiguous range, as positions increase with `k`.
    @inline(__always)
    private static func insideTaps(_ o: Int, stride: Int, pad: Int, kernel: Int, dilation: Int, size: Int) -> Range<Int> {
        let start = o * stride - pad
        if start >= 0, start + (kernel - 1) * dilation < size { return 0..<kernel }   // inside: no division
        let low = Swift.min(start >= 0 ? 0 : (dilation - 1 - start) / dilation, kernel)
        let high = start > size - 1 ? 0 : Swift.min(kernel, (size - 1 - start) / dilation + 1)
        return low..<Swift.max(low, high)
    }

    /// The kernel rows of output row `oy` that fall inside the image.
    @inline(__always)
    func insideRows(_ oy: Int) -> Range<Int> {
        Self.insideTaps(oy, stride: strideY, pad: padTop, kernel: kernelHeight, dilation: dilationY, size: inputHeight)
    }

    /// The kernel columns of output column `ox` that fall inside the image.
    @inline(__always)
    func insideColumns(_ ox: Int) -> Range<Int> {
        Self.insideTaps(ox, stride: strideX, pad: padLeft, kernel: kernelWidth, dilation: dilationX, size: inputWidth)
    }

    /// Calls `body(rowOffset, imageOffset, count)` for each run of the im2col rows of `images`
    /// images with `channels` channels, in order: `count` elements at `rowOffset` in the rows
    /// (`[images·oh·ow, kh·kw·c]`) come from the `count` contiguous image elements at `imageOffset`,
    /// or are padding when `imageOffset` is `nil`.
    @inline(__always)
    func forEachRun(images: Int, channels: Int, _ body: (_ rowOffset: Int, _ imageOffset: Int?, _ count: Int) -> Void) {
        let tapRun = kernelWidth * channels
        var rowOffset = 0
        for image in 0..<images {
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    let columns = insideColumns(ox), x0 = ox * strideX - padLeft
                    for ky in 0..<kernelHeight {
                        let y = oy * strideY - padTop + ky * dilationY
                        if y < 0 || y >= inputHeight || columns.isEmpty {
                            body(rowOffset, nil, tapRun)
                        } else if dilationX == 1 {
                            let pixel = (image * inputHeight + y) * inputWidth + x0
                            if columns.lowerBound > 0 { body(rowOffset, nil, columns.lowerBound * channels) }
                            body(rowOffset + columns.lowerBound * channels, (pixel + columns.lowerBound) * channels, columns.count * channels)
                            if columns.upperBound < kernelWidth {
                                body(rowOffset + columns.upperBound * channels, nil, (kernelWidth - columns.upperBound) * channels)
                            }
                        } else {
                            let pixel = (image * inputHeight + y) * inputWidth + x0
                            for kx in 0..<kernelWidth {
                                body(rowOffset + kx * channels, columns.contains(kx) ? (pixel + kx * dilationX) * channels : nil, channels)
                            }
                        }
                        rowOffset += tapRun
                    }
                }
            }
        }
    }

    /// Calls `body(outputOffset, rows, columns, tapOffset)` for each output pixel of `images` images
    /// with `channels` channels, in order: `outputOffset` is its first element in `[images, oh, ow, c]`,
    /// `rows` and `columns` the kernel rows and columns of its window inside the image (neither is
    /// empty), and `tapOffset(ky, kx)` the first element of tap `(ky, kx)` in `[images, h, w, c]`.
    @inline(__always)
    func forEachWindow(images: Int, channels: Int, _ body: (_ outputOffset: Int, _ taps: Range<Int>, _ tapColumns: Range<Int>,
                                                             _ tapOffset: (Int, Int) -> Int) -> Void) {
        var outputOffset = 0
        for image in 0..<images {
            for oy in 0..<outputHeight {
                let rows = insideRows(oy), y0 = oy * strideY - padTop
                for ox in 0..<outputWidth {
                    let x0 = ox * strideX - padLeft
                    body(outputOffset, rows, insideColumns(ox)) { ky, kx in
                        ((image * inputHeight + y0 + ky * dilationY) * inputWidth + x0 + kx * dilationX) * channels
                    }
                    outputOffset += channels
                }
            }
        }
    }
}

/// im2col: the windows of `images` images `[images, h, w, channels]` at `x` as the rows of
/// `[images·oh·ow, kh·kw·channels]` at `rows`, zero for taps in the padding.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func im2col<Scalar: TensorScalar>(_ window: Window2D, images: Int, channels: Int, from x: UnsafePointer<Scalar>,
                                      into rows: UnsafeMutablePointer<Scalar>) {
    window.forEachRun(images: images, channels: channels) { rowOffset, imageOffset, count in
        let destination = rows + rowOffset
        if let imageOffset {
            let source = x + imageOffset
            for i in 0..<count { destination[i] = source[i] }
        } else {
            for i in 0..<count { destination[i] = 0 }
        }
    }
}

/// col2im: adds each row of `[images·oh·ow, kh·kw·channels]` at `rows` onto the elements of
/// `[images, h, w, channels]` at `x` its window read, rows and taps in order.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func col2im<Scalar: TensorScalar>(_ window: Window2D, images: Int, channels: Int, from rows: UnsafePointer<Scalar>,
                                         into x: UnsafeMutablePointer<Scalar>) {
    window.forEachRun(images: images, channels: channels) { rowOffset, imageOffset, count in
        guard let imageOffset else { return }
        let (source, destination) = (rows + rowOffset, x + imageOffset)
        for i in 0..<count { destination[i] += source[i] }
    }
}

/// Max or average pooling of `[images, h, w, channels]` at `x` into `[images, oh, ow, channels]`
/// at `output`, over each window's taps inside the image in row-major order (an average divides
/// their sum by their number).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func pool<Scalar: TensorScalar>(_ mode: PoolingMode, _ window: Window2D, images: Int, channels: Int,
                                from x: UnsafePointer<Scalar>, into output: UnsafeMutablePointer<Scalar>) {
    window.forEachWindow(images: images, channels: channels) { outputOffset, rows, columns, tapOffset in
        let out = output + outputOffset
        var first = true
        for ky in rows {
            for kx in columns {
                let source = x + tapOffset(ky, kx)
                if first {
                    for c in 0..<channels { out[c] = source[c] }
                    first = false
                } else if mode == .max {
                    for c in 0..<channels { out[c] = source[c] > out[c] ? source[c] : out[c] }   // a select: vectorised
                } else {
                    for c in 0..<channels { out[c] += source[c] }
                }
            }
        }
        if mode == .average {
            let count = Scalar(rows.count * columns.count)
            for c in 0..<channels { out[c] /= count }
        }
    }
}

/// Max pooling's pullback: adds each element of `upstream` (`[images, oh, ow, channels]`), in
/// order, onto the element of `dx` (the input's shape) that is the first maximum of its window in
/// row-major order, found again from the input `x`; `maxima` (`channels` elements) holds a
/// window's maxima. Each loop runs over contiguous channels with selects, not branches on the data
/// (which mispredict): a channel's maximum becomes NaN once its gradient is sent, so that no later
/// tap equals it.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func maxPoolPullback<Scalar: TensorScalar>(_ window: Window2D, images: Int, channels: Int, input x: UnsafePointer<Scalar>,
                                           upstream: UnsafePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>,
                                           maxima: UnsafeMutablePointer<Scalar>) {
    window.forEachWindow(images: images, channels: channels) { outputOffset, rows, columns, tapOffset in
        let first = tapOffset(rows.lowerBound, columns.lowerBound)
        maxima.update(from: x + first, count: channels)
        for ky in rows {
            for kx in columns {
                let source = x + tapOffset(ky, kx)
                for c in 0..<channels { maxima[c] = source[c] > maxima[c] ? source[c] : maxima[c] }
            }
        }
        let g = upstream + outputOffset
        // The first tap also takes a NaN maximum: a NaN there stays the maximum, as in the forward pass.
        let (source, destination) = (x + first, dx + first)
        for c in 0..<channels {
            let (value, maximum, gradient) = (source[c], maxima[c], g[c])
            let hit = (value == maximum) != (maximum != maximum)
            destination[c] += hit ? gradient : 0
            maxima[c] = maximum + (hit ? .nan : 0)
        }
        for ky in rows {
            for kx in columns where (ky, kx) != (rows.lowerBound, columns.lowerBound) {
                let offset = tapOffset(ky, kx)
                let (source, destination) = (x + offset, dx + offset)
                for c in 0..<channels {
                    let (value, maximum, gradient) = (source[c], maxima[c], g[c])
                    let hit = value == maximum
                    destination[c] += hit ? gradient : 0
                    maxima[c] = maximum + (hit ? .nan : 0)   // a masked add, where a select of NaN gave a branch
                }
            }
        }
    }
}

/// Average pooling's pullback: spreads each element of `upstream` (`[images, oh, ow, channels]`)
/// evenly over its window's taps inside the image, adding onto `dx` (the input's shape) output
/// pixel by output pixel, tap by tap.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func averagePoolPullback<Scalar: TensorScalar>(_ window: Window2D, images: Int, channels: Int, upstream: UnsafePointer<Scalar>,
                                               into dx: UnsafeMutablePointer<Scalar>) {
    window.forEachWindow(images: images, channels: channels) { outputOffset, rows, columns, tapOffset in
        let g = upstream + outputOffset, count = Scalar(rows.count * columns.count)
        for ky in rows {
            for kx in columns {
                let destination = dx + tapOffset(ky, kx)
                for c in 0..<channels { destination[c] += g[c] / count }
            }
        }
    }
}
