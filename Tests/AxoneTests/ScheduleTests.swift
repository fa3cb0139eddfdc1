import Testing
@testable import Axone

/// A schedule and its learning rate at some steps. References computed with Python's `math`
/// (float64) from the formulas of seed 003 ("politiques d'adaptation du pas d'apprentissage"):
/// `0.1*math.exp(-0.1*t)`, `0.1*0.5**(t//10)`, `0.1/(1+0.5*t)`,
/// `0.001 + 0.5*(0.1-0.001)*(1+math.cos(math.pi*t/100))`; the piecewise values are read off by hand.
struct ScheduleCase: Sendable, CustomTestStringConvertible {
    let schedule: LearningRateSchedule
    let expected: [(t: Int, rate: Double)]
    var testDescription: String { "\(schedule)" }
}

private let scheduleCases: [ScheduleCase] = [
    .init(schedule: .constant(0.01), expected: [(0, 0.01), (7, 0.01), (1000, 0.01)]),
    // Seed 003's plot "Décroissance exponentielle (η0 = 0.1, λ = 0.1)".
    .init(schedule: .exponential(initial: 0.1, rate: 0.1),
          expected: [(0, 0.1), (5, 0.06065306597126335), (10, 0.036787944117144235), (20, 0.013533528323661271),
                     (30, 0.004978706836786395)]),
    // Seed 003's plot "Décroissance step (η0 = 0.1, r = 0.5, t_u = 10)": η0·r^⌊t/t_u⌋ (the note
    // writes r^(t/t_u), but its plot is the staircase).
    .init(schedule: .step(initial: 0.1, factor: 0.5, stepSize: 10),
          expected: [(0, 0.1), (5, 0.1), (9, 0.1), (10, 0.05), (19, 0.05), (20, 0.025), (30, 0.0125)]),
    .init(schedule: .inverseTime(initial: 0.1, rate: 0.5),
          expected: [(0, 0.1), (1, 0.06666666666666667), (10, 0.016666666666666666), (100, 0.00196078431372549)]),
    .init(schedule: .piecewiseConstant(boundaries: [10, 20], values: [0.1, 0.01, 0.001]),
          expected: [(0, 0.1), (9, 0.1), (10, 0.01), (19, 0.01), (20, 0.001), (500, 0.001)]),
    // Cosine: endpoints η0 and the minimum, midpoint (η0 + min)/2 = 0.0505, then held at the minimum.
    .init(schedule: .cosine(initial: 0.1, steps: 100, minimum: 0.001),
          expected: [(0, 0.1), (25, 0.0855017856687341), (50, 0.0505), (75, 0.0154982143312659), (100, 0.001),
                     (150, 0.001)]),
]

/// The learning rates a plateau scheduler hands back, epoch by epoch, for a monitored series.
private func plateauRates(_ scheduler: PlateauScheduler, values: [Double], start: Double = 0.1) -> [Double] {
    var scheduler = scheduler, rate = start
    return values.map { value in
        rate = scheduler.update(monitored: value, learningRate: rate)
        return rate
    }
}

@Suite struct ScheduleTests {
    /// Tolerance: Double, absolute 1e-15 (the rates are ≤ 0.1).
    @Test(arguments: scheduleCases)
    func ratesMatchTheFormula(_ c: ScheduleCase) {
        for (t, rate) in c.expected {
            expectClose(c.schedule(t), rate, absolute: 1e-15)
        }
    }

    /// Negative steps are clamped to t = 0.
    @Test func negativeStepIsTheInitialRate() {
        #expect(LearningRateSchedule.exponential(initial: 0.1, rate: 0.1)(-5) == 0.1)
    }

    /// Plateau rates are compared exactly (Double): halving and clamping to the minimum are exact.
    ///
    /// Seed 000: "divide the learning rate by 2 when the validation loss stops improving". With
    /// patience 3 the rate halves on the 3rd flat epoch after the last improvement and again 3 epochs
    /// later (traced by hand: improvements at epochs 1–3, flat from epoch 4, halvings at 6 and 9).
    @Test func halvesAfterPatienceFlatEpochs() {
        let values = [1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
        #expect(plateauRates(PlateauScheduler(patience: 3), values: values)
                == [0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])
    }

    /// An improvement smaller than `minDelta` does not count: 1 → 0.99996 → 0.99992 are flat for
    /// minDelta = 1e-4, so patience 2 halves the rate at epoch 3; a real improvement resets the count.
    @Test func improvementsBelowMinDeltaAreFlat() {
        #expect(plateauRates(PlateauScheduler(patience: 2, minDelta: 1e-4), values: [1, 0.99996, 0.99992])
                == [0.1, 0.1, 0.05])
        #expect(plateauRates(PlateauScheduler(patience: 2, minDelta: 1e-4), values: [1, 1, 0.5, 0.5, 0.5])
                == [0.1, 0.1, 0.1, 0.1, 0.05])
    }

    /// Keras refuses `factor >= 1.0` (keras/src/callbacks/reduce_lr_on_plateau.py raises ValueError);
    /// Axone refuses it, a factor ≤ 0 and negative counts with a typed error before training.
    @Test func outOfRangeSettingsAreRefusedBeforeTraining() throws {
        for scheduler in [PlateauScheduler(factor: 1), PlateauScheduler(factor: 0), PlateauScheduler(factor: -0.5),
                          PlateauScheduler(patience: -1), PlateauScheduler(cooldown: -2), PlateauScheduler(minimum: -1)] {
            #expect(throws: TrainingError.self) { try scheduler.validate() }
        }
        try PlateauScheduler(factor: 0.1, patience: 0).validate()
        let model = try Sequential<Float>(inputShape: [1]) { Dense(1) }
        model.compile(optimizer: SGD(), loss: .meanSquaredError)
        let x = Tensor<Float>([[1], [2]])
        #expect(throws: TrainingError.self) {
            try model.fit(x, x, epochs: 1, callbacks: [ReduceLROnPlateau(monitor: "loss", factor: 2)], verbose: .silent)
        }
    }

    /// Keras ReduceLROnPlateau semantics, traced by hand on a constant series with patience 2:
    /// without cooldown the halvings fall at epochs 3, 5, 7, 9; a cooldown of 2 epochs during which
    /// flat epochs are not counted moves them to 3, 6, 9.
    @Test(arguments: [(0, [3, 5, 7, 9]), (2, [3, 6, 9])])
    func cooldownDelaysTheNextReduction(cooldown: Int, halvingEpochs: [Int]) {
        let rates = plateauRates(PlateauScheduler(patience: 2, cooldown: cooldown), values: Array(repeating: 1, count: 10))
        let halvings = (1..<rates.count).filter { rates[$0] < rates[$0 - 1] }.map { $0 + 1 }
        #expect(halvings == halvingEpochs)
        #expect(rates.last == 0.1 / Double(1 << halvingEpochs.count))
    }

    /// The rate never goes below `minimum`: 0.1 → 0.05 → max(0.025, 0.03) = 0.03, then stays.
    @Test func respectsTheMinimum() {
        #expect(plateauRates(PlateauScheduler(patience: 1, minimum: 0.03), values: [1, 1, 1, 1, 1])
                == [0.1, 0.05, 0.03, 0.03, 0.03])
    }
}
