/// The geometry of a window operator (`Conv`, `MaxPool`, `AveragePool`) over any number of
/// spatial axes, from its attributes: strides, dilations and the explicit pads that `pads` or
/// `auto_pad` stand for.
struct ONNXWindow {
    let attributes: [String: ONNXAttribute]
    /// Makes the error for an attribute (name, reason).
    let refuse: (String, String) -> ONNXImportError

    /// An integer list attribute (a single `int` reads as a one-element list).
    func ints(_ key: String) throws -> [Int]? {
        switch attributes[key] {
        case nil: return nil
        case .int(let v)?: return [v]
        case .ints(let v)?: return v
        default: throw refuse(key, "must be integers")
        }
    }

    /// A positive size per spatial axis (`strides`, `dilations`), 1 on each by default.
    func sizes(_ key: String, count: Int) throws -> [Int] {
        guard let values = try ints(key) else { return Array(repeating: 1, count: count) }
        guard values.count == count, values.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }) else {
            throw refuse(key, "must be \(count) positive sizes, one per spatial axis, got \(values)")
        }
        return values
    }

    /// ``sizes(_:count:)`` of a 2-D window as a pair.
    func pair(_ key: String) throws -> (Int, Int) {
        let values = try sizes(key, count: 2)
        return (values[0], values[1])
    }

    /// The pads `[begin…, end…]` (one of each per spatial axis) for an image of sizes `input`.
    func pads(input: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws -> [Int] {
        let mode: String
        switch attributes["auto_pad"] {
        case nil: mode = "NOTSET"
        case .string(let m)?: mode = m
        default: throw refuse("auto_pad", "must be a string")
        }
        switch mode {
        case "NOTSET":
            let pads = try ints("pads") ?? Array(repeating: 0, count: 2 * input.count)
            guard pads.count == 2 * input.count, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else {
                throw refuse("pads", "must be \(2 * input.count) non-negative sizes (a begin and an end per spatial axis), got \(pads)")
            }
            return pads
        case "VALID": return Array(repeating: 0, count: 2 * input.count)
        case "SAME_UPPER", "SAME_LOWER":
            let totals = input.indices.map { i in
                let out = (input[i] + strides[i] - 1) / strides[i]
                return max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i], 0)
            }
            let small = totals.map { $0 / 2 }, large = zip(totals, small).map { $0 - $1 }
            return mode == "SAME_UPPER" ? small + large : large + small
        default: throw refuse("auto_pad", "'\(mode)' is not an ONNX padding mode")
        }
    }

    /// ``pads(input:kernel:strides:dilations:)`` of a 2-D window: `[top, left, bottom, right]`.
    func pads(input: (Int, Int), kernel: (Int, Int), strides: (Int, Int), dilations: (Int, Int)) throws -> [Int] {
        try pads(input: [input.0, input.1], kernel: [kernel.0, kernel.1], strides: [strides.0, strides.1],
                 dilations: [dilations.0, dilations.1])
    }
}

/// One spatial axis of a pooling window: how much it is padded at each end and how many windows
/// it holds. `extra` is the padding beyond ONNX's own that `ceil_mode` reads (never counted).
struct ONNXWindowAxis {
    let size: Int, kernel: Int, stride: Int, dilation: Int
    let before: Int, after: Int, extra: Int
    let outputs: Int

    /// The axis of `size` elements with the window's geometry; with `ceil`, a last partial window
    /// is kept when it starts inside the image or the begin padding (ONNX's rule).
    init(size: Int, kernel: Int, stride: Int, dilation: Int, before: Int, after: Int, ceil: Bool) throws {
        let span = (kernel - 1) * dilation + 1, padded = size + before + after
        guard padded >= span else { throw ONNXWindowError.windowLargerThanImage(span: span, padded: padded) }
        var outputs = (padded - span) / stride + 1
        if ceil && (padded - span) % stride != 0 {
            outputs += 1
            if (outputs - 1) * stride >= size + before { outputs -= 1 }
        }
        (self.size, self.kernel, self.stride, self.dilation, self.before, self.after) = (size, kernel, stride, dilation, before, after)
        extra = max((outputs - 1) * stride + span - padded, 0)
        self.outputs = outputs
    }
}

/// Why a window does not fit its image.
enum ONNXWindowError: Error, CustomStringConvertible {
    case windowLargerThanImage(span: Int, padded: Int)

    var description: String {
        switch self {
        case .windowLargerThanImage(let span, let padded): "a window spanning \(span) elements is larger than the padded image (\(padded))"
        }
    }
}
