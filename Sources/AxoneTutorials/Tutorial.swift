import Axone
import Foundation

/// A chapter of the course notes as a program: what it prints and the figures it draws are the
/// numbers and plots of its text (`docs/tutorials/en/<name>.md`, `docs/tutorials/fr/<name>.md`).
///
/// Run one with `axone tutorial <name>`; `TutorialTests` runs every tutorial and checks that its
/// texts show what it prints, so none rots.
public struct Tutorial: Sendable {
    /// The command-line name (`backpropagation`).
    public let name: String
    /// A one-line title.
    public let title: String
    /// The notes and sections it follows (`seed 004`).
    public let source: String
    private let body: @Sendable (inout TutorialOutput) throws -> Void

    init(name: String, title: String, source: String, body: @escaping @Sendable (inout TutorialOutput) throws -> Void) {
        (self.name, self.title, self.source, self.body) = (name, title, source, body)
    }

    /// Runs the tutorial and returns what it printed and drew.
    public func run() throws -> TutorialOutput {
        var output = TutorialOutput()
        try body(&output)
        return output
    }

    /// Every tutorial, in the order of the notes.
    public static let all: [Tutorial] = [
        .outputUnits, .xor, .multiTask, .activations, .initialization, .optimizers, .vanishingGradients, .batchNormalization,
        .transferLearning, .autodiff, .regularization,
        .kerasWorkflow, .sanityChecks, .learningCurves, .schedules, .backpropagation, .gradientChecking,
    ]

    /// The tutorial called `name`, if any.
    public static func named(_ name: String) -> Tutorial? { all.first { $0.name == name } }
}

/// What a tutorial printed (its lines) and drew (SVG figures, by file name).
public struct TutorialOutput: Sendable {
    /// The printed lines, in order.
    public private(set) var lines: [String] = []
    /// The figures: a file name (`backpropagation-loss.svg`) and its SVG text.
    public private(set) var figures: [(name: String, svg: String)] = []

    /// Prints `line`.
    mutating func say(_ line: String = "") { lines.append(line) }

    /// Prints a line built with a C format (`%.4f`, …).
    mutating func say(_ format: String, _ arguments: CVarArg...) { lines.append(String(format: format, arguments: arguments)) }

    /// Draws `chart` as the figure `name`.
    mutating func figure(_ name: String, _ chart: any Chart) { figures.append((name, chart.svg())) }

    /// Adds a figure already drawn as SVG.
    mutating func figure(_ name: String, svg: String) { figures.append((name, svg)) }

    /// The printed text.
    public var text: String { lines.joined(separator: "\n") }

    /// Writes every figure into `directory` (created if needed), each through a temporary file
    /// renamed into place.
    public func writeFigures(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, svg) in figures {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
            try Data(svg.utf8).write(to: url, options: .atomic)
        }
    }
}
