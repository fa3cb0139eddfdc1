import Axone

/// The operators that pad or slide windows over NCHW images (`Pad`, `MaxPool`, `AveragePool`,
/// `Conv` when the importer cannot use Axone's channels-last layers for them), computed on
/// channels-last copies with Axone's differentiable padding, pooling and convolution.
extension ONNXOperation {
    /// `Pad` in `constant` mode with non-negative pads `[begin…, end…]` over `axes` (all by default).
    func padded<Scalar>(_ x: Variable<Scalar>) throws -> Variable<Scalar> {
        guard attributes["mode"] == nil || attributes["mode"] == .string("constant") else {
            throw refuse("mode", "must be 'constant'")
        }
        let rank = x.shape.count
        let axes = try (ints("axes") ?? Array(0..<rank)).map { try axis($0, rank: rank, attribute: "axes") }
        guard let pads = try ints("pads"), pads.count == 2 * axes.count, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }),
              Set(axes).count == axes.count else {
            throw refuse("pads", "must be constant non-negative sizes, two per padded axis")
        }
        var padding = Array(repeating: (before: 0, after: 0), count: rank)
        for (i, a) in axes.enumerated() { padding[a] = (pads[i], pads[i + axes.count]) }
        try checkResult(zip(x.shape, padding).map { $0 + $1.before + $1.after })
        return try x.padded(padding, value: Scalar(try float("constant_value", default: 0)))
    }

    /// 2-D NCHW pooling with any pads and `ceil_mode`: the image moved channels-last and padded
    /// (ONNX's pads, plus the rows and columns a rounded-up output reads, but no window that
    /// would start in the end padding), pooled over `valid` windows, moved back. Max pooling pads
    /// with the lowest float; average pooling divides the windows' sums by how many of their
    /// elements ONNX counts (the image's, and the explicit pads' with `count_include_pad`).
    func pooled<Scalar>(_ x: Variable<Scalar>) throws -> Variable<Scalar> {
        let window = ONNXWindow(attributes: attributes, refuse: refuse)
        guard x.shape.count == 4 else { throw refuseInput("needs an image batch [N, C, H, W] (2-D pooling only), got \(x.shape)") }
        guard let kernel = try window.ints("kernel_shape"), kernel.count == 2, kernel.allSatisfy({ $0 > 0 }) else {
            throw refuse("kernel_shape", "must give two positive sizes (2-D pooling only)")
        }
        guard try window.pair("dilations") == (1, 1) else { throw refuse("dilations", "must be 1") }
        let strides = try window.pair("strides"), size = (x.shape[2], x.shape[3])
        let pads = try window.pads(input: size, kernel: (kernel[0], kernel[1]), strides: strides, dilations: (1, 1))
        var extra = [0, 0]
        if try window.ints("ceil_mode") == [1] {
            for (axis, (n, k, s)) in [(size.0, kernel[0], strides.0), (size.1, kernel[1], strides.1)].enumerated() {
                let padded = n + pads[axis] + pads[axis + 2]
                guard padded >= k else { throw refuseInput("the window \(kernel) is larger than the padded image") }
                var outputs = (padded - k + s - 1) / s + 1
                if (outputs - 1) * s >= n + pads[axis] { outputs -= 1 }
                extra[axis] = max((outputs - 1) * s + k - padded, 0)
            }
        }
        let padding: [(before: Int, after: Int)] = [(0, 0), (pads[0], pads[2] + extra[0]), (pads[1], pads[3] + extra[1]), (0, 0)]
        try checkResult([x.shape[0], size.0 + pads[0] + pads[2] + extra[0], size.1 + pads[1] + pads[3] + extra[1], x.shape[1]])
        let image = try x.permuted([0, 2, 3, 1])
        let poolSize = (kernel[0], kernel[1])
        if type == "MaxPool" {
            let padded = try image.padded(padding, value: -Scalar.greatestFiniteMagnitude)
            return try padded.pooled2D(.max, poolSize: poolSize, strides: strides).permuted([0, 3, 1, 2])
        }
        let means = try image.padded(padding).pooled2D(.average, poolSize: poolSize, strides: strides)
        // The share of each window that counts, from a mask of ones over the counted region.
        let includePad = try window.ints("count_include_pad") == [1]
        let counted = includePad ? [1, size.0 + pads[0] + pads[2], size.1 + pads[1] + pads[3], 1] : [1, size.0, size.1, 1]
        let maskPadding: [(before: Int, after: Int)] = includePad ? [(0, 0), (0, extra[0]), (0, extra[1]), (0, 0)] : padding
        let share = try Tensor<Scalar>(shape: counted, repeating: 1).padded(maskPadding)
        let shares = try Variable(share).pooled2D(.average, poolSize: poolSize, strides: strides)
        return try (means / shares).permuted([0, 3, 1, 2])
    }

    /// A 2-D NCHW convolution with one group: the image and kernel moved channels-last for
    /// ``Variable/convolution2D(_:kernel:bias:strides:padding:dilation:)``, the result moved back.
    func convolution<Scalar>(_ x: Variable<Scalar>, _ w: Variable<Scalar>, _ b: Variable<Scalar>?) throws -> Variable<Scalar> {
        guard x.shape.count == 4, w.shape.count == 4, x.shape[1] == w.shape[1] else {
            throw refuseInput("needs an image [N, C, H, W] and a kernel [M, C, kh, kw] (2-D convolutions only), got \(x.shape) and \(w.shape)")
        }
        let window = ONNXWindow(attributes: attributes, refuse: refuse)
        guard try window.ints("group") ?? [1] == [1] else { throw refuse("group", "must be 1 (grouped convolutions are not supported)") }
        if let shape = try window.ints("kernel_shape"), shape != [w.shape[2], w.shape[3]] {
            throw refuse("kernel_shape", "\(shape) differs from the kernel's \(Array(w.shape[2...]))")
        }
        let strides = try window.pair("strides"), dilations = try window.pair("dilations")
        let pads = try window.pads(input: (x.shape[2], x.shape[3]), kernel: (w.shape[2], w.shape[3]), strides: strides, dilations: dilations)
        var image = try x.permuted([0, 2, 3, 1])
        if pads.contains(where: { $0 != 0 }) {
            try checkResult([image.shape[0], image.shape[1] + pads[0] + pads[2], image.shape[2] + pads[1] + pads[3], image.shape[3]])
            image = try image.padded([(0, 0), (pads[0], pads[2]), (pads[1], pads[3]), (0, 0)])
        }
        let output = try Variable.convolution2D(image, kernel: try w.permuted([2, 3, 1, 0]), bias: b, strides: strides, dilation: dilations)
        return try output.permuted([0, 3, 1, 2])
    }
}
