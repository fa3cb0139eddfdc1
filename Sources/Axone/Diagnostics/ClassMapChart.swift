/// A map of class regions over a rectangle of the plane — a grid of class indices drawn as
/// light-coloured cells — with labelled points scattered on top (the usual picture of a 2-D
/// classifier's decision boundary; see ``DecisionBoundary``).
public struct ClassMapChart: Chart {
    /// One point drawn on top of the regions.
    public struct Point: Sendable, Equatable {
        /// The point's coordinates in the plane.
        public var x: Double, y: Double
        /// The class, choosing the colour.
        public var label: Int

        /// A point at (x, y) of class `label`.
        public init(x: Double, y: Double, label: Int) {
            self.x = x; self.y = y; self.label = label
        }
    }

    /// The title above the chart (none when empty).
    public var title: String
    /// The label of the x axis.
    public var xLabel: String
    /// The label of the y axis.
    public var yLabel: String
    /// The plane's extent along x and y.
    public var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    /// `regions[row][column]`: the class of each cell; row 0 is at the bottom (`yRange.lowerBound`),
    /// column 0 at the left.
    public var regions: [[Int]]
    /// The points drawn over the regions (the training examples, say).
    public var points: [Point]
    /// Names for the legend, by class index; empty for `class 0`, `class 1`, ….
    public var classNames: [String]

    /// Creates a map of `regions` (class indices on a grid over `xRange` × `yRange`) with `points`
    /// drawn on top.
    public init(title: String = "", xLabel: String = "x₁", yLabel: String = "x₂",
                xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, regions: [[Int]], points: [Point],
                classNames: [String] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.regions = regions
        self.points = points
        self.classNames = classNames
    }

    public func draw(on canvas: inout SVGCanvas, in frame: PlotRect) {
        let area = PlotArea(canvas: &canvas, frame: frame, title: title, xLabel: xLabel, yLabel: yLabel,
                            x: AxisScale(domain: xRange), y: AxisScale(domain: yRange))
        let rows = regions.count
        let cellHeight = area.inner.height / Double(Swift.max(rows, 1))
        for (row, classes) in regions.enumerated() where !classes.isEmpty {
            let cellWidth = area.inner.width / Double(Swift.max(classes.count, 1))
            let top = area.inner.maxY - Double(row + 1) * cellHeight
            // Neighbouring cells of the same class are merged into one rectangle per run; opaque
            // tints overlapping by half a pixel leave no anti-aliasing seams between rows.
            var start = 0
            for column in 1...classes.count where column == classes.count || classes[column] != classes[start] {
                canvas.rect(PlotRect(x: area.inner.x + Double(start) * cellWidth, y: top - (row + 1 < rows ? 0.5 : 0),
                                     width: Double(column - start) * cellWidth + (column < classes.count ? 0.5 : 0),
                                     height: cellHeight + (row + 1 < rows ? 0.5 : 0)),
                            fill: ClassMapChart.tint(SVGPlot.color(classes[start])), cssClass: "region")
                start = column
            }
        }
        for point in points {
            let p = area.point(x: point.x, y: point.y)
            guard p.x.isFinite, p.y.isFinite else { continue }
            canvas.circle(x: p.x, y: p.y, radius: 3, fill: SVGPlot.color(point.label), stroke: "#333", cssClass: "point")
        }
        let classes = Set(regions.joined() + points.map(\.label)).sorted()
        area.legend(classes.map { k in
            (k < classNames.count ? classNames[k] : "class \(k)", SVGPlot.color(k), false)
        }, canvas: &canvas)
    }

    /// A `#rrggbb` colour mixed with 72 % white: a light, opaque version for backgrounds.
    private static func tint(_ color: String) -> String {
        let value = Int(color.dropFirst(), radix: 16) ?? 0
        let channels = [16, 8, 0].map { shift -> String in
            let mixed = Int((Double((value >> shift) & 0xff) * 0.28 + 255 * 0.72).rounded())
            return String(mixed, radix: 16).leftPadded(to: 2)
        }
        return "#" + channels.joined()
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
