import Foundation

/// A rectangle in SVG user units (pixels), origin at the top left, y growing downwards.
public struct PlotRect: Sendable, Equatable {
    /// The top-left corner and the size.
    public var x: Double, y: Double, width: Double, height: Double

    /// A rectangle with its top-left corner at (x, y).
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    /// The x coordinate of the right edge.
    public var maxX: Double { x + width }
    /// The y coordinate of the bottom edge.
    public var maxY: Double { y + height }

    /// The rectangle shrunk by the given margins.
    public func inset(top: Double, left: Double, bottom: Double, right: Double) -> PlotRect {
        PlotRect(x: x + left, y: y + top, width: Swift.max(width - left - right, 1), height: Swift.max(height - top - bottom, 1))
    }
}

/// Builds a standalone SVG 1.1 document one element at a time; every text and attribute value
/// is XML-escaped. The charts (``LineChart``, ``HistogramChart``, ``ClassMapChart``) draw on it.
///
/// ```swift
/// var canvas = SVGCanvas(width: 200, height: 100)
/// canvas.rect(PlotRect(x: 10, y: 10, width: 50, height: 20), fill: "#1f77b4")
/// canvas.text("a < b", x: 100, y: 50)
/// let svg = canvas.xml          // "<?xml version=\"1.0\" …"
/// ```
public struct SVGCanvas: Sendable {
    /// How text is aligned on its anchor point.
    public enum TextAnchor: String, Sendable { case start, middle, end }

    /// The document's size.
    public let width: Double, height: Double
    private var elements: [String] = []

    /// Creates an empty canvas with a white background.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
        rect(PlotRect(x: 0, y: 0, width: width, height: height), fill: "white", cssClass: "background")
    }

    /// Adds a rectangle.
    public mutating func rect(_ r: PlotRect, fill: String, stroke: String? = nil, opacity: Double? = nil,
                              cssClass: String? = nil) {
        add("rect", ["x": r.x, "y": r.y, "width": r.width, "height": r.height].numbers,
            ["fill": fill, "stroke": stroke, "fill-opacity": opacity.map(SVGCanvas.format), "class": cssClass])
    }

    /// Adds a straight line.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "black",
                              width: Double = 1, dashed: Bool = false, cssClass: String? = nil) {
        add("line", ["x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke-width": width].numbers,
            ["stroke": stroke, "stroke-dasharray": dashed ? "6 4" : nil, "class": cssClass])
    }

    /// Adds an open polygonal line through `points`.
    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 1.5,
                                  dashed: Bool = false, cssClass: String? = nil) {
        let list = points.map { "\(SVGCanvas.format($0.x)),\(SVGCanvas.format($0.y))" }.joined(separator: " ")
        add("polyline", ["stroke-width": SVGCanvas.format(width)],
            ["points": list, "fill": "none", "stroke": stroke, "stroke-dasharray": dashed ? "6 4" : nil,
             "stroke-linejoin": "round", "class": cssClass])
    }

    /// Adds a circle.
    public mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String? = nil,
                                cssClass: String? = nil) {
        add("circle", ["cx": x, "cy": y, "r": radius].numbers,
            ["fill": fill, "stroke": stroke, "stroke-width": stroke == nil ? nil : "0.75", "class": cssClass])
    }

    /// Adds a line of text; `rotation` turns it (in degrees) about its anchor point.
    public mutating func text(_ string: String, x: Double, y: Double, size: Double = 11, anchor: TextAnchor = .middle,
                              bold: Bool = false, rotation: Double = 0, fill: String = "#222", cssClass: String? = nil) {
        let transform = rotation == 0 ? nil
            : "rotate(\(SVGCanvas.format(rotation)) \(SVGCanvas.format(x)) \(SVGCanvas.format(y)))"
        add("text", ["x": x, "y": y, "font-size": size].numbers,
            ["text-anchor": anchor.rawValue, "font-family": "sans-serif", "font-weight": bold ? "bold" : nil,
             "fill": fill, "transform": transform, "class": cssClass],
            content: SVGCanvas.escape(string))
    }

    /// The complete document.
    public var xml: String {
        let size = "width=\"\(SVGCanvas.format(width))\" height=\"\(SVGCanvas.format(height))\""
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" \(size) \
            viewBox="0 0 \(SVGCanvas.format(width)) \(SVGCanvas.format(height))">
            \(elements.joined(separator: "\n"))
            </svg>

            """
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` for use in XML text and attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A coordinate with at most two decimals and no trailing zeros.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }

    private mutating func add(_ name: String, _ numeric: [String: String], _ attributes: [String: String?],
                              content: String? = nil) {
        let all = numeric.merging(attributes.compactMapValues { $0 }) { a, _ in a }
        let list = all.keys.sorted().map { "\($0)=\"\(SVGCanvas.escape(all[$0]!))\"" }.joined(separator: " ")
        elements.append(content.map { "<\(name) \(list)>\($0)</\(name)>" } ?? "<\(name) \(list)/>")
    }
}

private extension Dictionary where Key == String, Value == Double {
    /// The values formatted as SVG numbers.
    var numbers: [String: String] { mapValues(SVGCanvas.format) }
}
