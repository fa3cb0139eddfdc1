import Foundation
import Testing
@testable import Axone

/// The seeds' initialisation experiment: 10 layers × 500 units as in the notes, on 200 inputs from N(0, 1)
/// (the notes use 1000; the standard deviations barely move, and the test stays fast in debug builds).
/// Expected figures: SPEC §4 (the notes' printouts and a numpy rerun); the random stream differs
/// from numpy's, so each is checked with a tolerance.
@Suite struct DiagnosticsInitializationTests {
    @Test func activationsVanishSaturateOrKeepTheirSpreadAsTheNotesShow() throws {
        let results = try InitializationExperiment.runAll(examples: 200)   // 1000 in the notes; 200 keeps the debug test fast
        print(InitializationExperiment.table(results))
        func std(_ configuration: InitializationExperiment.Configuration, layer: Int) -> Double {
            results.first { $0.configuration == configuration }!.statistics.layers[layer - 1].output.standardDeviation
        }
        #expect(results.map { $0.statistics.layers.count } == [10, 10, 10, 10, 10])

        // tanh, N(0, 0.01): 0.213, 0.048, … → 0 (numpy: 2.9e-7 at layer 10).
        #expect(abs(std(.tanhSmallNormal, layer: 1) - 0.213) < 0.01)
        #expect(abs(std(.tanhSmallNormal, layer: 2) - 0.048) < 0.005)
        #expect(std(.tanhSmallNormal, layer: 10) < 1e-3)
        // tanh, N(0, 1): saturated, std ≈ 0.98 everywhere.
        #expect((1...10).allSatisfy { std(.tanhUnitNormal, layer: $0) > 0.9 })
        let saturated = results[1].statistics.layers[9].saturatedFraction!
        #expect(saturated > 0.8, "N(0, 1) weights push most tanh outputs beyond ±0.99, got \(saturated)")
        // tanh, Xavier: 0.628 → 0.22.
        #expect(abs(std(.tanhXavier, layer: 1) - 0.628) < 0.03)
        #expect((0.1...0.4).contains(std(.tanhXavier, layer: 10)))
        // ReLU, Xavier: decays strongly (0.58 → 0.03).
        #expect(std(.reluXavier, layer: 10) < std(.reluXavier, layer: 1) / 5)
        // ReLU, He: keeps its spread (≈ 0.8 throughout), and half the outputs are zero.
        let he1 = std(.reluHe, layer: 1), he10 = std(.reluHe, layer: 10)
        #expect(he10 > he1 / 2 && he10 < he1 * 2)
        #expect(abs(results[4].statistics.layers[0].deadFraction! - 0.5) < 0.05)

        let table = InitializationExperiment.table(results)
        #expect(table.split(separator: "\n").count == 6 && table.contains("tanh, Xavier") && table.contains("layer 10"))
        #expect(results[0].report.contains("hidden layer 10 had mean"))
        let histograms = try #require(ParsedSVG.parse(results[2].histogramsSVG))
        #expect(histograms.count("rect", class: "plot-area") == 10)
        let chart = try #require(ParsedSVG.parse(InitializationExperiment.standardDeviationChart(results).svg()))
        #expect(chart.count("polyline", class: "series") == 5)
    }

    @Test func configurationsUseTheNotesWeightScales() {
        #expect(InitializationExperiment.Configuration.tanhSmallNormal.initializer == .normal(mean: 0, standardDeviation: 0.01))
        #expect(InitializationExperiment.Configuration.tanhXavier.initializer == .lecunNormal)   // N(0, 1)/√fan_in
        #expect(InitializationExperiment.Configuration.reluHe.initializer == .heNormal)
        #expect(InitializationExperiment.Configuration.reluXavier.activation == .relu)
        #expect(throws: TrainingError.self) { try InitializationExperiment.run(configuration: .reluHe, examples: 0) }
    }
}
