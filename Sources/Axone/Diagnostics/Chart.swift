/// Something that draws itself — title, axes and content — inside a rectangle of an ``SVGCanvas``.
/// ``SVGPlot/grid(_:columns:cellWidth:cellHeight:title:)`` lays several charts out side by side.
public protocol Chart: Sendable {
    /// Draws the chart within `frame`.
    func draw(on canvas: inout SVGCanvas, in frame: PlotRect)
}

extension Chart {
    /// The chart alone as a standalone SVG document.
    public func svg(width: Double = 640, height: Double = 420) -> String {
        var canvas = SVGCanvas(width: width, height: height)
        draw(on: &canvas, in: PlotRect(x: 0, y: 0, width: width, height: height))
        return canvas.xml
    }
}

/// Layouts and colours shared by the charts.
public enum SVGPlot {
    /// Ten distinguishable colours (the Tableau palette), used in order for series and classes.
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// The colour of series or class `index` (the palette repeats after ten).
    public static func color(_ index: Int) -> String { palette[((index % palette.count) + palette.count) % palette.count] }

    /// Charts laid out in rows of `columns` cells of `cellWidth × cellHeight`, under an optional
    /// overall title — e.g. one small histogram per layer, like the seeds' figures.
    public static func grid(_ charts: [any Chart], columns: Int, cellWidth: Double = 440, cellHeight: Double = 340,
                            title: String? = nil) -> String {
        let columns = Swift.max(1, Swift.min(columns, charts.count))
        let rows = (charts.count + columns - 1) / columns
        let top = title == nil ? 0.0 : 30
        var canvas = SVGCanvas(width: Double(columns) * cellWidth, height: top + Double(Swift.max(rows, 1)) * cellHeight)
        if let title { canvas.text(title, x: canvas.width / 2, y: 20, size: 15, bold: true, cssClass: "title") }
        for (i, chart) in charts.enumerated() {
            let frame = PlotRect(x: Double(i % columns) * cellWidth, y: top + Double(i / columns) * cellHeight,
                                 width: cellWidth, height: cellHeight)
            chart.draw(on: &canvas, in: frame)
        }
        return canvas.xml
    }
}

/// The axes of one chart: draws the title, axis labels, ticks and grid lines around an inner
/// plotting area, and maps data coordinates to canvas coordinates inside it.
struct PlotArea {
    /// Where the data go.
    let inner: PlotRect
    let x: AxisScale, y: AxisScale

    /// Reserves room for the labels in `frame` (less in small frames) and draws the axes.
    init(canvas: inout SVGCanvas, frame: PlotRect, title: String, xLabel: String, yLabel: String,
         x: AxisScale, y: AxisScale) {
        let small = frame.width < 300
        let font = small ? 9.0 : 11.0
        inner = frame.inset(top: title.isEmpty ? 10 : font * 2.6, left: small ? 38 : 62,
                            bottom: xLabel.isEmpty ? font * 2.2 : font * 3.6, right: small ? 8 : 16)
        self.x = x
        self.y = y
        canvas.rect(inner, fill: "#fbfbfb", stroke: "#999", cssClass: "plot-area")
        if !title.isEmpty {
            canvas.text(title, x: inner.x + inner.width / 2, y: frame.y + font * 1.7, size: font + 2, bold: true, cssClass: "title")
        }
        for tick in x.ticks {
            let px = point(x: tick, y: y.domain.lowerBound).x
            canvas.line(x1: px, y1: inner.y, x2: px, y2: inner.maxY, stroke: "#e4e4e4", cssClass: "grid")
            canvas.line(x1: px, y1: inner.maxY, x2: px, y2: inner.maxY + 4, stroke: "#666", cssClass: "tick")
            canvas.text(x.label(tick), x: px, y: inner.maxY + 5 + font, size: font, cssClass: "tick-label")
        }
        for tick in y.ticks {
            let py = point(x: x.domain.lowerBound, y: tick).y
            canvas.line(x1: inner.x, y1: py, x2: inner.maxX, y2: py, stroke: "#e4e4e4", cssClass: "grid")
            canvas.line(x1: inner.x - 4, y1: py, x2: inner.x, y2: py, stroke: "#666", cssClass: "tick")
            canvas.text(y.label(tick), x: inner.x - 6, y: py + font / 3, size: font, anchor: .end, cssClass: "tick-label")
        }
        if !xLabel.isEmpty {
            canvas.text(xLabel, x: inner.x + inner.width / 2, y: inner.maxY + font * 3.1, size: font + 1, cssClass: "axis-label")
        }
        if !yLabel.isEmpty {
            let px = frame.x + font + 2, py = inner.y + inner.height / 2
            canvas.text(yLabel, x: px, y: py, size: font + 1, rotation: -90, cssClass: "axis-label")
        }
    }

    /// The canvas position of the data point (x, y); off-axis values (e.g. ≤ 0 on a log axis) are
    /// not finite.
    func point(x value: Double, y other: Double) -> (x: Double, y: Double) {
        (inner.x + x.fraction(of: value) * inner.width, inner.maxY - y.fraction(of: other) * inner.height)
    }

    /// A legend of coloured entries in the top-right corner of the plotting area.
    func legend(_ entries: [(name: String, color: String, dashed: Bool)], canvas: inout SVGCanvas) {
        guard !entries.isEmpty else { return }
        let font = inner.width < 250 ? 9.0 : 11.0
        let width = Double(entries.map(\.name.count).max() ?? 0) * font * 0.62 + 34
        let box = PlotRect(x: inner.maxX - width - 6, y: inner.y + 6, width: width, height: Double(entries.count) * (font + 5) + 6)
        canvas.rect(box, fill: "white", stroke: "#bbb", opacity: 0.85, cssClass: "legend")
        for (i, entry) in entries.enumerated() {
            let rowY = box.y + 4 + (Double(i) + 0.5) * (font + 5)
            canvas.line(x1: box.x + 6, y1: rowY, x2: box.x + 24, y2: rowY, stroke: entry.color, width: 2.5,
                        dashed: entry.dashed, cssClass: "legend-swatch")
            canvas.text(entry.name, x: box.x + 28, y: rowY + font / 3, size: font, anchor: .start, cssClass: "legend-entry")
        }
    }
}
