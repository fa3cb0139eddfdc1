/// A line chart of one or more series, with axes, round ticks, axis labels, a legend and a title.
///
/// ```swift
/// let chart = LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss", series: [
///     .init(name: "loss", x: [0, 1, 2], y: [2.3, 1.1, 0.7]),
///     .init(name: "val_loss", x: [0, 1, 2], y: [2.3, 1.3, 1.0], dashed: true),
/// ])
/// let svg = chart.svg(width: 640, height: 420)
/// ```
public struct LineChart: Chart {
    /// One named line.
    public struct Series: Sendable {
        /// The name shown in the legend.
        public var name: String
        /// The points in drawing order; non-finite points (and non-positive ones on a log axis)
        /// break the line.
        public var points: [(x: Double, y: Double)]
        /// Drawn dashed (e.g. a validation curve).
        public var dashed: Bool
        /// The colour; `nil` takes the next palette colour.
        public var color: String?

        /// A line through the points `(x[i], y[i])` (`x` and `y` of the same length); non-finite values
        /// break the line.
        public init(name: String, x: [Double], y: [Double], dashed: Bool = false, color: String? = nil) {
            precondition(x.count == y.count, "LineChart.Series: \(x.count) x values for \(y.count) y values")
            self.name = name
            self.points = Array(zip(x, y)).map { (x: $0.0, y: $0.1) }
            self.dashed = dashed
            self.color = color
        }
    }

    /// The title above the chart (none when empty).
    public var title: String
    /// The label of the x axis.
    public var xLabel: String
    /// The label of the y axis.
    public var yLabel: String
    /// The lines, drawn in order.
    public var series: [Series]
    /// Linear or logarithmic y axis (use a log axis for quantities spanning decades).
    public var yScale: AxisScale.Kind
    /// Whether the y axis starts at zero (for linear axes).
    public var yIncludesZero: Bool

    /// Creates a chart of `series` with axes fitted to their points.
    public init(title: String = "", xLabel: String = "", yLabel: String = "", series: [Series],
                yScale: AxisScale.Kind = .linear, yIncludesZero: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.yScale = yScale
        self.yIncludesZero = yIncludesZero
    }

    public func draw(on canvas: inout SVGCanvas, in frame: PlotRect) {
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        let area = PlotArea(canvas: &canvas, frame: frame, title: title, xLabel: xLabel, yLabel: yLabel,
                            x: AxisScale(fitting: xs, tickCount: frame.width < 300 ? 4 : 7),
                            y: AxisScale(fitting: ys, kind: yScale, tickCount: frame.height < 250 ? 4 : 6,
                                         includingZero: yIncludesZero))
        var legend: [(name: String, color: String, dashed: Bool)] = []
        for (index, line) in series.enumerated() {
            let color = line.color ?? SVGPlot.color(index)
            for piece in Self.finiteRuns(line.points.map { area.point(x: $0.x, y: $0.y) }) {
                if piece.count == 1 {
                    canvas.circle(x: piece[0].x, y: piece[0].y, radius: 2.5, fill: color, cssClass: "marker")
                } else {
                    canvas.polyline(piece, stroke: color, dashed: line.dashed, cssClass: "series")
                }
            }
            legend.append((line.name, color, line.dashed))
        }
        area.legend(legend, canvas: &canvas)
    }

    /// The maximal runs of consecutive points with finite coordinates.
    private static func finiteRuns(_ points: [(x: Double, y: Double)]) -> [[(x: Double, y: Double)]] {
        var runs: [[(x: Double, y: Double)]] = [[]]
        for p in points {
            if p.x.isFinite && p.y.isFinite { runs[runs.count - 1].append(p) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        return runs.filter { !$0.isEmpty }
    }
}
