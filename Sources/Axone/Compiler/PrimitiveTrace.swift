/// A layer's inference pass as a list of primitive calls, as the compiled executor traces it but
/// without fusing activations into linear calls: for tools that translate a model one primitive
/// at a time (ONNX export reads it for layers it has no rule of its own for).
public struct PrimitiveTrace<Scalar: TensorScalar> {
    /// Where a value comes from.
    public enum Source {
        /// Input `i` of the layer.
        case input(Int)
        /// A parameter or buffer of the layer, by its path (``Layer/namedParameters(includeFrozen:)``).
        case parameter(name: String, value: Tensor<Scalar>)
        /// A constant made during the pass.
        case constant(Tensor<Scalar>)
        /// The result of a call.
        case call
    }

    /// One primitive call: the values it reads and the value it makes (indices into ``sources``).
    public struct Call {
        /// The primitive.
        public let primitive: any Primitive<Scalar>
        /// The values read, in order.
        public let inputs: [Int]
        /// The value made.
        public let output: Int
    }

    /// Every value's source, inputs first.
    public let sources: [Source]
    /// Each value's shape for the traced batch of 2 examples.
    public let shapes: [[Int]]
    /// The calls, each after the calls it reads from.
    public let calls: [Call]
    /// The values the layer returns.
    public let outputs: [Int]
    /// Whether each example's result depends only on that example, so that the trace holds for
    /// any batch size.
    public let isRowLocal: Bool

    init(_ graph: TracedGraph<Scalar>) throws {
        sources = try graph.sources.map { source in
            switch source {
            case let .input(index): .input(index)
            case let .parameter(index): .parameter(name: graph.parameters[index].name, value: graph.parameters[index].variable.value)
            case let .constant(value): .constant(value)
            case .random: throw CompilationRefusal("the inference pass draws random numbers")
            case .call: .call
            }
        }
        shapes = graph.shapes
        calls = graph.calls.map { Call(primitive: $0.primitive, inputs: $0.inputs, output: $0.output) }
        outputs = graph.outputs
        isRowLocal = graph.isRowLocal
    }
}

extension Layer {
    /// Traces this layer's inference pass on a batch of 2 examples of `exampleShapes` (one per
    /// input, batch axis excluded).
    /// - Throws: ``CompilationRefusal`` when a layer does not promise a traceable pass
    ///   (``isTraceable``), an operation is not a ``Primitive``, or the pass draws random numbers.
    public func primitiveTrace(exampleShapes: [[Int]]) throws -> PrimitiveTrace<Scalar> {
        try ForwardMode.$override.withValue(.inference) {
            try PrimitiveTrace(try TracedGraph(tracing: self, inputShapes: exampleShapes.map { [2] + $0 }, fusing: false))
        }
    }
}
