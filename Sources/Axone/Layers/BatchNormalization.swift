/// Batch normalisation (Ioffe & Szegedy 2015; seed 002) of the last axis (Keras's `axis=-1`): each
/// feature of `[batch, features]`, or each channel of channels-last images `[batch, h, w, channels]`,
/// is normalised over every other axis — the batch, and for images the height and width too.
///
/// Training: `x̂ = (x − μ_B)/√(σ²_B + ε)` with the batch mean and (biased) variance, `y = γ·x̂ + β`;
/// the running statistics follow PyTorch's convention,
/// `running ← (1 − momentum)·running + momentum·batch` (momentum 0.1), with the *unbiased*
/// batch variance `n/(n − 1)·σ²_B` for the running variance, `n` the number of values each mean
/// runs over (batch · h · w for images, as PyTorch's `BatchNorm2d`). Inference uses the running statistics.
/// Keras writes the update the other way round, `moving ← momentum_keras·moving + (1 − momentum_keras)·batch`,
/// so `momentum_keras = 1 − momentum`: this layer's default 0.1 is Keras' 0.9, and Keras' own default
/// 0.99 is 0.01 here. Keras also feeds the biased variance to the moving variance and defaults to ε = 1e-3.
/// γ and β are trainable; the running mean and variance are non-trainable buffers, so the layer
/// counts 4·features parameters of which 2·features are non-trainable (4·channels for images).
public final class BatchNormalization<Scalar: TensorScalar>: Layer<Scalar> {
    /// The weight of the current batch in the running statistics.
    public let momentum: Double
    /// Added to the variance before the square root.
    public let epsilon: Double
    /// Scale γ `[features]` (one per channel for images).
    public var gamma: Variable<Scalar>?
    /// Shift β `[features]`.
    public var beta: Variable<Scalar>?
    /// Running mean `[features]`.
    public var runningMean: Buffer<Scalar>?
    /// Running (unbiased) variance `[features]`.
    public var runningVariance: Buffer<Scalar>?

    /// Creates the layer; γ, β and the running statistics are created when the model is built.
    ///
    /// - Parameters:
    ///   - momentum: the weight of the current batch in the running statistics (PyTorch's convention:
    ///     Keras's `momentum=0.99` is 0.01 here).
    ///   - epsilon: added to the variance before the square root.
    ///   - name: the layer's name in summaries and files (named after its type when `nil`).
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` unless `momentum` is in [0, 1] and
    ///   `epsilon` is positive.
    public init(momentum: Double = 0.1, epsilon: Double = 1e-5, name: String? = nil) throws {
        guard momentum >= 0 && momentum <= 1, epsilon > 0 else {
            throw LayerError.invalidArgument(layer: name ?? "BatchNormalization",
                                             message: "momentum must be in [0, 1] and epsilon > 0, got \(momentum), \(epsilon)")
        }
        self.momentum = momentum
        self.epsilon = epsilon
        super.init(name: name)
    }

    /// Creates γ, β and the running statistics for the last axis of `inputShape`: `[features]` or
    /// an image `[height, width, channels]`.
    /// - Throws: ``LayerError/shapeMismatch(layer:expected:got:)`` for another rank, a size of 0,
    ///   or a last axis other than the one the layer was built with.
    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        let features = try normalizedFeatures(inputShape)
        if let gamma, gamma.shape != [features] {
            throw LayerError.shapeMismatch(layer: displayName, expected: "\(gamma.shape)", got: inputShape)
        }
        if gamma == nil {
            gamma = Variable(.ones([features]), requiresGradient: isTrainable)
            beta = Variable(.zeros([features]), requiresGradient: isTrainable)
            runningMean = Buffer(.zeros([features]))
            runningVariance = Buffer(.ones([features]))
        }
        return inputShape
    }

    /// The size of the normalised axis (the last) of inputs of `inputShape`.
    /// - Throws: ``LayerError/shapeMismatch(layer:expected:got:)`` unless the shape is `[features]`
    ///   or `[height, width, channels]` with positive sizes.
    func normalizedFeatures(_ inputShape: [Int]) throws -> Int {
        guard [1, 3].contains(inputShape.count), let features = inputShape.last, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError.shapeMismatch(layer: displayName, expected: "[features] or [height, width, channels]", got: inputShape)
        }
        return features
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.momentum = momentum
        s.epsilon = epsilon
        return s
    }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        guard let gamma, let beta, let runningMean, let runningVariance else {
            preconditionFailure(LayerError.notBuilt(layer: displayName).description)
        }
        let eps = Scalar(epsilon)
        guard isTraining else {
            let inverseDeviation = (runningVariance.value + eps).mapped(.sqrt).mapped(.reciprocal)
            return (input - Variable(runningMean.value)) * Variable(inverseDeviation) * gamma + beta
        }
        // Every axis but the last: the batch, and the height and width of images.
        let axes = Array(0..<(input.shape.count - 1))
        let n = axes.map { input.shape[$0] }.reduce(1, *)
        let mean = input.mean(alongAxes: axes)
        let centered = input - mean
        let variance = centered.squared().mean(alongAxes: axes)
        let normalized = centered / (variance + eps).squareRoot()
        let m = Scalar(momentum), unbiased = Scalar(n) / Scalar(Swift.max(n - 1, 1))
        runningMean.value = runningMean.value * (1 - m) + mean.value * m
        runningVariance.value = runningVariance.value * (1 - m) + variance.value * (unbiased * m)
        return normalized * gamma + beta
    }
}
