import Synchronization

/// A placeholder for the tensors a model will compute (Keras `KerasTensor`): the output of a
/// layer called on other symbolic tensors, or a model input made by ``Input`` (``init(shape:name:seed:)``).
///
/// It holds no values, only the shape of one example and where it comes from, so that
/// ``Model/init(inputs:outputs:name:)-([SymbolicTensor<Scalar>],_,_)`` can collect the graph of layer calls:
///
/// ```swift
/// let inputs = Input<Float>(shape: [784])
/// let hidden = try Dense(64, activation: .relu)(inputs)
/// let model = try Model(inputs: [inputs], outputs: [Dense(10)(hidden)])
/// ```
public final class SymbolicTensor<Scalar: TensorScalar> {
    /// The shape of one example (no batch axis).
    public let shape: [Int]
    /// The layer call that produces this tensor.
    let node: GraphNode<Scalar>
    /// Which of the node's outputs this is.
    let index: Int

    init(shape: [Int], node: GraphNode<Scalar>, index: Int) {
        self.shape = shape
        self.node = node
        self.index = index
    }

    /// The layer that produced this tensor (an ``InputLayer`` for a model input).
    public var layer: Layer<Scalar> { node.layer }
}

extension SymbolicTensor: CustomStringConvertible {
    public var description: String {
        "SymbolicTensor(shape: (None, \(shape.map(String.init).joined(separator: ", "))), from: \(node.layer.typeName))"
    }
}

/// A model input (Keras `Input(shape=…)`): `Input<Float>(shape: [784])` is a symbolic tensor
/// made by ``SymbolicTensor/init(shape:name:seed:)``.
public typealias Input = SymbolicTensor

extension SymbolicTensor {
    /// Creates a model input: a symbolic tensor of examples of `shape` (Keras `Input(shape=…)`).
    ///
    /// The layers called on it, directly or through other layers, create their weights at once from a
    /// generator drawn from `seed` and the order of the calls, so the same code gives the same model.
    /// Each input counts its own calls: give the inputs of one model different seeds, or the first
    /// layers called on two of them with the same shapes start from the same weights.
    public convenience init(shape: [Int], name: String? = nil, seed: UInt64 = 0) {
        let layer = InputLayer<Scalar>(shape: shape, name: name)
        self.init(shape: shape, node: GraphNode(layer: layer, inputs: [], outputShapes: [shape], context: GraphContext(seed: seed)), index: 0)
    }
}

/// The layer standing for a model input in a graph and in its summary (Keras `InputLayer`).
public final class InputLayer<Scalar: TensorScalar>: Layer<Scalar> {
    /// The shape of one example.
    public let shape: [Int]

    init(shape: [Int], name: String?) {
        self.shape = shape
        super.init(name: name)
    }

    /// An input is built already: it gives its own shape.
    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] { shape }

    public override var isTraceable: Bool { true }
}

/// Where the weights of the layers called on symbolic tensors come from: one per model input,
/// shared by everything computed from it; each layer built through it gets the next generator.
final class GraphContext: Sendable {
    private let seed: UInt64
    private let built = Mutex(UInt64(0))

    init(seed: UInt64) { self.seed = seed }

    /// The generator for the next layer built.
    func nextGenerator() -> SeededGenerator {
        let index = built.withLock { count in
            defer { count += 1 }
            return count
        }
        return SeededGenerator(seed: seed &+ index &* 0x9E37_79B9_7F4A_7C15)
    }
}

/// One call of a layer on symbolic tensors (Keras `Node`): the layer, the tensors it was called
/// on, and the tensors it gave.
final class GraphNode<Scalar: TensorScalar> {
    let layer: Layer<Scalar>
    let inputs: [SymbolicTensor<Scalar>]
    let outputShapes: [[Int]]
    let context: GraphContext

    init(layer: Layer<Scalar>, inputs: [SymbolicTensor<Scalar>], outputShapes: [[Int]], context: GraphContext) {
        self.layer = layer
        self.inputs = inputs
        self.outputShapes = outputShapes
        self.context = context
    }

    /// The symbolic outputs (made on request: a tensor refers to its node, never the reverse).
    var outputs: [SymbolicTensor<Scalar>] {
        outputShapes.indices.map { SymbolicTensor(shape: outputShapes[$0], node: self, index: $0) }
    }
}

extension Layer {
    /// Calls the layer on a symbolic tensor (Keras `layer(x)`): builds the layer for that input if
    /// needed and returns its symbolic output. A layer called twice shares its weights.
    /// - Throws: ``LayerError`` when the input does not fit the layer.
    public func callAsFunction(_ input: SymbolicTensor<Scalar>) throws -> SymbolicTensor<Scalar> {
        try callAsFunction([input])
    }

    /// Calls the layer on several symbolic tensors (a merge layer, or a model with several inputs)
    /// and returns its one output.
    /// - Throws: ``LayerError`` when the inputs do not fit the layer or it gives several outputs
    ///   (use ``applied(to:)`` for those).
    public func callAsFunction(_ inputs: [SymbolicTensor<Scalar>]) throws -> SymbolicTensor<Scalar> {
        let outputs = try applied(to: inputs)
        guard outputs.count == 1 else {
            throw LayerError.invalidArgument(layer: displayName, message: "gives \(outputs.count) outputs; use applied(to:) to get them all")
        }
        return outputs[0]
    }

    /// Calls the layer on symbolic tensors and returns all its outputs (a model with several outputs).
    /// - Throws: ``LayerError`` when the inputs do not fit the layer.
    public func applied(to inputs: [SymbolicTensor<Scalar>]) throws -> [SymbolicTensor<Scalar>] {
        guard let context = inputs.first?.node.context else {
            throw LayerError.invalidArgument(layer: displayName, message: "called on no input")
        }
        guard !(self is InputLayer<Scalar>) else {
            throw LayerError.invalidArgument(layer: displayName, message: "an input layer cannot be called; use Input(shape:)")
        }
        var generator = context.nextGenerator()
        let shapes = try build(inputShapes: inputs.map(\.shape), generator: &generator)
        return GraphNode(layer: self, inputs: inputs, outputShapes: shapes, context: context).outputs
    }
}
