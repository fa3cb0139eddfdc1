import Foundation
import Testing
import AxoneTutorials

/// Every tutorial runs, draws its figures, and its English and French texts show what it prints:
/// each text holds the output in a block after `<!-- axone tutorial NAME -->`, compared line by
/// line with the program's — words exactly, numbers within 2 % relative (their last printed digit
/// may differ between BLAS kernels; a changed result changes far more).
@Suite struct TutorialTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test(arguments: Tutorial.all.map(\.name))
    func theTextsShowWhatTheTutorialPrints(name: String) throws {
        let tutorial = try #require(Tutorial.named(name))
        let output = try tutorial.run()
        #expect(!output.figures.isEmpty)
        for figure in output.figures {   // a complete SVG that draws data: curves, or points
            #expect(figure.svg.contains("<svg") && figure.svg.hasSuffix("</svg>\n")
                    && (figure.svg.contains("<polyline") || figure.svg.contains("<circle")), "\(figure.name)")
        }
        for language in ["en", "fr"] {
            let path = "\(Self.root)/docs/tutorials/\(language)/\(name).md"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let shown = try #require(Self.outputBlock(in: text, name: name), "\(path) has no output block")
            let printed = output.lines
            #expect(shown.count == printed.count, "\(path): \(shown.count) lines shown, \(printed.count) printed")
            for (a, b) in zip(shown, printed) { #expect(Self.same(a, b), "\(path):\n  shown:   \(a)\n  printed: \(b)") }
            for figure in output.figures { #expect(text.contains(figure.name), "\(path) does not show \(figure.name)") }
        }
    }

    /// The lines of the fenced block after the marker.
    static func outputBlock(in text: String, name: String) -> [String]? {
        guard let marker = text.range(of: "<!-- axone tutorial \(name) -->"),
              let open = text.range(of: "```text\n", range: marker.upperBound..<text.endIndex),
              let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex) else { return nil }
        return text[open.upperBound..<close.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Whether two lines match: the same words, and numbers within 2 % of each other.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (tokens(a), tokens(b))
        return x.count == y.count && zip(x, y).allSatisfy { s, t in
            if let u = Double(s), let v = Double(t) { return u == v || abs(u - v) <= 0.02 * max(abs(u), abs(v)) }
            return s == t
        }
    }

    static func tokens(_ line: String) -> [String] {
        line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ":" }).map(String.init)
    }
}
