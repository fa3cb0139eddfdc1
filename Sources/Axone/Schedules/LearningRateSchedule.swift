import RealModule

/// A learning rate as a function of a step counter t — epochs or iterations, as the caller
/// chooses (seed 003, "learning rate decay"; seed 000).
///
/// ```swift
/// let schedule = LearningRateSchedule.exponential(initial: 0.1, rate: 0.1)
/// schedule(10)   // 0.1·e⁻¹ ≈ 0.0368
/// ```
public enum LearningRateSchedule: Sendable, Hashable, CustomStringConvertible {
    /// η_t = η₀.
    case constant(Double)
    /// η_t = η₀/(1 + r·t).
    case inverseTime(initial: Double, rate: Double)
    /// η_t = η₀·e^(−λt).
    case exponential(initial: Double, rate: Double)
    /// η_t = η₀·r^⌊t/t_u⌋ (divide by 1/r every t_u steps).
    case step(initial: Double, factor: Double, stepSize: Int)
    /// `values[i]` while t < `boundaries[i]`, the last value after the last boundary
    /// (`values.count == boundaries.count + 1`).
    case piecewiseConstant(boundaries: [Int], values: [Double])
    /// Cosine annealing from η₀ to `minimum` over `steps`, then `minimum`:
    /// η_t = min + ½(η₀ − min)(1 + cos(π·t/steps)).
    case cosine(initial: Double, steps: Int, minimum: Double = 0)

    /// The learning rate at step t (t ≥ 0); NaN for a piecewise schedule without values, which
    /// ``Optimizer/validate()`` then refuses.
    public func callAsFunction(_ t: Int) -> Double {
        let t = Swift.max(t, 0)
        switch self {
        case .constant(let rate): return rate
        case let .inverseTime(initial, rate): return initial / (1 + rate * Double(t))
        case let .exponential(initial, rate): return initial * Double.exp(-rate * Double(t))
        case let .step(initial, factor, stepSize): return initial * Double.pow(factor, Double(t / Swift.max(stepSize, 1)))
        case let .piecewiseConstant(boundaries, values):
            guard !values.isEmpty else { return .nan }
            let index = boundaries.firstIndex { t < $0 } ?? boundaries.count
            return values[Swift.min(index, values.count - 1)]
        case let .cosine(initial, steps, minimum):
            guard t < steps else { return minimum }
            return minimum + 0.5 * (initial - minimum) * (1 + Double.cos(.pi * Double(t) / Double(steps)))
        }
    }

    public var description: String {
        switch self {
        case .constant(let rate): "constant(\(rate))"
        case let .inverseTime(initial, rate): "inverse_time(\(initial), r=\(rate))"
        case let .exponential(initial, rate): "exponential(\(initial), λ=\(rate))"
        case let .step(initial, factor, stepSize): "step(\(initial), r=\(factor), every \(stepSize))"
        case let .piecewiseConstant(boundaries, values): "piecewise(\(boundaries) → \(values))"
        case let .cosine(initial, steps, minimum): "cosine(\(initial) → \(minimum) over \(steps))"
        }
    }
}
