// 2-D windows over channels-last images `[batch, height, width, channels]`: where a window lands
// (Keras's `valid`/`same` padding, strides, dilation), and the im2col / col2im passes that turn a
// convolution into one matrix product. Each pass is one loop over the windows copying or adding
// whole channel rows, with no allocation inside the loop.

/// How a 2-D window sweep treats the image borders (Keras's `padding`).
public enum Padding2D: String, Sendable, Codable, CaseIterable {
    /// No padding: windows lie wholly inside the image; the output has `⌊(n − span)/s⌋ + 1` positions.
    case valid
    /// `⌈n/s⌉` output positions; the image is padded by `max((⌈n/s⌉ − 1)·s + span − n, 0)` in
    /// total, the odd one on the bottom/right, as TensorFlow does.
    case same
}

/// Where the windows of a 2-D sweep land on an image of one height and width: the output size and
/// the padding before the first row and column. `span = (k − 1)·d + 1` is a dilated window's extent.
struct Window2D: Equatable, Sendable {
    let inputHeight: Int, inputWidth: Int
    let kernelHeight: Int, kernelWidth: Int
    let strideY: Int, strideX: Int
    let dilationY: Int, dilationX: Int
    let outputHeight: Int, outputWidth: Int
    let padTop: Int, padLeft: Int

    /// The geometry of `kernel` windows moved by `strides` over an `input` (height, width) image.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when a size, stride or dilation is not
    ///   positive, or a `valid` window is larger than the image.
    init(input: (height: Int, width: Int), kernel: (Int, Int), strides: (Int, Int), dilation: (Int, Int),
         padding: Padding2D, operation: String) throws {
        guard [kernel.0, kernel.1, strides.0, strides.1, dilation.0, dilation.1].allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidArgument(
                "\(operation): window \(kernel), strides \(strides) and dilation \(dilation) must be positive")
        }
        let rows = Window2D.axis(input.height, kernel: kernel.0, stride: strides.0, dilation: dilation.0, padding: padding)
        let columns = Window2D.axis(input.width, kernel: kernel.1, stride: strides.1, dilation: dilation.1, padding: padding)
        guard rows.output > 0, columns.output > 0 else {
            throw TensorError.invalidArgument(
                "\(operation): a \(kernel) window with dilation \(dilation) does not fit a \(input.height)×\(input.width) image with \(padding) padding")
        }
        (inputHeight, inputWidth) = input
        (kernelHeight, kernelWidth) = kernel
        (strideY, strideX) = strides
        (dilationY, dilationX) = dilation
        (outputHeight, outputWidth) = (rows.output, columns.output)
        (padTop, padLeft) = (rows.padBefore, columns.padBefore)
    }

    /// The number of output positions along one axis of size `n` and the padding before its first entry.
    static func axis(_ n: Int, kernel: Int, stride: Int, dilation: Int, padding: Padding2D) -> (output: Int, padBefore: Int) {
        let span = (kernel - 1) * dilation + 1
        switch padding {
        case .valid:
            return (n >= span ? (n - span) / stride + 1 : 0, 0)
        case .same:
            let output = (n + stride - 1) / stride
            return (output, max((output - 1) * stride + span - n, 0) / 2)
        }
    }
}
