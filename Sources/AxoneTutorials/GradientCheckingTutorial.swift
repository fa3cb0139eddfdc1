import Foundation
import Axone

extension Tutorial {
    /// Seed 001's gradient check (seed 004's network): finite differences one weight at a time,
    /// forward and central, how the error follows the step, and a wrong gradient caught.
    static let gradientChecking = Tutorial(
        name: "gradient-checking", title: "Gradient checking", source: "seeds 001 and 004"
    ) { out in
        let network = TwoLayerNetwork(examples: 64, features: 5, hidden: 4, seed: 4)
        let analytic = network.closedFormGradients()
        out.say("Largest relative error |analytic − numeric| / max(|analytic|, |numeric|) over all 29 weights:")
        out.say("  h       forward   central")
        var exponents: [Double] = [], forward: [Double] = [], central: [Double] = []
        for exponent in 1...4 {
            let h = pow(10, -Double(exponent))
            let errors = [FiniteDifferenceScheme.forward, .central].map { scheme in
                zip(analytic, network.numericGradients(step: h, scheme: scheme)).map { TwoLayerNetwork.relativeError($0, $1) }.max()!
            }
            out.say("  1e-%d   %.1e   %.1e", exponent, errors[0], errors[1])
            exponents.append(-Double(exponent))
            forward.append(errors[0])
            central.append(errors[1])
        }
        out.say("Each decade of h divides the forward error by 10 and the central error by 100.")
        out.say()
        let written = network.closedFormGradients(asWritten: true)
        let numeric = network.numericGradients(step: 1e-4, scheme: .forward)
        let caught = zip(written, numeric).map { TwoLayerNetwork.relativeError($0, $1) }.max()!
        out.say("The note's procedure (forward, h = 1e-4) on the note's closed form as written: %.2f", caught)
        out.say("→ far above 1e-3: the check catches the two slips of seed 004.")
        out.say()
        let p = network.parameters.map { Variable($0, requiresGradient: true) }
        let report = try GradientCheck.run(parameters: zip(TwoLayerNetwork.names, p).map { ($0, $1) }) { network.loss(p).loss }
        out.say("Axone's GradientCheck on its autodiff (central, h = 1e-6): below 1e-5? " + (report.maxRelativeError < 1e-5 ? "yes" : "NO"))
        out.figure("gradient-checking.svg", LineChart(
            title: "Finite differences: error against the step", xLabel: "log10 h", yLabel: "largest relative error",
            series: [.init(name: "forward", x: exponents, y: forward), .init(name: "central", x: exponents, y: central)],
            yScale: .logarithmic))
    }
}
