extension Model {
    /// This graph model's architecture.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` for a model without a graph.
    public func graphArchitecture() throws -> GraphArchitecture {
        guard let graph else {
            throw LayerError.invalidArgument(layer: displayName, message: "only a model made with Model(inputs:outputs:) has a graph architecture")
        }
        return GraphArchitecture(
            name: name,
            inputs: graph.inputs.map { .init(name: graph.name(of: $0.node.layer), shape: $0.shape) },
            layers: graph.layers.map { layer in
                var specification = layer.specification
                specification.name = graph.name(of: layer)
                return specification
            },
            calls: graph.nodes.filter { !($0.layer is InputLayer<Scalar>) }.map { node in
                .init(layer: graph.name(of: node.layer), inputs: node.inputs.map(graph.reference(to:)))
            },
            outputs: graph.outputs.map(graph.reference(to:)))
    }
}
