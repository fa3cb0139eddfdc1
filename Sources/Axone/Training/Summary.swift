/// One row of a summary table: a layer's label, type, output shape, parameter counts and, in a
/// graph model, the tensors it was called on.
struct SummaryRow {
    var label: String
    var type: String
    /// The shape of each output (one for most layers); `nil` when not built.
    var outputShapes: [[Int]]?
    var trainable: Int
    var nonTrainable: Int
    /// For a graph model: the tensors each call of the layer read (`dense[0][0]`); `[]` for an input.
    var connectedTo: [String]? = nil
}

/// A Keras-style table of `rows`: `Layer (type) | Output Shape | Param #` (and `Connected to` for a
/// graph model), then the total, trainable and non-trainable parameter counts.
func summaryTable(name: String?, rows: [SummaryRow]) -> String {
    let connected = rows.contains { $0.connectedTo != nil }
    let widths = (name: 29, shape: 26, count: 12, connected: connected ? 30 : 0)
    let rule = String(repeating: "─", count: widths.name + widths.shape + widths.count + widths.connected)
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    func padLeft(_ s: String, _ n: Int) -> String { String(repeating: " ", count: Swift.max(n - s.count, 0)) + s }
    var lines = ["Model: \"\(name ?? (connected ? "functional" : "sequential"))\"", rule,
                 pad(" Layer (type)", widths.name) + pad("Output Shape", widths.shape) + padLeft("Param #", widths.count - 1)
                    + (connected ? "   Connected to" : ""),
                 String(repeating: "═", count: rule.count)]
    func shape(_ s: [Int]) -> String { "(None, " + s.map(String.init).joined(separator: ", ") + ")" }
    for row in rows {
        let shapes = row.outputShapes.map { $0.count == 1 ? shape($0[0]) : "[" + $0.map(shape).joined(separator: ", ") + "]" } ?? "?"
        var line = pad(" \(row.label) (\(row.type))", widths.name) + pad(shapes, widths.shape)
            + padLeft(groupedThousands(row.trainable + row.nonTrainable), widths.count - 1)
        guard let sources = row.connectedTo else { lines.append(line); continue }
        line += "   " + (sources.first ?? "-")
        lines.append(line)
        for source in sources.dropFirst() {
            lines.append(String(repeating: " ", count: widths.name + widths.shape + widths.count + 2) + source)
        }
    }
    let trainable = rows.map(\.trainable).reduce(0, +), nonTrainable = rows.map(\.nonTrainable).reduce(0, +)
    lines += [String(repeating: "═", count: rule.count),
              " Total params: \(groupedThousands(trainable + nonTrainable))",
              " Trainable params: \(groupedThousands(trainable))",
              " Non-trainable params: \(groupedThousands(nonTrainable))",
              rule]
    return lines.joined(separator: "\n")
}

extension Model {
    /// The table a graph model's ``summary()`` prints: its inputs, then each layer once, with the
    /// tensors every call of it read.
    var graphSummary: String {
        guard let graph else { return summaryTable(name: name, rows: []) }
        let rows = graph.inputs.map { input in
            SummaryRow(label: graph.name(of: input.node.layer), type: "InputLayer", outputShapes: [input.shape],
                       trainable: 0, nonTrainable: 0, connectedTo: [])
        } + graph.layers.map { layer in
            let calls = graph.nodes.filter { $0.layer === layer }
            return SummaryRow(label: graph.name(of: layer), type: layer.typeName, outputShapes: calls.first?.outputShapes,
                              trainable: layer.trainableParameterCount, nonTrainable: layer.nonTrainableParameterCount,
                              connectedTo: calls.flatMap { $0.inputs.map(graph.reference(to:)) })
        }
        return summaryTable(name: name, rows: rows)
    }
}

/// `n` with its thousands grouped by commas, as ``Model/summary()`` prints parameter counts:
/// `7850` → `7,850`.
public func groupedThousands(_ n: Int) -> String {
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
