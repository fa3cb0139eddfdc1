import Axone
import Foundation

extension Tutorial {
    /// Seed 001 (slides 83-92, after CS231n): ten tanh or ReLU layers of 500 units fed N(0, 1)
    /// inputs; with weights N(0, 0.01²) the activations vanish, with N(0, 1) tanh saturates, the
    /// notes' "Xavier" N(0, 1)/√fan_in keeps tanh healthy but lets ReLU decay, and He's
    /// N(0, 2/fan_in) keeps ReLU's spread. Run on 100 inputs rather than the notes' 1000 so that it
    /// takes seconds; the standard deviations hardly move.
    static let initialization = Tutorial(name: "initialization", title: "Initialisation: activations through ten layers", source: "seed 001") { out in
        let results = try InitializationExperiment.runAll(examples: 100)
        func layers(_ configuration: InitializationExperiment.Configuration) -> [LayerStatistics] {
            results.first { $0.configuration == configuration }!.statistics.layers
        }
        out.say("Ten bias-free layers of 500 units, 100 inputs from N(0, 1); standard deviation of each layer's outputs:")
        for row in InitializationExperiment.table(results).split(separator: "\n") { out.say("  " + row) }
        out.say()
        out.say("Layer 1 → layer 10, the notes' printout (1000 inputs) and Axone:")
        for (configuration, first, last) in notesStandardDeviations {
            let ours = layers(configuration)
            out.say("  " + configuration.title.padding(toLength: 17, withPad: " ", startingAt: 0)
                    + " notes \(first) → \(last), Axone %.3g → %.3g",
                    ours.first!.output.standardDeviation, ours.last!.output.standardDeviation)
        }
        out.say("  ReLU, He: the mean of layer 10 is %.2f (the notes 0.55): ReLU outputs are positive",
                layers(.reluHe).last!.output.mean)
        out.say()
        let small = layers(.tanhSmallNormal)
        out.say("A layer multiplies the spread by about √(fan_in·Var(w)) while tanh is near-linear:")
        out.say("  N(0, 0.01): layer 2 / layer 1 = %.3f, √(500·0.01²) = %.3f",
                small[1].output.standardDeviation / small[0].output.standardDeviation, (500 * 0.0001).squareRoot())
        let relu = layers(.reluXavier), he = layers(.reluHe)
        out.say("  ReLU halves the variance: Xavier (fan_in·Var(w) = 1) layer 10 / layer 5 = %.2f, (1/√2)⁵ = %.2f",
                relu[9].output.standardDeviation / relu[4].output.standardDeviation, pow(0.5, 2.5))
        out.say("  He's fan_in·Var(w) = 2 makes up for it: layer 10 / layer 5 = %.2f",
                he[9].output.standardDeviation / he[4].output.standardDeviation)
        out.figure("initialization-std.svg", InitializationExperiment.standardDeviationChart(results))
    }

    /// The standard deviations of layers 1 and 10 that seed 001 prints for each network.
    private static let notesStandardDeviations: [(InitializationExperiment.Configuration, String, String)] = [
        (.tanhSmallNormal, "0.213", "0.000000"), (.tanhUnitNormal, "0.98", "0.98"), (.tanhXavier, "0.628", "0.221"),
        (.reluXavier, "0.582", "0.026"), (.reluHe, "0.825", "0.845")]
}
