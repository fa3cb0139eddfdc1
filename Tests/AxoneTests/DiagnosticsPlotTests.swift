import Foundation
import Testing
@testable import Axone

@Suite struct DiagnosticsPlotTests {
    @Test func niceTicksAreRoundNumbersCoveringTheData() {
        let scale = AxisScale(fitting: [0.13, 2.71])
        #expect(scale.domain == 0...3)
        #expect(scale.ticks == [0, 0.5, 1, 1.5, 2, 2.5, 3])
        #expect(scale.ticks.map(scale.label) == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"])
        let tenths = AxisScale(fitting: [0, 0.3], tickCount: 4)
        #expect(tenths.ticks.map(tenths.label) == ["0.0", "0.1", "0.2", "0.3"])   // not 0.30000000000000004
        let integers = AxisScale(fitting: [0, 97])
        #expect(integers.ticks.map(integers.label) == ["0", "20", "40", "60", "80", "100"])
        let tiny = AxisScale(fitting: [0, 3e-5], tickCount: 4)
        #expect(tiny.ticks.map(tiny.label) == ["0", "1e-5", "2e-5", "3e-5"])
        let log = AxisScale(fitting: [2.9e-7, 0.98], kind: .logarithmic)
        #expect(log.domain == 1e-7...1)
        #expect(log.ticks.last == 1 && log.ticks.allSatisfy { log.domain.contains($0) })
        #expect(log.label(1e-7) == "1e-7")
        #expect(log.fraction(of: 1e-7) == 0 && log.fraction(of: 1) == 1)
        let constant = AxisScale(fitting: [2, 2])
        #expect(constant.domain.contains(2) && constant.domain.lowerBound < 2)
        let exact = AxisScale(domain: -1...1, tickCount: 3)
        #expect(exact.domain == -1...1 && exact.ticks == [-1, 0, 1])
    }

    @Test func lineChartIsValidSVGWithOneLinePerSeriesAndALegend() throws {
        let chart = LineChart(title: "Loss <train> & \"val\"", xLabel: "epoch", yLabel: "loss", series: [
            .init(name: "loss", x: [0, 1, 2, 3], y: [2.3, 1.2, 0.8, 0.6]),
            .init(name: "val_loss", x: [0, 1, 2, 3], y: [2.3, 1.4, 1.1, 1.2], dashed: true),
        ])
        let svg = chart.svg()
        #expect(svg.hasPrefix("<?xml version=\"1.0\""))
        let parsed = try #require(ParsedSVG.parse(svg))
        #expect(parsed.elements[0].attributes["version"] == "1.1")
        #expect(parsed.elements[0].attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(parsed.count("polyline", class: "series") == 2)
        #expect(parsed.count("text", class: "legend-entry") == 2)
        #expect(parsed.texts.contains("Loss <train> & \"val\""))     // escaped in the file, intact once parsed
        #expect(parsed.texts.contains("epoch") && parsed.texts.contains("loss"))
        #expect(parsed.count("line", class: "tick") >= 6)
        #expect(parsed.elements.contains { $0.name == "polyline" && $0.attributes["stroke-dasharray"] != nil })
    }

    @Test func nonFiniteValuesBreakTheLineInsteadOfCorruptingIt() throws {
        let chart = LineChart(series: [.init(name: "loss", x: [0, 1, 2, 3, 4], y: [2, 1, .nan, 0.5, 0.4])])
        let parsed = try #require(ParsedSVG.parse(chart.svg()))
        #expect(parsed.count("polyline", class: "series") == 2)
        #expect(!chart.svg().contains("nan"))
    }

    @Test func histogramChartDrawsOneBarPerNonEmptyBin() throws {
        let histogram = try Histogram([0.1, 0.2, 0.24, 0.9, 5], bins: 4, range: 0...1)   // 5 is clamped into the last bin
        #expect(histogram.counts == [3, 0, 0, 2])
        #expect(histogram.total == 5 && histogram.binWidth == 0.25)
        let parsed = try #require(ParsedSVG.parse(HistogramChart(title: "h", histogram: histogram).svg()))
        #expect(parsed.count("rect", class: "bar") == 2)
    }

