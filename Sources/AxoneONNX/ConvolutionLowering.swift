import Axone

/// How the channels-last image layers become ONNX operators.
///
/// Axone's images are `[batch, height, width, channels]` (Keras); ONNX's `Conv`, `MaxPool`,
/// `AveragePool` and the global pools read `[batch, channels, height, width]`. Each of these layers
/// is lowered as `Transpose(perm: [0, 3, 1, 2])` → the operator → `Transpose(perm: [0, 2, 3, 1])`
/// (the global pools end with `Flatten` instead, their output being `[batch, channels]`), so every
/// value between layers stays channels-last and `Flatten` keeps Axone's row-major `h, w, c` order.
extension GraphBuilder {
    /// `Conv` with the kernel, bias, strides, dilations and explicit pads, then the activation.
    mutating func applyConvolution(_ conv: Conv2D<Float>, path: String, inputShape: [Int]) throws {
        let (height, width) = try Self.imageSize(inputShape, path: path, type: conv.typeName)
        guard let kernel = conv.namedParameters().first(where: { $0.name == "kernel" })?.variable.value,
              kernel.rank == 4 else {
            throw ONNXExportError.notBuilt(path: path)
        }
        // The initializer keeps the Axone parameter's name (`<path>.kernel`) but NOT its layout:
        // Axone's kernel is [kh, kw, inC, outC] (Keras), ONNX's Conv weight is [outC, inC, kh, kw].
        let onnxKernel = addInitializer("\(path).kernel", try kernel.permuted([3, 2, 0, 1]))
        var operands = [onnxKernel]
        if conv.useBias { operands.append(try addParameter("bias", of: conv, path: path)) }
        let rows = Self.padding(height, window: conv.kernelSize.height, stride: conv.strides.height,
                                dilation: conv.dilation.height, padding: conv.padding)
        let columns = Self.padding(width, window: conv.kernelSize.width, stride: conv.strides.width,
                                   dilation: conv.dilation.width, padding: conv.padding)
        apply("Transpose", in: path, attributes: [.ints("perm", Self.toChannelsFirst)])
        apply("Conv", in: path, extraInputs: operands, attributes: [
            .ints("kernel_shape", [conv.kernelSize.height, conv.kernelSize.width].map(Int64.init)),
            .ints("strides", [conv.strides.height, conv.strides.width].map(Int64.init)),
            .ints("dilations", [conv.dilation.height, conv.dilation.width].map(Int64.init)),
            .ints("pads", [rows.before, columns.before, rows.after, columns.after].map(Int64.init)),
        ])
        apply("Transpose", in: path, attributes: [.ints("perm", Self.toChannelsLast)])
        applyActivation(conv.activation, in: path)
    }

    /// `MaxPool`, or `AveragePool` with `count_include_pad: 0` (Axone averages over the covered
    /// elements only), with explicit pads.
    mutating func applyPooling(_ pool: Pooling2D<Float>, path: String, inputShape: [Int]) throws {
        let (height, width) = try Self.imageSize(inputShape, path: path, type: pool.typeName)
        let rows = Self.padding(height, window: pool.poolSize.height, stride: pool.strides.height, dilation: 1, padding: pool.padding)
        let columns = Self.padding(width, window: pool.poolSize.width, stride: pool.strides.width, dilation: 1, padding: pool.padding)
        var attributes: [Onnx_AttributeProto] = [
            .ints("kernel_shape", [pool.poolSize.height, pool.poolSize.width].map(Int64.init)),
            .ints("strides", [pool.strides.height, pool.strides.width].map(Int64.init)),
            .ints("pads", [rows.before, columns.before, rows.after, columns.after].map(Int64.init)),
        ]
        let opType: String
        switch pool.mode {
        case .max: opType = "MaxPool"
        case .average:
            opType = "AveragePool"
            attributes.append(.int("count_include_pad", 0))
        }
        apply("Transpose", in: path, attributes: [.ints("perm", Self.toChannelsFirst)])
        apply(opType, in: path, attributes: attributes)
        apply("Transpose", in: path, attributes: [.ints("perm", Self.toChannelsLast)])
    }

    /// `GlobalMaxPool` or `GlobalAveragePool` (`[batch, c, 1, 1]`), then `Flatten(axis: 1)` to `[batch, c]`.
    mutating func applyGlobalPooling(_ pool: GlobalPooling2D<Float>, path: String, inputShape: [Int]) throws {
        _ = try Self.imageSize(inputShape, path: path, type: pool.typeName)
        apply("Transpose", in: path, attributes: [.ints("perm", Self.toChannelsFirst)])
        switch pool.mode {
        case .max: apply("GlobalMaxPool", in: path)
        case .average: apply("GlobalAveragePool", in: path)
        }
        apply("Flatten", in: path, attributes: [.int("axis", 1)])
    }

    /// `Pad` (constant zero) of the height and width axes, directly on the channels-last value.
    mutating func applyZeroPadding(_ padding: ZeroPadding2D<Float>, path: String, inputShape: [Int]) throws {
        _ = try Self.imageSize(inputShape, path: path, type: padding.typeName)
        // Opset 17's Pad takes all axes' pads: begins of [n, h, w, c], then their ends.
        let pads = addInitializer("\(path).pads", int64s: [0, padding.top, padding.left, 0,
                                                           0, padding.bottom, padding.right, 0].map(Int64.init))
        apply("Pad", in: path, extraInputs: [pads], attributes: [])
    }

    /// `[n, h, w, c]` → `[n, c, h, w]`.
    private static let toChannelsFirst: [Int64] = [0, 3, 1, 2]
    /// `[n, c, h, w]` → `[n, h, w, c]`.
    private static let toChannelsLast: [Int64] = [0, 2, 3, 1]

    /// The height and width of an example shape `[h, w, c]`.
    /// - Throws: ``ONNXExportError/unsupportedLayer(path:type:)`` for any other shape.
    private static func imageSize(_ shape: [Int], path: String, type: String) throws -> (Int, Int) {
        guard shape.count == 3 else { throw ONNXExportError.unsupportedLayer(path: path, type: type) }
        return (shape[0], shape[1])
    }

    /// The zeros added before and after an axis of size `n`: none for `valid`; for `same`,
    /// TensorFlow's split of the total `max((⌈n/stride⌉ − 1)·stride + span − n, 0)`, the extra one
    /// after (bottom/right), as Axone pads.
    private static func padding(_ n: Int, window: Int, stride: Int, dilation: Int, padding: Padding2D) -> (before: Int, after: Int) {
        switch padding {
        case .valid:
            return (0, 0)
        case .same:
            let span = (window - 1) * dilation + 1
            let output = (n + stride - 1) / stride
            let total = max((output - 1) * stride + span - n, 0)
            return (total / 2, total - total / 2)
        }
    }
}
