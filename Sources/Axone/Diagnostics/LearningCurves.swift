/// Learning curves (seed 001, "toujours visualiser les courbes d'apprentissage et de validation"):
/// training and validation values per epoch, one panel per logged quantity — loss first, then
/// accuracy and any other metric. The learning rate `lr` is not plotted.
///
/// Reading them: validation loss rising while training loss falls is over-fitting; both high and
/// flat is under-fitting (or a learning rate far too small); a loss that jumps about or grows is a
/// learning rate too large.
///
/// ```swift
/// let history = try model.fit(x, y, epochs: 20, validationSplit: 0.2)
/// try LearningCurves.svg(history: history).write(toFile: "curves.svg", atomically: true, encoding: .utf8)
/// ```
public enum LearningCurves {
    /// One chart per quantity (`loss`, `accuracy`, …), each with its training curve (solid) and its
    /// `val_` curve (dashed) when logged.
    public static func charts(history: History) -> [LineChart] {
        var families: [String] = []
        for key in history.keys where key != "lr" {
            let base = key.hasPrefix("val_") ? String(key.dropFirst(4)) : key
            if !families.contains(base) { families.append(base) }
        }
        if let loss = families.firstIndex(of: "loss") { families.insert(families.remove(at: loss), at: 0) }
        let epochs = history.epochs.map(Double.init)
        return families.map { family in
            let series = [(family, false), ("val_" + family, true)].compactMap { key, dashed -> LineChart.Series? in
                let values = history[key]
                guard !values.isEmpty else { return nil }
                return .init(name: key, x: Array(epochs.prefix(values.count)), y: values, dashed: dashed,
                             color: SVGPlot.color(dashed ? 1 : 0))
            }
            return LineChart(title: family == "loss" ? "Loss" : family, xLabel: "epoch", yLabel: family, series: series,
                             yIncludesZero: family.contains("accuracy"))
        }
    }

    /// The learning curves side by side in one SVG document (an empty history gives an empty loss panel).
    public static func svg(history: History, title: String = "Learning curves",
                           panelWidth: Double = 460, panelHeight: Double = 340) -> String {
        let charts = charts(history: history)
        return SVGPlot.grid(charts.isEmpty ? [LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss", series: [])] : charts,
                            columns: Swift.min(Swift.max(charts.count, 1), 3),
                            cellWidth: panelWidth, cellHeight: panelHeight, title: title)
    }

    /// The learning curves of a training log in the Keras CSVLogger layout (see ``History/init(csvString:)``).
    /// - Throws: ``HistoryCSVError`` when the log is malformed.
    public static func svg(csvString: String, title: String = "Learning curves") throws -> String {
        svg(history: try History(csvString: csvString), title: title)
    }
}
