/// Seed 000's recipe, "start large and divide by 2 when the validation loss stops improving"
/// (Keras `ReduceLROnPlateau`): after `patience` epochs without an improvement larger than
/// `minDelta`, the learning rate is multiplied by `factor` (not below `minimum`), then a
/// `cooldown` of epochs passes before counting again.
public struct PlateauScheduler: Sendable, Hashable {
    /// What the learning rate is multiplied by on a plateau (in (0, 1)).
    public var factor: Double
    /// The epochs without improvement that make a plateau.
    public var patience: Int
    /// The smallest decrease of the monitored value that counts as an improvement.
    public var minDelta: Double
    /// The epochs after a reduction during which no plateau is counted.
    public var cooldown: Int
    /// The learning rate below which no reduction goes.
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
