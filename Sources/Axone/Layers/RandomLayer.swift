/// A layer that draws random numbers in training (Dropout, GaussianNoise, RReLU). Its generator
/// is seeded from the model's when the model is built and saved in checkpoints, so resumed
/// training draws the same masks as an uninterrupted run.
public protocol RandomLayer: AnyObject {
    /// The layer's generator.
    var generator: SeededGenerator { get set }
}

/// The base class of the built-in random layers: owns the generator and seeds it at build time.
open class StochasticLayer<Scalar: TensorScalar>: Layer<Scalar>, RandomLayer {
    /// The generator of the layer's random draws.
    public var generator = SeededGenerator(seed: 0)

    public override init(name: String? = nil) { super.init(name: name) }

    /// Traceable only in inference, where it passes its input through.
    open override var isTraceable: Bool { !isTraining }

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
