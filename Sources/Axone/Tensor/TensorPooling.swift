// Max and average pooling over the windows of channels-last images (see `Window2D`; the kernels
// are `PoolingPrimitive`'s). Only the taps inside the image take part: a `same`-padded window at a border pools
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
    /// Max or average pooling of a `[batch, h, w, c]` image (see
    /// ``Variable/pooled2D(_:poolSize:strides:padding:)``).
    /// - Throws: ``TensorError`` when the tensor is not of rank 4 or the window does not fit.
    public func pooled2D(_ mode: PoolingMode, poolSize: (Int, Int), strides: (Int, Int)? = nil,
                         padding: Padding2D = .valid) throws -> Tensor {
        try Variable(self).pooled2D(mode, poolSize: poolSize, strides: strides, padding: padding).value
    }
}
