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
