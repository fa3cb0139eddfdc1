import Axone

/// `Conv`, `MaxPool` and `AveragePool` on 2-D images as Axone's channels-last layers: the input
/// is taken channels-last (see ``ONNXImport`` on layouts), ONNX's explicit pads become a
/// ``ZeroPadding2D`` where zeros are what ONNX pads with, or Axone's `same` padding where that is
/// exactly ONNX's (pads split as TensorFlow does, pooled elements counted inside the image only).
extension ONNXGraphImporter {
    private static let convolutionAttributes: Set<String> = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"]
    private static let poolingAttributes: Set<String> = ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
                                                         "storage_order", "strides", "count_include_pad"]

    /// `Conv` with a constant `[M, C, kh, kw]` kernel, one group and an optional constant bias:
    /// ``Conv2D``; `nil` for another kernel or bias (computed by an ``ONNXOperatorLayer``).
    mutating func convolution(_ context: NodeContext, _ x: TensorValue, _ inputs: [ImportedValue?],
                              _ attributes: [String: ONNXAttribute]) throws -> TensorValue? {
        try checkAttributes(attributes, allowed: Self.convolutionAttributes, context)
        let window = window(attributes, context)
        guard try window.ints("group") ?? [1] == [1] else {
            throw context.refuse(attribute: "group", "must be 1 (grouped convolutions are not supported)")
        }
        guard let kernel = floatConstant(inputs, 1), kernel.rank == 4, x.standard.map({ $0.symbol.shape.count == 3 }) ?? true else { return nil }
        var bias: Tensor<Float>?
        if inputs.count > 2, inputs[2] != nil {
            guard let b = floatConstant(inputs, 2), b.shape == [kernel.shape[0]] else { return nil }
            bias = b
        }
        let input = try channelsLast(x, for: context)
        let (height, width, channels) = (input.symbol.shape[0], input.symbol.shape[1], input.symbol.shape[2])
        guard channels == kernel.shape[1] else { throw context.refuse("the kernel reads \(kernel.shape[1]) channels, the input has \(channels)") }
        let size = (kernel.shape[2], kernel.shape[3])
        if let shape = try window.ints("kernel_shape"), shape != [size.0, size.1] {
            throw context.refuse(attribute: "kernel_shape", "\(shape) differs from the kernel's \([size.0, size.1])")
        }
        let strides = try window.pair("strides"), dilations = try window.pair("dilations")
        let pads = try window.pads(input: (height, width), kernel: size, strides: strides, dilations: dilations)
        let name = layerName(context, weight: inputName(context, 1))
        var padded = input
        if pads.contains(where: { $0 != 0 }) {
            padded = try single(ZeroPadding2D<Float>(top: pads[0], bottom: pads[2], left: pads[1], right: pads[3], name: unique("\(name)_pad")),
                                on: input, context)
        }
        let layer = Conv2D<Float>(filters: kernel.shape[0], kernelSize: Size2D(size.0, size.1), strides: Size2D(strides.0, strides.1),
                                  dilation: Size2D(dilations.0, dilations.1), useBias: bias != nil, name: name)
        let output = try single(layer, on: padded, context)
        layer.kernel?.value = try kernel.permuted([2, 3, 1, 0])
        if let bias { layer.bias?.value = bias }
        return TensorValue(channelsLast: output)
    }

    /// `MaxPool` / `AveragePool` over 2-D windows: ``MaxPooling2D`` / ``AveragePooling2D`` where
    /// they compute exactly what ONNX does; `nil` otherwise (1-D, 3-D or dilated windows, explicit
    /// pads other than TensorFlow's `same`, except zeros counted by `AveragePool`; a `ceil_mode` that
    /// adds a window), for an ``ONNXOperatorLayer`` to compute.
    mutating func pooling(_ context: NodeContext, _ x: TensorValue, _ attributes: [String: ONNXAttribute]) throws -> TensorValue? {
        try checkAttributes(attributes, allowed: Self.poolingAttributes, context)
        let window = window(attributes, context)
        guard let kernel = try window.ints("kernel_shape"), kernel.allSatisfy({ $0 > 0 }) else {
            throw context.refuse(attribute: "kernel_shape", "must give a positive size per spatial axis")
        }
        guard kernel.count == 2, try window.ints("dilations") ?? [1, 1] == [1, 1] else { return nil }
        let image = x.channelsLast.map { [$0.symbol.shape[0], $0.symbol.shape[1]] }
            ?? x.standard.flatMap { $0.symbol.shape.count == 3 ? [$0.symbol.shape[1], $0.symbol.shape[2]] : nil }
        guard let image else { return nil }
        let (height, width) = (image[0], image[1])
        let strides = try window.pair("strides")
        let pads = try window.pads(input: (height, width), kernel: (kernel[0], kernel[1]), strides: strides, dilations: (1, 1))
        if try window.ints("ceil_mode") == [1] {
            for (size, k, s, before, after) in [(height, kernel[0], strides.0, pads[0], pads[2]), (width, kernel[1], strides.1, pads[1], pads[3])] {
                let span = size + before + after - k
                if span >= 0 && span % s != 0 { return nil }
            }
        }
        var padding = Padding2D.valid, zeroPadding = false
        if pads.contains(where: { $0 != 0 }) {
            let same = try ONNXWindow(attributes: ["auto_pad": .string("SAME_UPPER")], refuse: window.refuse)
                .pads(input: (height, width), kernel: (kernel[0], kernel[1]), strides: strides, dilations: (1, 1))
            if try context.op == "AveragePool" && window.ints("count_include_pad") == [1] {
                zeroPadding = true
            } else if pads == same {
                padding = .same
            } else {
                return nil
            }
        }
        let name = layerName(context)
        var source = try channelsLast(x, for: context)
        if zeroPadding {
            source = try single(ZeroPadding2D<Float>(top: pads[0], bottom: pads[2], left: pads[1], right: pads[3], name: unique("\(name)_pad")),
                                on: source, context)
        }
        let poolSize = Size2D(kernel[0], kernel[1]), step = Size2D(strides.0, strides.1)
        let layer: Layer<Float> = context.op == "MaxPool"
            ? MaxPooling2D<Float>(poolSize: poolSize, strides: step, padding: padding, name: name)
            : AveragePooling2D<Float>(poolSize: poolSize, strides: step, padding: padding, name: name)
        return TensorValue(channelsLast: try single(layer, on: source, context))
    }

    /// The window geometry of the node's attributes.
    private func window(_ attributes: [String: ONNXAttribute], _ context: NodeContext) -> ONNXWindow {
        ONNXWindow(attributes: attributes) { context.refuse(attribute: $0, $1) }
    }

    private func checkAttributes(_ attributes: [String: ONNXAttribute], allowed: Set<String>, _ context: NodeContext) throws {
        if let unknown = attributes.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw context.refuse(attribute: unknown, "is not supported")
        }
        if context.op == "MaxPool", context.node.output.count > 1, !context.node.output[1].isEmpty, readerCount(context.node.output[1]) > 0 {
            throw context.refuse("the Indices output is not supported")
        }
    }
}
