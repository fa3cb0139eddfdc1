import Foundation

/// Grayscale images in labelled rows as an SVG document — e.g. test images over their
/// reconstructions. Each image is a black square (class `image`) with its pixels drawn on it as
/// gray rectangles (class `pixel`), one per run of equal gray in a pixel row: 0 is black, 1 white.
///
/// ```swift
/// let grid = try ImageGrid(imageRows: 28, imageColumns: 28, rows: [
///     .init(label: "input", images: x.rows(0..<8)), .init(label: "reconstruction", images: y.rows(0..<8))])
/// try grid.svg.write(toFile: "grid.svg", atomically: true, encoding: .utf8)
/// ```
public struct ImageGrid: Sendable {
    /// One labelled row of images.
    public struct Row: Sendable {
        /// The label shown at the left of the row.
        public var label: String
        /// The images, each `imageRows · imageColumns` values in [0, 1], row-major.
        public var images: [[Double]]

        /// A row of `images`, each `imageRows · imageColumns` values in [0, 1], row-major.
        public init(label: String, images: [[Double]]) {
            self.label = label
            self.images = images
        }

        /// The images of a `[k, imageRows · imageColumns]` tensor, one per row.
        public init<Scalar: TensorScalar>(label: String, images: Tensor<Scalar>) {
            let values = ValueStatistics.doubles(images), size = images.rank > 1 ? images.rowSize : values.count
            self.init(label: label, images: stride(from: 0, to: values.count, by: Swift.max(size, 1)).map {
                Array(values[$0..<($0 + size)])
            })
        }
    }

    /// The title above the grid (none when empty).
    public var title: String
    /// The height of each image in pixels.
    public let imageRows: Int
    /// The width of each image in pixels.
    public let imageColumns: Int
    /// The labelled rows, top to bottom.
    public let rows: [Row]
    /// The side of one pixel in SVG units.
    public var pixelSize: Double

    /// Lays out `rows` of `imageRows × imageColumns` grey-level images.
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` unless the image size is positive and every
    ///   image has `imageRows · imageColumns` values.
    public init(title: String = "", imageRows: Int, imageColumns: Int, rows: [Row], pixelSize: Double = 3) throws {
        guard imageRows > 0, imageColumns > 0 else {
            throw TensorError.invalidArgument("ImageGrid: the image size must be positive, got \(imageRows)×\(imageColumns)")
        }
        for row in rows {
            if let image = row.images.first(where: { $0.count != imageRows * imageColumns }) {
                throw TensorError.invalidArgument(
                    "ImageGrid: row '\(row.label)' has an image of \(image.count) values; \(imageRows)×\(imageColumns) images have \(imageRows * imageColumns)")
            }
        }
        self.title = title
        self.imageRows = imageRows
        self.imageColumns = imageColumns
        self.rows = rows
        self.pixelSize = pixelSize
    }

    /// The grid as a standalone SVG document: row labels on the left, images left to right.
    public var svg: String {
        let gap = 6.0, labelWidth = 120.0, top = title.isEmpty ? gap : 34
        let width = Double(imageColumns) * pixelSize, height = Double(imageRows) * pixelSize
        let columns = rows.map(\.images.count).max() ?? 0
        var canvas = SVGCanvas(width: labelWidth + Double(columns) * (width + gap), height: top + Double(rows.count) * (height + gap))
        if !title.isEmpty { canvas.text(title, x: canvas.width / 2, y: 22, size: 15, bold: true, cssClass: "title") }
        for (rowIndex, row) in rows.enumerated() {
            let y = top + Double(rowIndex) * (height + gap)
            canvas.text(row.label, x: labelWidth - 10, y: y + height / 2 + 4, size: 12, anchor: .end, cssClass: "row-label")
            for (column, image) in row.images.enumerated() {
                let x = labelWidth + Double(column) * (width + gap)
                canvas.rect(PlotRect(x: x, y: y, width: width, height: height), fill: "#000000", cssClass: "image")
                drawPixels(image, x: x, y: y, on: &canvas)
            }
        }
        return canvas.xml
    }

    /// Draws the non-black pixels of `image` with its top left corner at (x, y), merging runs of
    /// equal gray along each pixel row.
    private func drawPixels(_ image: [Double], x: Double, y: Double, on canvas: inout SVGCanvas) {
        for pixelRow in 0..<imageRows {
            let levels = image[(pixelRow * imageColumns)..<((pixelRow + 1) * imageColumns)].map(Self.grayLevel)
            var start = 0
            while start < imageColumns {
                var end = start + 1
                while end < imageColumns && levels[end] == levels[start] { end += 1 }
                if levels[start] > 0 {
                    let gray = String(format: "#%02x%02x%02x", levels[start], levels[start], levels[start])
                    canvas.rect(PlotRect(x: x + Double(start) * pixelSize, y: y + Double(pixelRow) * pixelSize,
                                         width: Double(end - start) * pixelSize, height: pixelSize), fill: gray, cssClass: "pixel")
                }
                start = end
            }
        }
    }

    /// A value in [0, 1] as a gray level 0…255 (values outside are clamped, NaN is black).
    private static func grayLevel(_ value: Double) -> Int {
        value.isNaN ? 0 : Int((Swift.min(Swift.max(value, 0), 1) * 255).rounded())
    }
}
