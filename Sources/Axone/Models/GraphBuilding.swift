extension Model {
    /// The model an architecture file describes — a graph (``GraphArchitecture``) or a chain of
    /// layers (``Architecture``, made into a ``Sequential``) — with weights drawn from `seed`.
    /// - Throws: ``LayerError`` naming the wrong field, layer or tensor.
    public static func make(architectureJSON json: String, seed: UInt64 = 0) throws -> Model<Scalar> {
        if GraphArchitecture.describesGraph(json) { return try Model(architecture: GraphArchitecture(json: json), seed: seed) }
        return try Sequential(architecture: Architecture(json: json), seed: seed)
    }
}

extension Model {
    /// Rebuilds a graph model from its architecture, with weights drawn from `seed`.
    /// - Throws: ``LayerError`` naming what is wrong: an unknown layer or tensor, a call that
    ///   does not fit its layer.
    public convenience init(architecture: GraphArchitecture, seed: UInt64 = 0) throws {
        let label = architecture.name ?? "functional"
        func fail(_ message: String) -> LayerError { .invalidArgument(layer: label, message: message) }
        var layers: [String: Layer<Scalar>] = [:]
        for (index, specification) in architecture.layers.enumerated() {
            guard let name = specification.name else { throw fail("every layer of a graph needs a name") }
            guard layers[name] == nil else { throw fail("two layers are named '\(name)'") }
            layers[name] = try specification.makeLayer(Scalar.self, seed: nestedSeed(seed, index))
        }
        var tensors: [String: SymbolicTensor<Scalar>] = [:]
        var calls: [String: Int] = [:]
        let inputs = architecture.inputs.enumerated().map { index, input in
            Input<Scalar>(shape: input.shape, name: input.name, seed: seed &+ UInt64(index))
        }
        for input in inputs { tensors["\(input.layer.name!)[0][0]"] = input }
        for call in architecture.calls {
            guard let layer = layers[call.layer] else { throw fail("a call names the unknown layer '\(call.layer)'") }
            let arguments = try call.inputs.map { reference in
                guard let tensor = tensors[reference] else { throw fail("'\(call.layer)' reads '\(reference)', which no earlier call gives") }
                return tensor
            }
            let index = calls[call.layer, default: 0]
            calls[call.layer] = index + 1
            for (output, tensor) in try layer.applied(to: arguments).enumerated() { tensors["\(call.layer)[\(index)][\(output)]"] = tensor }
        }
        let outputs = try architecture.outputs.map { reference in
            guard let tensor = tensors[reference] else { throw fail("the output '\(reference)' is given by no call") }
            return tensor
        }
        try self.init(inputs: inputs, outputs: outputs, name: architecture.name)
    }
}
