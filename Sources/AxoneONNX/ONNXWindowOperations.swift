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

    /// `MaxPool` / `AveragePool` over any number of spatial axes (`[N, C, spatial…]`), with any pads,
    /// dilations and `ceil_mode`: the input padded (ONNX's pads, plus what a rounded-up last window
    /// reads), then pooled over its windows. Max pooling pads with the lowest float; average
    /// pooling divides the windows' means by the share of their elements ONNX counts (the image's,
    /// and the explicit pads' with `count_include_pad`), found by pooling a mask the same way.
    func pooled<Scalar>(_ x: Variable<Scalar>) throws -> Variable<Scalar> {
        let window = ONNXWindow(attributes: attributes, refuse: refuse)
        let spatial = x.shape.count - 2
        guard spatial >= 1 else { throw refuseInput("needs a batch [N, C, spatial…] with a spatial axis, got \(x.shape)") }
        guard let kernel = try window.ints("kernel_shape"), kernel.count == spatial, kernel.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }) else {
            throw refuse("kernel_shape", "must give \(spatial) positive sizes, one per spatial axis of the input \(x.shape)")
        }
        let strides = try window.sizes("strides", count: spatial), dilations = try window.sizes("dilations", count: spatial)
        let sizes = Array(x.shape[2...])
        let pads = try window.pads(input: sizes, kernel: kernel, strides: strides, dilations: dilations)
        let ceil = try window.ints("ceil_mode") == [1]
        let axes = try sizes.indices.map {
            try ONNXWindowAxis(size: sizes[$0], kernel: kernel[$0], stride: strides[$0], dilation: dilations[$0],
                               before: pads[$0], after: pads[$0 + spatial], ceil: ceil)
        }
        try checkResult(Array(x.shape[..<2]) + axes.map { $0.size + $0.before + $0.after + $0.extra })
        let padding: [(before: Int, after: Int)] = [(0, 0), (0, 0)] + axes.map { ($0.before, $0.after + $0.extra) }
        if type == "MaxPool" {
            return try Self.windows(try x.padded(padding, value: -Scalar.greatestFiniteMagnitude), axes, max: true)
        }
        let means = try Self.windows(try x.padded(padding), axes, max: false)
        let includePad = try window.ints("count_include_pad") == [1]
        let counted = [1, 1] + axes.map { includePad ? $0.size + $0.before + $0.after : $0.size }
        let maskPadding: [(before: Int, after: Int)] = includePad ? [(0, 0), (0, 0)] + axes.map { (0, $0.extra) } : padding
        let mask = try Tensor<Scalar>(shape: counted, repeating: 1).padded(maskPadding)
        return try means / Self.windows(Variable(mask), axes, max: false)
    }

    /// The max or the mean of each window of an `[N, C, spatial…]` tensor padded for `axes`:
    /// Axone's channels-last 2-D pooling for undilated 2-D windows, otherwise one spatial axis at a
    /// time (both reductions are separable), each window element a strided slice.
    private static func windows<Scalar>(_ padded: Variable<Scalar>, _ axes: [ONNXWindowAxis], max: Bool) throws -> Variable<Scalar> {
        if axes.count == 2, axes.allSatisfy({ $0.dilation == 1 }) {
            let image = try padded.permuted([0, 2, 3, 1])
            return try image.pooled2D(max ? .max : .average, poolSize: (axes[0].kernel, axes[1].kernel),
                                      strides: (axes[0].stride, axes[1].stride)).permuted([0, 3, 1, 2])
        }
        var y = padded
        for (i, axis) in axes.enumerated() {
            let taps = try (0..<axis.kernel).map {
                try y.strided(alongAxis: i + 2, from: $0 * axis.dilation, step: axis.stride, count: axis.outputs)
            }
            y = taps.dropFirst().reduce(taps[0]) { max ? $0.maximum($1) : $0 + $1 }
        }
        return max ? y : y * (1 / Scalar(axes.reduce(1) { $0 * $1.kernel }))
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

extension Variable {
    /// The `count` elements along `axis` from `start`, `step` apart: a slice, then (for steps over
    /// one) padded to whole steps, split into `[count, step]` and cut to each step's first element.
    func strided(alongAxis axis: Int, from start: Int, step: Int, count: Int) throws -> Variable {
        let slice = try self.slice(alongAxis: axis, range: start..<(start + step * (count - 1) + 1))
        guard step > 1 else { return slice }
        var padding = Array(repeating: (before: 0, after: 0), count: shape.count)
        padding[axis].after = step - 1
        var split = slice.shape
        split[axis] = count
        split.insert(step, at: axis + 1)
        var result = shape
        result[axis] = count
        return try slice.padded(padding).reshaped(split).slice(alongAxis: axis + 1, range: 0..<1).reshaped(result)
    }
}
