/// A read-only view of a graph model's layer calls, for tools outside Axone that translate a
/// model (the ONNX exporter): every call with its layer, the tensors it read and the shapes it
/// gave, and which tensors are the model's inputs and outputs.
///
/// ```swift
/// let description = model.graphDescription!
/// for node in description.nodes where !(node.layer is InputLayer<Float>) {
///     print(node.name, node.inputs.map { description.nodes[$0.node].name })
/// }
/// ```
public struct GraphDescription<Scalar: TensorScalar> {
    /// The calls in an order where each comes after the calls it reads: first one ``InputLayer``
    /// node per model input, in the order of the inputs, then the layer calls. A layer called
    /// twice (shared weights) appears in two nodes.
    public let nodes: [GraphNodeDescription<Scalar>]
    /// The model's inputs, in order.
    public let inputs: [GraphTensorReference]
    /// The model's outputs, in order (the order of ``Model/outputNames``).
    public let outputs: [GraphTensorReference]

    /// The shape of one example (no batch axis) of the tensor `reference`.
    public func shape(of reference: GraphTensorReference) -> [Int] {
        nodes[reference.node].outputShapes[reference.output]
    }
}

/// One call of a layer in a ``GraphDescription``.
public struct GraphNodeDescription<Scalar: TensorScalar> {
    /// The layer called: an ``InputLayer`` for a model input, a `Model` for a nested model.
    public let layer: Layer<Scalar>
    /// The layer's unique name in the model, as the summary and the architecture write it
    /// (`input_layer`, `dense_1`).
    public let name: String
    /// The tensors the call read, in order.
    public let inputs: [GraphTensorReference]
    /// The shape of one example (no batch axis) of each output of the call.
    public let outputShapes: [[Int]]
}

/// A tensor of a ``GraphDescription``: output `output` of the call `nodes[node]`.
public struct GraphTensorReference: Hashable, Sendable {
    /// The index of the call in ``GraphDescription/nodes``.
    public let node: Int
    /// Which of the call's outputs.
    public let output: Int
}

extension Model {
    /// The layer calls of a model made with ``init(inputs:outputs:name:)-([SymbolicTensor<Scalar>],_,_)``; `nil` for other models
    /// (a ``Sequential`` is its ``Sequential/layers`` in order).
    public var graphDescription: GraphDescription<Scalar>? {
        guard let graph else { return nil }
        let index = Dictionary(uniqueKeysWithValues: graph.nodes.enumerated().map { (ObjectIdentifier($0.element), $0.offset) })
        func reference(_ tensor: SymbolicTensor<Scalar>) -> GraphTensorReference {
            GraphTensorReference(node: index[ObjectIdentifier(tensor.node)]!, output: tensor.index)
        }
        return GraphDescription(
            nodes: graph.nodes.map { node in
                GraphNodeDescription(layer: node.layer, name: graph.name(of: node.layer),
                                     inputs: node.inputs.map(reference), outputShapes: node.outputShapes)
            },
            inputs: graph.inputs.map(reference),
            outputs: graph.outputs.map(reference))
    }
}
