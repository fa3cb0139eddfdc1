import ArgumentParser
import Axone

@main
struct AxoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "axone",
        abstract: "Axone: feedforward neural networks in Swift.",
        subcommands: [DemoCommand.self, TrainCommand.self, EvaluateCommand.self, PredictCommand.self, SummaryCommand.self,
                      GradcheckCommand.self, DoctorCommand.self, InspectCommand.self, PlotCommand.self, ExportONNXCommand.self, ImportONNXCommand.self,
                      ExperimentCommand.self, TutorialCommand.self])
}
