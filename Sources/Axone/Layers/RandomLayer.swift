/// A layer that draws random numbers in training (Dropout, GaussianNoise, RReLU). Its generator
/// is seeded when the model is built and saved in checkpoints, so resumed training draws the same
/// masks as an uninterrupted run.
public protocol RandomLayer: AnyObject {
    /// The layer's generator.
    var generator: SeededGenerator { get set }
}

extension Dropout: RandomLayer {}
extension GaussianNoise: RandomLayer {}
extension RReLU: RandomLayer {}

extension Layer {
    /// Every layer below this one (not itself), keyed by dotted path (`layers.1`).
    public func namedDescendants() -> [(name: String, layer: Layer)] {
        namedChildren.flatMap { name, child in
            [(name, child)] + child.namedDescendants().map { ("\(name).\($0.name)", $0.layer) }
        }
    }
}
