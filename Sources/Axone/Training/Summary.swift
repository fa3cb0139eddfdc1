extension Sequential {
    /// A Keras-style table of the layers: `Layer (type) | Output Shape | Param #`, then the total,
    /// trainable and non-trainable parameter counts (BatchNorm running statistics and frozen
    /// layers count as non-trainable).
    public func summary() -> String {
        let widths = (name: 29, shape: 26, count: 12)
        let rule = String(repeating: "─", count: widths.name + widths.shape + widths.count)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        func padLeft(_ s: String, _ n: Int) -> String { String(repeating: " ", count: Swift.max(n - s.count, 0)) + s }
        var lines = ["Model: \"\(name ?? "sequential")\"", rule,
                     pad(" Layer (type)", widths.name) + pad("Output Shape", widths.shape) + padLeft("Param #", widths.count - 1),
                     String(repeating: "═", count: rule.count)]
        for (layer, label) in zip(layers, Sequential.autoNames(layers)) {
            let index = layers.firstIndex { $0 === layer }!
            let shape = index < outputShapes.count ? "(None, " + outputShapes[index].map(String.init).joined(separator: ", ") + ")" : "?"
            let count = layer.trainableParameterCount + layer.nonTrainableParameterCount
            lines.append(pad(" \(label) (\(layer.typeName))", widths.name) + pad(shape, widths.shape)
                         + padLeft(groupedThousands(count), widths.count - 1))
        }
        lines += [String(repeating: "═", count: rule.count),
                  " Total params: \(groupedThousands(trainableParameterCount + nonTrainableParameterCount))",
                  " Trainable params: \(groupedThousands(trainableParameterCount))",
                  " Non-trainable params: \(groupedThousands(nonTrainableParameterCount))",
                  rule]
        return lines.joined(separator: "\n")
    }

    /// Keras-style names: the layer's own name, else its snake-cased type numbered per type
    /// (`dense`, `dense_1`, `activation`, …).
    static func autoNames(_ layers: [Layer<Scalar>]) -> [String] {
        var seen: [String: Int] = [:]
        return layers.map { layer in
            if let name = layer.name { return name }
            let base = snakeCase(layer.typeName)
            let n = seen[base, default: 0]
            seen[base] = n + 1
            return n == 0 ? base : "\(base)_\(n)"
        }
    }
}

/// `BatchNormalization` → `batch_normalization`.
func snakeCase(_ name: String) -> String {
    var result = ""
    for (i, c) in name.enumerated() {
        if c.isUppercase && i > 0 && !(name[name.index(name.startIndex, offsetBy: i - 1)].isUppercase) { result += "_" }
        result += c.lowercased()
    }
    return result
}

/// `7850` → `7,850`.
func groupedThousands(_ n: Int) -> String {
    let digits = String(Swift.abs(n))
    var groups: [String] = []
    var end = digits.endIndex
    while end > digits.startIndex {
        let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
        groups.insert(String(digits[start..<end]), at: 0)
        end = start
    }
    return (n < 0 ? "-" : "") + groups.joined(separator: ",")
}
