/// One row of a summary table: a layer's label, type, output shape and parameter counts.
struct SummaryRow {
    var label: String
    var type: String
    var outputShape: [Int]?
    var trainable: Int
    var nonTrainable: Int
}

/// A Keras-style table of `rows`: `Layer (type) | Output Shape | Param #`, then the total,
/// trainable and non-trainable parameter counts.
func summaryTable(name: String?, rows: [SummaryRow]) -> String {
    let widths = (name: 29, shape: 26, count: 12)
    let rule = String(repeating: "─", count: widths.name + widths.shape + widths.count)
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    func padLeft(_ s: String, _ n: Int) -> String { String(repeating: " ", count: Swift.max(n - s.count, 0)) + s }
    var lines = ["Model: \"\(name ?? "sequential")\"", rule,
                 pad(" Layer (type)", widths.name) + pad("Output Shape", widths.shape) + padLeft("Param #", widths.count - 1),
                 String(repeating: "═", count: rule.count)]
    for row in rows {
        let shape = row.outputShape.map { "(None, " + $0.map(String.init).joined(separator: ", ") + ")" } ?? "?"
        lines.append(pad(" \(row.label) (\(row.type))", widths.name) + pad(shape, widths.shape)
                     + padLeft(groupedThousands(row.trainable + row.nonTrainable), widths.count - 1))
    }
    let trainable = rows.map(\.trainable).reduce(0, +), nonTrainable = rows.map(\.nonTrainable).reduce(0, +)
    lines += [String(repeating: "═", count: rule.count),
              " Total params: \(groupedThousands(trainable + nonTrainable))",
              " Trainable params: \(groupedThousands(trainable))",
              " Non-trainable params: \(groupedThousands(nonTrainable))",
              rule]
    return lines.joined(separator: "\n")
}

/// Keras-style names: the layer's own name, else its snake-cased type numbered per type
/// (`dense`, `dense_1`, `activation`, …).
func autoNames(_ layers: [(name: String?, type: String)]) -> [String] {
    var seen: [String: Int] = [:]
    return layers.map { layer in
        if let name = layer.name { return name }
        let base = snakeCase(layer.type)
        let n = seen[base, default: 0]
        seen[base] = n + 1
        return n == 0 ? base : "\(base)_\(n)"
    }
}

extension Sequential {
    /// A Keras-style table of the layers: `Layer (type) | Output Shape | Param #`, then the total,
    /// trainable and non-trainable parameter counts (BatchNorm running statistics and frozen
    /// layers count as non-trainable). ``Architecture/summary(name:)`` prints the same table
    /// without creating the weights.
    public func summary() -> String {
        let labels = autoNames(layers.map { ($0.name, $0.typeName) })
        let rows = layers.indices.map { index in
            SummaryRow(label: labels[index], type: layers[index].typeName,
                       outputShape: index < outputShapes.count ? outputShapes[index] : nil,
                       trainable: layers[index].trainableParameterCount, nonTrainable: layers[index].nonTrainableParameterCount)
        }
        return summaryTable(name: name, rows: rows)
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
