/// An optimiser hyper-parameter outside the range its update rule allows, found by
/// ``Optimizer/validate()`` (which `fit` and ``ModelFile/load(from:as:)`` call).
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// `parameter` of `optimizer` is `value`; `allowed` says which values work (`in [0, 1)`).
    case outOfRange(optimizer: String, parameter: String, value: Double, allowed: String)
    /// Nesterov momentum was asked for with momentum 0.
    case nesterovWithoutMomentum

    public var description: String {
        switch self {
        case let .outOfRange(optimizer, parameter, value, allowed): "\(optimizer): \(parameter) must be \(allowed), got \(value)"
        case .nesterovWithoutMomentum: "SGD: Nesterov momentum needs momentum > 0"
        }
    }
}

/// The ranges hyper-parameters are checked against.
enum HyperparameterRange {
    /// `[0, 1)`: decay rates β, ρ, α and momentum.
    case unitInterval
    /// `[0, 1]`: AdaDelta's ρ.
    case closedUnitInterval
    /// A finite number ≥ 0: learning rates, weight decay.
    case nonNegative
    /// A finite number > 0: ε.
    case positive

    var text: String {
        switch self {
        case .unitInterval: "in [0, 1)"
        case .closedUnitInterval: "in [0, 1]"
        case .nonNegative: "a finite number ≥ 0"
        case .positive: "a finite number > 0"
        }
    }

    func contains(_ value: Double) -> Bool {
        switch self {
        case .unitInterval: value >= 0 && value < 1
        case .closedUnitInterval: value >= 0 && value <= 1
        case .nonNegative: value >= 0 && value.isFinite
        case .positive: value > 0 && value.isFinite
        }
    }
}

extension Optimizer {
    /// Throws ``OptimizerError/outOfRange(optimizer:parameter:value:allowed:)`` unless `value` is in `range`.
    func require(_ parameter: String, _ value: Double, _ range: HyperparameterRange) throws {
        guard range.contains(value) else {
            throw OptimizerError.outOfRange(optimizer: String(describing: type(of: self)), parameter: parameter,
                                            value: value, allowed: range.text)
        }
    }

    /// Checks the hyper-parameters Adam and Nadam share: β₁, β₂ in [0, 1), ε > 0, weight decay ≥ 0.
    func requireAdamMoments(beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double) throws {
        try require("beta1", beta1, .unitInterval)
        try require("beta2", beta2, .unitInterval)
        try require("epsilon", epsilon, .positive)
        try require("weight decay", weightDecay, .nonNegative)
    }
}
