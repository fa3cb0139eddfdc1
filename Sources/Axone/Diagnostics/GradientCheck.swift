import Foundation

/// How ``GradientCheck`` approximates a derivative numerically.
public enum FiniteDifferenceScheme: String, Sendable, CaseIterable {
    /// `(f(θ + h) − f(θ − h)) / 2h`, error O(h²): the default.
    case central
    /// `(f(θ + h) − f(θ)) / h`, error O(h): the procedure of the notes (seed 001, h = 1e-4).
    case forward
}

/// The agreement between backpropagation and finite differences for one parameter.
public struct ParameterGradientCheck: Sendable {
    /// The parameter's name (e.g. `layers.0.weight`).
    public var name: String
    /// max over elements of `|analytic − numeric| / max(|analytic|, |numeric|, 1e-8)`.
    public var maxRelativeError: Double
    /// max over elements of `|analytic − numeric|`.
    public var maxAbsoluteError: Double
    /// The flat index of the element with the largest relative error.
    public var worstIndex: Int
}

/// A finite-difference check of every parameter's gradient.
///
/// ```swift
/// let w = Variable(Tensor<Double>.randomNormal([3, 2], using: &rng), requiresGradient: true)
/// let report = try GradientCheck.run(parameters: [("w", w)]) {
///     Variable.matmul(x, w).tanh().sum()
/// }
/// print(report)                      // w  max rel 3.1e-11 …
/// report.maxRelativeError < 1e-6     // true
/// ```
public struct GradientCheck: Sendable, CustomStringConvertible {
    /// One entry per parameter, in the order given.
    public var parameters: [ParameterGradientCheck]

    /// The largest relative error over all parameters.
    public var maxRelativeError: Double { parameters.map(\.maxRelativeError).max() ?? 0 }

    /// Compares the gradients from `backward()` with finite differences of `loss`.
    ///
    /// Each element of each parameter is perturbed in place by ±`step` and restored; `loss` must
    /// rebuild the computation from the parameters' current values and return a one-element result.
    /// Run it in `Double`: in `Float`, rounding dominates any `step` small enough to be accurate.
    ///
    /// - Parameters:
    ///   - parameters: the variables to check, each with the name used in the result.
    ///   - step: the perturbation `h` added to (and subtracted from) each element.
    ///   - scheme: central differences (error O(h²), the default) or forward differences (the notes'
    ///     procedure); see ``FiniteDifferenceScheme``.
    ///   - elementsPerParameter: check at most this many elements of each parameter, evenly
    ///     spaced through it (every element when `nil`) — two loss evaluations per element add up fast.
    ///   - loss: rebuilds the computation from the parameters' current values and returns a
    ///     one-element result.
    /// - Returns: the largest relative error of each parameter, and of all of them.
    /// - Throws: whatever `loss` or `backward()` throws.
    public static func run<Scalar: TensorScalar>(
        parameters: [(name: String, variable: Variable<Scalar>)],
        step: Scalar = 1e-6,
        scheme: FiniteDifferenceScheme = .central,
        elementsPerParameter: Int? = nil,
        loss: () throws -> Variable<Scalar>
    ) throws -> GradientCheck {
        for (_, p) in parameters { p.zeroGradient() }
        let base = try loss()
        try base.backward()
        let baseValue = base.value.scalar
        var results: [ParameterGradientCheck] = []
        for (name, p) in parameters {
            let analytic = p.gradient ?? .zeros(p.shape)
            var worst = ParameterGradientCheck(name: name, maxRelativeError: 0, maxAbsoluteError: 0, worstIndex: 0)
            try withoutGradients {
                let count = p.value.count, sampled = Swift.min(count, Swift.max(elementsPerParameter ?? count, 1))
                for i in (0..<sampled).map({ $0 * count / sampled }) {
                    let original = p.value.scalars[i]
                    p.value.withUnsafeMutableBufferPointer { $0[i] = original + step }
                    let plus = try loss().value.scalar
                    let numeric: Scalar
                    switch scheme {
                    case .central:
                        p.value.withUnsafeMutableBufferPointer { $0[i] = original - step }
                        let minus = try loss().value.scalar
                        numeric = (plus - minus) / (2 * step)
                    case .forward:
                        numeric = (plus - baseValue) / step
                    }
                    p.value.withUnsafeMutableBufferPointer { $0[i] = original }
                    let a = Double(analytic.scalars[i]), n = Double(numeric)
                    let absolute = Swift.abs(a - n)
                    let relative = absolute / Swift.max(Swift.abs(a), Swift.abs(n), 1e-8)
                    worst.maxAbsoluteError = Swift.max(worst.maxAbsoluteError, absolute)
                    if relative > worst.maxRelativeError { worst.maxRelativeError = relative; worst.worstIndex = i }
                }
            }
            results.append(worst)
        }
        return GradientCheck(parameters: results)
    }

    public var description: String {
        parameters.map { p in
            let name = p.name.padding(toLength: Swift.max(p.name.count, 16), withPad: " ", startingAt: 0)
            return "\(name)  max relative error \(String(format: "%.2e", p.maxRelativeError))  max absolute error \(String(format: "%.2e", p.maxAbsoluteError))"
        }.joined(separator: "\n")
    }
}
