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

/// Seed 000's recipe, "start large and divide by 2 when the validation loss stops improving"
/// (Keras `ReduceLROnPlateau`): after `patience` epochs without an improvement larger than
/// `minDelta`, the learning rate is multiplied by `factor` (not below `minimum`), then a
/// `cooldown` of epochs passes before counting again.
public struct PlateauScheduler: Sendable, Hashable {
    public var factor: Double
    public var patience: Int
    public var minDelta: Double
    public var cooldown: Int
    public var minimum: Double
    /// The best monitored value so far.
    public private(set) var best = Double.infinity
    private var wait = 0
    private var cooldownLeft = 0

    /// Creates the scheduler; ``validate()`` checks the values (``ReduceLROnPlateau`` does before training).
    public init(factor: Double = 0.5, patience: Int = 10, minDelta: Double = 1e-4, cooldown: Int = 0, minimum: Double = 0) {
        self.factor = factor
        self.patience = patience
        self.minDelta = minDelta
        self.cooldown = cooldown
        self.minimum = minimum
    }

    /// Throws ``TrainingError/invalidArgument(_:)`` unless `factor` is in (0, 1) (Keras refuses a
    /// factor ≥ 1 too) and `patience`, `cooldown`, `minDelta` and `minimum` are finite and ≥ 0.
    public func validate() throws {
        guard factor > 0 && factor < 1 else { throw TrainingError.invalidArgument("ReduceLROnPlateau: factor must be in (0, 1), got \(factor)") }
        guard patience >= 0, cooldown >= 0, minDelta >= 0, minDelta.isFinite, minimum >= 0, minimum.isFinite else {
            throw TrainingError.invalidArgument(
                "ReduceLROnPlateau: patience, cooldown, minDelta and minimum must be ≥ 0, got \(patience), \(cooldown), \(minDelta), \(minimum)")
        }
    }

    /// Records the monitored value (lower is better) at the end of an epoch and returns the learning rate to use next.
    public mutating func update(monitored value: Double, learningRate: Double) -> Double {
        if cooldownLeft > 0 { cooldownLeft -= 1; wait = 0 }
        if value < best - minDelta {
            best = value
            wait = 0
            return learningRate
        }
        guard cooldownLeft == 0 else { return learningRate }
        wait += 1
        guard wait >= patience else { return learningRate }
        wait = 0
        cooldownLeft = cooldown
        return Swift.max(learningRate * factor, minimum)
    }
}
