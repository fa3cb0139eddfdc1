import Foundation

/// A stack of layers applied in order (Keras `Sequential`, PyTorch `nn.Sequential`).
///
/// ```swift
/// let model = Sequential<Float>(inputShape: [784], seed: 0) {
///     Dense(256, activation: .relu)
///     Dense(10)
/// }
/// ```
/// Parameters are named `layers.<index>.<property>`: `layers.0.weight`, `layers.0.bias`, ….
public final class Sequential<Scalar: TensorScalar>: Model<Scalar> {
    /// The layers, in order.
    public private(set) var layers: [Layer<Scalar>]
    /// The input shape given to ``build(inputShape:generator:)``.
    private var builtInputShape: [Int]?
    /// Each layer's output shape once built.
    public private(set) var outputShapes: [[Int]] = []

    public override var inputShape: [Int]? { builtInputShape }
    public override var outputShape: [Int]? { outputShapes.last ?? builtInputShape }

    /// Creates a model from layers; with an input shape (or a first Dense with `inputSize`), the
    /// weights are created at once from `seed`.
    public init(_ layers: [Layer<Scalar>], inputShape: [Int]? = nil, seed: UInt64 = 0, name: String? = nil) throws {
        self.layers = layers
        super.init(name: name)
        if let shape = inputShape ?? (layers.first as? Dense<Scalar>)?.inputSize.map({ [$0] }) {
            var generator = SeededGenerator(seed: seed)
            _ = try build(inputShape: shape, generator: &generator)
        }
    }

    /// Creates a model from a list of layers written one per line. The list may use throwing
    /// constructors (`try Dropout(rate: 0.5)`, `try BatchNormalization()`).
    public convenience init(inputShape: [Int]? = nil, seed: UInt64 = 0, name: String? = nil,
                            @LayerBuilder<Scalar> _ content: () throws -> [Layer<Scalar>]) throws {
        try self.init(content(), inputShape: inputShape, seed: seed, name: name)
    }

    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        var shape = inputShape
        var shapes: [[Int]] = []
        for layer in layers {
            shape = try layer.build(inputShape: shape, generator: &generator)
            shapes.append(shape)
        }
        builtInputShape = inputShape
        outputShapes = shapes
        return shape
    }

    override var chainLayers: [Layer<Scalar>]? { layers }

    /// The chain as symbolic tensors, made on first use and dropped when the layers change.
    private var chain: (inputs: [SymbolicTensor<Scalar>], outputs: [SymbolicTensor<Scalar>])?
    /// Guards ``chain``: concurrent callers may ask for it first at the same time.
    private let chainLock = NSLock()

    /// Drops the planned pass and the symbolic chain (the layers changed).
    private func invalidateChain() {
        executors.removeAll()
        chainLock.withLock { chain = nil }
    }

    /// The symbolic input of the built chain; see ``Model/inputs``.
    public override var inputs: [SymbolicTensor<Scalar>] { symbolicChain().inputs }
    /// The symbolic output of the built chain; see ``Model/inputs``.
    public override var outputs: [SymbolicTensor<Scalar>] { symbolicChain().outputs }

    private func symbolicChain() -> (inputs: [SymbolicTensor<Scalar>], outputs: [SymbolicTensor<Scalar>]) {
        chainLock.withLock {
            if let chain { return chain }
            guard let inputShape, outputShapes.count == layers.count else { return ([], []) }
            let input = Input<Scalar>(shape: inputShape)
            // The layers are built for these shapes already: the nodes only record the calls (no
            // build, which would reseed a random layer's generator).
            let output = zip(layers, outputShapes).reduce(input) { x, step in
                GraphNode(layer: step.0, inputs: [x], outputShapes: [step.1], context: x.node.context).outputs[0]
            }
            chain = ([input], [output])
            return chain!
        }
    }

    /// A chain is traceable when its layers are (the executor checks each of them).
    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        layers.reduce(input) { x, layer in layer(x) }
    }

    /// Appends a layer (building it when the model's input shape is known). When the layer does
    /// not fit the model's output, the error is thrown and the model is left as it was.
    public func add(_ layer: Layer<Scalar>, seed: UInt64 = 0) throws {
        layers.append(layer)
        invalidateChain()
        if let inputShape {
            var generator = SeededGenerator(seed: seed)
            do {
                _ = try build(inputShape: inputShape, generator: &generator)
            } catch {
                layers.removeLast()
                throw error
            }
        }
    }

    /// Removes and returns the last layer.
    @discardableResult
    public func pop() -> Layer<Scalar>? {
        let last = layers.popLast()
        invalidateChain()
        if !outputShapes.isEmpty { outputShapes.removeLast() }
        return last
    }

    public override func summary() -> String { chainSummary + compilationLine }

    public override func architectureJSON() throws -> String { try architecture().encodedJSON() }

    /// A `Sequential` used as a layer is written with its chain.
    public override var specification: LayerSpecification {
        var specification = super.specification
        specification.chain = try? architecture()
        return specification
    }

    /// The layer at `index`.
    public subscript(index: Int) -> Layer<Scalar> { layers[index] }
}

/// Collects the layers of a ``Sequential`` written one per line.
@resultBuilder
public enum LayerBuilder<Scalar: TensorScalar> {
    /// A layer written on its own line.
    public static func buildExpression(_ layer: Layer<Scalar>) -> [Layer<Scalar>] { [layer] }
    /// An array of layers, added in order.
    public static func buildExpression(_ layers: [Layer<Scalar>]) -> [Layer<Scalar>] { layers }
    /// The layers of a block, in order.
    public static func buildBlock(_ parts: [Layer<Scalar>]...) -> [Layer<Scalar>] { parts.flatMap { $0 } }
    /// The layers of an `if` without `else`; none when the condition is false.
    public static func buildOptional(_ part: [Layer<Scalar>]?) -> [Layer<Scalar>] { part ?? [] }
    /// The layers of the first branch of an `if`/`else` or `switch`.
    public static func buildEither(first part: [Layer<Scalar>]) -> [Layer<Scalar>] { part }
    /// The layers of the second branch of an `if`/`else` or `switch`.
    public static func buildEither(second part: [Layer<Scalar>]) -> [Layer<Scalar>] { part }
    /// The layers of every iteration of a `for` loop, in order.
    public static func buildArray(_ parts: [[Layer<Scalar>]]) -> [Layer<Scalar>] { parts.flatMap { $0 } }
}