    @Test func gridPlacesOneChartPerCell() throws {
        let charts: [any Chart] = try (0..<5).map { HistogramChart(title: "layer \($0)", histogram: try Histogram([Double($0)], bins: 3)) }
        #expect(throws: TensorError.self) { try Histogram([1], bins: 0) }
        let svg = SVGPlot.grid(charts, columns: 5, cellWidth: 180, cellHeight: 150, title: "Layers")
        let parsed = try #require(ParsedSVG.parse(svg))
        #expect(parsed.count("rect", class: "plot-area") == 5)
        #expect(parsed.elements[0].attributes["width"] == "900")
        #expect(parsed.texts.filter { $0.hasPrefix("layer") }.count == 5)
    }

    @Test func classMapMergesRunsOfCellsAndDrawsEveryPoint() throws {
        let chart = ClassMapChart(title: "regions", xRange: 0...3, yRange: 0...2,
                                  regions: [[0, 0, 1], [1, 1, 1]],
                                  points: [.init(x: 0.5, y: 0.5, label: 0), .init(x: 2.5, y: 0.5, label: 1),
                                           .init(x: 1, y: 1.5, label: 1)],
                                  classNames: ["sandal", "shirt"])
        let parsed = try #require(ParsedSVG.parse(chart.svg()))
        #expect(parsed.count("rect", class: "region") == 3)
        #expect(parsed.count("circle", class: "point") == 3)
        #expect(parsed.texts.contains("sandal") && parsed.texts.contains("shirt"))
    }

    @Test func decisionBoundaryOfATrainedModelSeparatesTheBlobs() throws {
        let (points, labels): (Tensor<Float>, Tensor<Float>) = Synthetic2D.blobs.generate(count: 60, noise: 0.1, classes: 3, seed: 4)
        let model = try Sequential<Float>(inputShape: [2], seed: 1) {
            Dense(8, activation: .tanh)
            Dense(3)
        }
        model.compile(optimizer: Adam(learningRate: 0.05), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        try model.fit(points, labels, epochs: 30, batchSize: 60, verbose: .silent)
        let grid = try DecisionBoundary.classGrid(model: model, xRange: -1.5...1.5, yRange: -1.5...1.5, resolution: 30)
        #expect(grid.count == 30 && grid.allSatisfy { $0.count == 30 })
        #expect(Set(grid.joined()) == [0, 1, 2])
        // The blob centres (cos, sin of 0, 120° and 240°) fall in their own regions; row 0 is at the bottom.
        func cell(_ x: Double, _ y: Double) -> Int { grid[Int((y + 1.5) / 0.1)][Int((x + 1.5) / 0.1)] }
        #expect(cell(1, 0) == 0 && cell(-0.5, 0.87) == 1 && cell(-0.5, -0.87) == 2)

        let svg = try DecisionBoundary.svg(model: model, points: points, labels: labels, resolution: 40)
        let parsed = try #require(ParsedSVG.parse(svg))
        #expect(parsed.count("circle", class: "point") == 60)
        #expect(parsed.count("rect", class: "region") >= 40 && parsed.count("rect", class: "region") < 40 * 10)
        #expect(throws: TrainingError.self) {
            try DecisionBoundary.svg(model: model, points: Tensor<Float>.zeros([4, 3]), labels: .zeros([4]))
        }
    }

    @Test func learningCurvesDrawOnePanelPerQuantityWithTrainingAndValidationCurves() throws {
        var history = History()
        for epoch in 0..<5 {
            let e = Double(epoch)
            history.append(epoch: epoch, logs: [("loss", 2 / (e + 1)), ("accuracy", 0.5 + 0.1 * e),
                                                ("val_loss", 2.2 / (e + 1)), ("val_accuracy", 0.45 + 0.1 * e), ("lr", 1e-3)])
        }
        #expect(LearningCurves.charts(history: history).map(\.title) == ["Loss", "accuracy"])
        let parsed = try #require(ParsedSVG.parse(LearningCurves.svg(history: history, title: "Run 1")))
        #expect(parsed.count("rect", class: "plot-area") == 2)
        #expect(parsed.count("polyline", class: "series") == 4)
        #expect(Set(parsed.texts).isSuperset(of: ["Run 1", "loss", "val_loss", "accuracy", "val_accuracy"]))
        #expect(!parsed.texts.contains("lr"))

        let fromCSV = try #require(ParsedSVG.parse(try LearningCurves.svg(csvString: history.csv)))
        #expect(fromCSV.count("polyline", class: "series") == 4)
        #expect(throws: HistoryCSVError.self) { try LearningCurves.svg(csvString: "loss\n1\n") }
        let empty = try #require(ParsedSVG.parse(LearningCurves.svg(history: History())))
        #expect(empty.count("rect", class: "plot-area") == 1)
    }
}
