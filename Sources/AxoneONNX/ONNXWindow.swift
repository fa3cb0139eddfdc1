/// The geometry of a 2-D window operator (`Conv`, `MaxPool`, `AveragePool`) from its attributes:
/// strides, dilations and the explicit pads that `pads` or `auto_pad` stand for.
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

    /// A two-element positive attribute (`strides`, `dilations`), 1 × 1 by default.
    func pair(_ key: String) throws -> (Int, Int) {
        guard let values = try ints(key) else { return (1, 1) }
        guard values.count == 2, values.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }) else {
            throw refuse(key, "must be two positive sizes (2-D only), got \(values)")
        }
        return (values[0], values[1])
    }

    /// The pads `[top, left, bottom, right]` for an image of `input` (height, width).
    func pads(input: (Int, Int), kernel: (Int, Int), strides: (Int, Int), dilations: (Int, Int)) throws -> [Int] {
        let mode: String
        switch attributes["auto_pad"] {
        case nil: mode = "NOTSET"
        case .string(let m)?: mode = m
        default: throw refuse("auto_pad", "must be a string")
        }
        switch mode {
        case "NOTSET":
            let pads = try ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else {
                throw refuse("pads", "must be four non-negative sizes, got \(pads)")
            }
            return pads
        case "VALID": return [0, 0, 0, 0]
        case "SAME_UPPER", "SAME_LOWER":
            let totals = [(input.0, kernel.0, strides.0, dilations.0), (input.1, kernel.1, strides.1, dilations.1)].map { n, k, s, d in
                let out = (n + s - 1) / s
                return max((out - 1) * s + (k - 1) * d + 1 - n, 0)
            }
            let small = totals.map { $0 / 2 }, large = zip(totals, small).map { $0 - $1 }
            return mode == "SAME_UPPER" ? small + large : large + small
        default: throw refuse("auto_pad", "'\(mode)' is not an ONNX padding mode")
        }
    }
}
