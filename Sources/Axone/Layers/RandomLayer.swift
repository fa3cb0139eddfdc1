/// A layer that draws random numbers in training (Dropout, GaussianNoise, RReLU). Its generator
/// is seeded from the model's when the model is built and saved in checkpoints, so resumed
/// training draws the same masks as an uninterrupted run.
public protocol RandomLayer: AnyObject {
    /// The layer's generator.
    var generator: SeededGenerator { get set }
}

/// The base class of the built-in random layers: owns the generator and seeds it at build time.
///
/// A subclass whose training pass draws its random numbers with ``drawRandom(_:_:)`` only (and
/// otherwise uses primitives) may override ``isTraceable`` to return `true`: the compiled executor
/// then draws the same numbers from the same generator before each step, as the eager tape does.
open class StochasticLayer<Scalar: TensorScalar>: Layer<Scalar>, RandomLayer {
    /// The generator of the layer's random draws.
    public var generator = SeededGenerator(seed: 0)

    public override init(name: String? = nil) { super.init(name: name) }

    /// Traceable only in inference, where it passes its input through (subclasses that draw with
    /// ``drawRandom(_:_:)`` are traceable in training too).
    open override var isTraceable: Bool { !isTraining }

    /// A tensor of `shape` (batch axis first) drawn from `distribution` with the layer's
    /// generator, as a constant of the pass. While the compiled executor traces the model nothing
    /// is drawn: the executor records the draw and makes it again, from the same generator, before
    /// every training step.
    public func drawRandom(_ shape: [Int], _ distribution: RandomDistribution) -> Variable<Scalar> {
        guard let recording = RandomDrawRecording.current else {
            return Variable(.random(shape, distribution, using: &generator))
        }
        let variable = Variable(Tensor<Scalar>.zeros(shape))
        recording.record(variable) { [unowned self] buffer in Scalar.fillRandom(distribution, using: &self.generator, into: buffer) }
        return variable
    }

    /// Seeds the layer's generator from the model's; the shape passes through unchanged.
    open override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        self.generator = SeededGenerator(seed: generator.next())
        return inputShape
    }
}

extension Layer {
    /// Every layer below this one (not itself), keyed by dotted path (`layers.1`).
    public func namedDescendants() -> [(name: String, layer: Layer)] {
        namedChildren.flatMap { name, child in
            [(name, child)] + child.namedDescendants().map { ("\(name).\($0.name)", $0.layer) }
        }
    }
}
