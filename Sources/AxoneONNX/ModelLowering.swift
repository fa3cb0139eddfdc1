import Axone

/// How a whole model becomes ONNX operators: a ``Sequential`` as its chain of layers, a graph
/// model call by call.
extension GraphBuilder {
    /// Appends the nodes computing `model`'s outputs from the values `inputs` (one per model
    /// input) and returns the values holding its outputs. Its layers are named below `prefix` as
    /// Axone names their parameters (`<prefix>.layers.<index>`).
    /// - Throws: ``ONNXExportError/unsupportedLayer(path:type:)`` for a model that is neither a
    ///   ``Sequential`` nor a graph model (a subclass with its own `forward`).
    mutating func lower(_ model: Model<Float>, prefix: String, inputs: [String]) throws -> [String] {
        if let sequential = model as? Sequential<Float> {
            return [try lowerLayers(of: sequential, prefix: prefix, input: inputs[0])]
        }
        guard let graph = model.graphDescription else {
            throw ONNXExportError.unsupportedLayer(path: prefix.isEmpty ? "model" : prefix, type: model.typeName)
        }
        // A layer's path is its parameter prefix, one per distinct layer: both calls of a shared
        // layer get the same path, hence the same initializers.
        let paths = Dictionary(uniqueKeysWithValues: model.namedChildren.map { (ObjectIdentifier($0.layer), Self.path(prefix, $0.name)) })
        var values: [[String]] = Array(repeating: [], count: graph.nodes.count)
        for (input, value) in zip(graph.inputs, inputs) { values[input.node] = [value] }
        for (index, node) in graph.nodes.enumerated() where !(node.layer is InputLayer<Float>) {
            // Every layer called in the graph is one of the model's children.
            values[index] = try lower(node.layer, path: paths[ObjectIdentifier(node.layer)]!,
                                      inputs: node.inputs.map { values[$0.node][$0.output] },
                                      inputShapes: node.inputs.map(graph.shape(of:)))
        }
        return graph.outputs.map { values[$0.node][$0.output] }
    }

    /// Lowers the layers of `model` in order on the value `input`, naming them
    /// `<prefix>.layers.<index>` (`layers.<index>` at the top level) as Axone names their
    /// parameters, and returns the value holding the model's output.
    private mutating func lowerLayers(of model: Sequential<Float>, prefix: String, input: String) throws -> String {
        guard var shape = model.inputShape, model.outputShapes.count == model.layers.count else {
            throw ONNXExportError.notBuilt(path: prefix.isEmpty ? "model" : prefix)
        }
        var value = input
        for (index, layer) in model.layers.enumerated() {
            // A layer of a Sequential has one output (it is built with build(inputShape:)).
            value = try lower(layer, path: Self.path(prefix, "layers.\(index)"), inputs: [value], inputShapes: [shape])[0]
            shape = model.outputShapes[index]
        }
        return value
    }

    /// `child` below `prefix`: `layers.0` at the top level, `layers.2.layers.0` below `layers.2`.
    private static func path(_ prefix: String, _ child: String) -> String {
        prefix.isEmpty ? child : "\(prefix).\(child)"
    }
}
