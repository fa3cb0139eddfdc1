/// A bar chart of a ``Histogram``: one bar per bin, the x axis spanning exactly the histogram's range.
///
/// ```swift
/// let chart = HistogramChart(title: "layer 1", histogram: try Histogram(values, bins: 30, range: -1...1))
/// let svg = chart.svg()
/// ```
public struct HistogramChart: Chart {
    /// The title above the chart (none when empty).
    public var title: String
    /// The label of the x axis (the binned quantity).
    public var xLabel: String
    /// The label of the y axis.
    public var yLabel: String
    /// The bins drawn as bars.
    public var histogram: Histogram
    /// The colour of the bars.
    public var color: String

    /// Creates a bar chart of `histogram`.
    public init(title: String = "", xLabel: String = "", yLabel: String = "count", histogram: Histogram,
                color: String = SVGPlot.color(0)) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.histogram = histogram
        self.color = color
    }

    public func draw(on canvas: inout SVGCanvas, in frame: PlotRect) {
        let small = frame.width < 300
        let area = PlotArea(canvas: &canvas, frame: frame, title: title, xLabel: xLabel, yLabel: yLabel,
                            x: AxisScale(domain: histogram.lower...histogram.upper, tickCount: small ? 3 : 6),
                            y: AxisScale(fitting: histogram.counts.map(Double.init), tickCount: small ? 4 : 6, includingZero: true))
        for (bin, count) in histogram.counts.enumerated() where count > 0 {
            let left = histogram.lower + Double(bin) * histogram.binWidth
            let topLeft = area.point(x: left, y: Double(count))
            let bottomRight = area.point(x: left + histogram.binWidth, y: 0)
            canvas.rect(PlotRect(x: topLeft.x, y: topLeft.y, width: Swift.max(bottomRight.x - topLeft.x, 0.5),
                                 height: bottomRight.y - topLeft.y),
                        fill: color, stroke: "white", cssClass: "bar")
        }
    }
}
