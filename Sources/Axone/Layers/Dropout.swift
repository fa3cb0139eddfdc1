/// Dropout (Srivastava et al. 2014; seeds 001–003): in training each unit is zeroed with probability
/// `rate`; in inference the layer does nothing.
///
/// The default *inverted* form scales the kept units by 1/(1 − rate) during training so the
/// expected activation is unchanged and inference needs no rescaling. The notes teach the
/// *vanilla* form — no scaling in training, multiply by the keep probability 1 − rate at test time
/// (seed 003 writes p where 1 − p is meant) — and call it not recommended; it is offered for teaching.
/// ``SpatialDropout2D`` drops whole channels instead of single units.
public class Dropout<Scalar: TensorScalar>: StochasticLayer<Scalar> {
    /// Which of the two equivalent-in-expectation formulations is used.
    public enum Style: String, Sendable { case inverted, vanilla }

    /// The probability of dropping a unit.
    public let rate: Double
    /// The formulation.
    public let style: Style
    /// Creates a dropout layer.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` unless `0 ≤ rate < 1`.
    public init(rate: Double, style: Style = .inverted, name: String? = nil) throws {
        self.rate = rate
        self.style = style
        super.init(name: name)
        guard rate >= 0 && rate < 1 else {
            throw LayerError.invalidArgument(layer: displayName, message: "rate must be in [0, 1), got \(rate)")
        }
    }

    /// Traceable in training too: the mask comes from ``StochasticLayer/drawRandom(_:_:)``.
    public override var isTraceable: Bool { true }

    /// The shape of the mask drawn for an input of `shape`: the input's own, one draw per unit.
    func maskShape(for shape: [Int]) -> [Int] { shape }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.rate = rate
        if style != .inverted { s.style = style.rawValue }
        return s
    }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        let keep = 1 - rate
        guard isTraining || ForwardMode.override == .inferenceWithDropout else {
            return style == .vanilla ? input * Scalar(keep) : input
        }
        guard rate > 0 else { return input }
        let scale = style == .inverted ? 1 / keep : 1
        return input * drawRandom(maskShape(for: input.shape), .bernoulli(probability: keep, value: scale))
    }
}

/// Adds Gaussian noise N(0, σ²) to its input in training (a regulariser, seeds 000 and 002); identity in inference.
public final class GaussianNoise<Scalar: TensorScalar>: StochasticLayer<Scalar> {
    /// The noise's standard deviation σ.
    public let standardDeviation: Double
    /// Creates the layer.
    ///
    /// - Parameters:
    ///   - standardDeviation: the noise's standard deviation σ.
    ///   - name: the layer's name in summaries and files (named after its type when `nil`).
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` when `standardDeviation` is negative.
    public init(standardDeviation: Double, name: String? = nil) throws {
        guard standardDeviation >= 0 else {
            throw LayerError.invalidArgument(layer: name ?? "GaussianNoise",
                                             message: "standard deviation must be ≥ 0, got \(standardDeviation)")
        }
        self.standardDeviation = standardDeviation
        super.init(name: name)
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.standardDeviation = standardDeviation
        return s
    }

    /// Traceable in training too: the noise comes from ``StochasticLayer/drawRandom(_:_:)``.
    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        guard isTraining, standardDeviation > 0 else { return input }
        return input + drawRandom(input.shape, .normal(mean: 0, standardDeviation: Double(Scalar(standardDeviation))))
    }
}

/// Reshapes `[batch, d₁, d₂, …]` to `[batch, d₁·d₂·…]`.
public final class Flatten<Scalar: TensorScalar>: Layer<Scalar> {
    /// Creates a flattening layer.
    public override init(name: String? = nil) { super.init(name: name) }

    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        [inputShape.reduce(1, *)]
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        // −1 for the batch, so that the same call serves any batch size (a compiled program's shards).
        input.reshaped([-1, input.shape.dropFirst().reduce(1, *)])
    }
}
