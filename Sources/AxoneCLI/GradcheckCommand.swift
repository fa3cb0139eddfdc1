import ArgumentParser
import Axone

/// `axone gradcheck`: compares backpropagation with finite differences on a small network.
struct GradcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check backpropagation against finite differences on a small built-in network (in Double).",
        discussion: """
            Builds a 4-5-3 network (tanh hidden layer, softmax cross-entropy) on random data and reports, per \
            parameter, the largest relative error |analytic − numeric| / max(|analytic|, |numeric|, 1e-8).
            """)

    @Option(help: "Finite-difference scheme: central (O(h²), default) or forward (the notes' procedure).")
    var scheme: FiniteDifferenceScheme = .central
    @Option(parsing: .unconditional, help: "Step h.") var step: Double = 1e-6
    @Option(parsing: .unconditional, help: "Largest relative error accepted.") var tolerance: Double = 1e-6
    @Option(parsing: .unconditional, help: "Seed of the weights and data.") var seed: UInt64 = 0

    func validate() throws {
        try OptionError.requirePositive(step, "step")
        try OptionError.requirePositive(tolerance, "tolerance")
    }

    func run() throws {
        let model = try Sequential<Double>(inputShape: [4], seed: seed) {
            Dense(5, activation: .tanh)
            Dense(3)
        }
        var rng = SeededGenerator(seed: seed &+ 1)
        let x = Variable(Tensor<Double>.randomNormal([6, 4], using: &rng))
        let labels = Tensor<Double>(shape: [6], scalars: (0..<6).map { Double($0 % 3) })
        let loss = Loss.categoricalCrossEntropy()
        let report = try GradientCheck.run(parameters: model.namedParameters(), step: step, scheme: scheme) {
            loss(model(x), labels)
        }
        print(report)
        let verdict = report.maxRelativeError < tolerance ? "PASS" : "FAIL"
        print("\(verdict): max relative error \(report.maxRelativeError) (tolerance \(tolerance), \(scheme) differences, h = \(step))")
        if verdict == "FAIL" { throw ExitCode.failure }
    }
}

extension FiniteDifferenceScheme: ExpressibleByArgument {}
