import Foundation

/// The seeds' initialisation experiment (001:1370-1807, 003:1418-1450, after CS231n): a stack of
/// 10 fully connected layers of 500 units without biases, fed 1000 inputs drawn from N(0, 1), shows
/// how the weights' scale decides whether activations vanish, saturate or keep their spread.
///
/// What the notes print, layer 1 → 10: tanh with N(0, 0.01) weights collapses (std 0.213, 0.048,
/// … 0.000000); tanh with N(0, 1) saturates at ±1 (std ≈ 0.98 everywhere); tanh with "Xavier"
/// weights N(0, 1)/√fan_in stays healthy (0.628 → 0.220); ReLU with the same weights decays
/// (0.58 → 0.026) and ReLU with He's N(0, 2/fan_in) keeps its spread (≈ 0.82–0.89).
///
/// ```swift
/// let results = try InitializationExperiment.runAll()
/// print(InitializationExperiment.table(results))
/// let svg = results[2].histogramsSVG              // tanh, Xavier: one histogram per layer
/// ```
public enum InitializationExperiment {
    /// The five networks of the notes.
    public enum Configuration: String, Sendable, CaseIterable {
        /// tanh with weights from N(0, 0.01²), from N(0, 1), or the notes' "Xavier" (LeCun normal); ReLU
        /// with "Xavier" or He normal (``initializer`` gives each one's ``Initializer``).
        case tanhSmallNormal, tanhUnitNormal, tanhXavier, reluXavier, reluHe

        /// The hidden units' activation.
        public var activation: Activation {
            switch self {
            case .tanhSmallNormal, .tanhUnitNormal, .tanhXavier: .tanh
            case .reluXavier, .reluHe: .relu
            }
        }

        /// How the weights are drawn. The notes' "Xavier" is `N(0, 1)/√fan_in`, which Axone names
        /// LeCun normal; for these square layers it equals Glorot normal `N(0, 2/(fan_in + fan_out))`.
        public var initializer: Initializer {
            switch self {
            case .tanhSmallNormal: .normal(mean: 0, standardDeviation: 0.01)
            case .tanhUnitNormal: .normal(mean: 0, standardDeviation: 1)
            case .tanhXavier, .reluXavier: .lecunNormal
            case .reluHe: .heNormal
            }
        }

        /// A short label, e.g. `tanh, N(0, 0.01)`.
        public var title: String {
            switch self {
            case .tanhSmallNormal: "tanh, N(0, 0.01)"
            case .tanhUnitNormal: "tanh, N(0, 1)"
            case .tanhXavier: "tanh, Xavier"
            case .reluXavier: "ReLU, Xavier"
            case .reluHe: "ReLU, He"
            }
        }
    }

    /// The measurements of one network.
    public struct Result: Sendable {
        /// The activation and initialisation measured.
        public var configuration: Configuration
        /// Per-layer statistics of the forward pass (no gradients).
        public var statistics: NetworkStatistics

        /// The notes' printout: "input layer had mean … and std …", then one line per hidden layer.
        public var report: String {
            func line(_ name: String, _ s: ValueStatistics) -> String {
                "\(name) had mean \(String(format: "%.6f", s.mean)) and std \(String(format: "%.6f", s.standardDeviation))"
            }
            return ([configuration.title, line("input layer", statistics.input)]
                    + statistics.layers.enumerated().map { line("hidden layer \($0.offset + 1)", $0.element.output) })
                .joined(separator: "\n")
        }

        /// One histogram of outputs per layer, side by side.
        public var histogramsSVG: String {
            statistics.histogramsSVG(.activations, title: "Layer outputs — \(configuration.title)")
        }
    }

    /// Runs one network: `layers` bias-free Dense layers of `units` units (weights drawn with
    /// `seed`) on `examples` inputs drawn from N(0, 1) with `seed`, in Float.
    public static func run(configuration: Configuration, examples: Int = 1000, layers: Int = 10, units: Int = 500,
                           seed: UInt64 = 0) throws -> Result {
        guard examples > 0, layers > 0, units > 0 else {
            throw TrainingError.invalidArgument("InitializationExperiment: examples, layers and units must be positive, got \(examples), \(layers), \(units)")
        }
        var generator = SeededGenerator(seed: seed)
        let input = Tensor<Float>.randomNormal([examples, units], using: &generator)
        let model = try Sequential<Float>((0..<layers).map { _ in
            Dense(units, activation: configuration.activation, useBias: false, kernelInitializer: configuration.initializer)
        }, inputShape: [units], seed: seed &+ 1)
        return Result(configuration: configuration, statistics: try NetworkStatistics.measure(model, input: input))
    }

    /// Runs every configuration with the same input and seeds.
    public static func runAll(examples: Int = 1000, layers: Int = 10, units: Int = 500, seed: UInt64 = 0) throws -> [Result] {
        try Configuration.allCases.map { try run(configuration: $0, examples: examples, layers: layers, units: units, seed: seed) }
    }

    /// The standard deviation of each layer's outputs, one row per network (the table of SPEC §4).
    public static func table(_ results: [Result]) -> String {
        let depth = results.map(\.statistics.layers.count).max() ?? 0
        let header = "network".padding(toLength: 18, withPad: " ", startingAt: 0)
            + (0..<depth).map { String(format: "  layer %2d", $0 + 1) }.joined()
        let rows = results.map { result in
            result.configuration.title.padding(toLength: 18, withPad: " ", startingAt: 0)
                + result.statistics.layers.map { String(format: "%10.3g", $0.output.standardDeviation) }.joined()
        }
        return ([header] + rows).joined(separator: "\n")
    }

    /// The standard deviation per layer of every network on a log axis (the notes' "layer std" plots together).
    public static func standardDeviationChart(_ results: [Result]) -> LineChart {
        LineChart(title: "Standard deviation of each layer's outputs", xLabel: "layer", yLabel: "std",
                  series: results.map { result in
                      let layers = result.statistics.layers
                      return .init(name: result.configuration.title, x: layers.indices.map { Double($0 + 1) },
                                   y: layers.map(\.output.standardDeviation))
                  }, yScale: .logarithmic)
    }
}
