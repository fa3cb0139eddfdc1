import ArgumentParser
import AxoneTutorials

/// `axone tutorial [name]`: runs a tutorial that follows a chapter of the notes, printing the
/// numbers its text (`docs/tutorials/en|fr/<name>.md`) shows and writing its figures; without a
/// name, lists the tutorials.
struct TutorialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tutorial",
        abstract: "Run a tutorial that follows a chapter of the notes (texts in docs/tutorials/en and docs/tutorials/fr).",
        discussion: "Without a name, lists the tutorials.")

    @Argument(help: "The tutorial to run.") var name: String?
    @Option(help: "Where to write the tutorial's figures (SVG).") var figures = "."

    func run() throws {
        guard let name else {
            for tutorial in Tutorial.all { print("\(tutorial.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(tutorial.title) (\(tutorial.source))") }
            return
        }
        guard let tutorial = Tutorial.named(name) else {
            throw OptionError(description: "no tutorial '\(name)'; the tutorials are \(Tutorial.all.map(\.name).joined(separator: ", "))")
        }
        let output = try tutorial.run()
        print(output.text)
        try output.writeFigures(to: figures)
        print("\nFigures: " + output.figures.map { "\(figures)/\($0.name)" }.joined(separator: ", "))
    }
}
