/// A layer that can recreate itself — same configuration, no weights yet — computing in another
/// scalar type. ``Model/converted(to:)`` uses it to build a `Double` twin of a `Float` model for
/// gradient checking. Built-in layers and registered ones (``LayerFactory``) are recreated from
/// their ``Layer/specification``, as an architecture file would be; a custom layer that is not
/// registered conforms by returning a fresh instance of itself for `Other`.
public protocol ScalarConvertibleLayer {
    /// An unbuilt layer of the same configuration (parameters are copied afterwards by name).
    func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other>
}

extension Sequential {
    /// The chain's twin in `Other`, built and with this model's state (see ``Model/converted(to:)``).
    fileprivate func convertedChain<Other: TensorScalar>(to _: Other.Type) throws -> Sequential<Other> {
        guard let inputShape else { throw TrainingError.notBuilt }
        guard let twin = try convertedUnbuilt(to: Other.self) as? Sequential<Other> else {
            preconditionFailure("Sequential.unbuiltTwin must return a Sequential")   // Sequential's own conformance
        }
        var generator = SeededGenerator(seed: 0)
        _ = try twin.build(inputShape: inputShape, generator: &generator)
        try copyState(into: twin)
        return twin
    }
}

extension Model {
    /// The same network computing in `Other`, with every parameter and buffer converted
    /// (e.g. a `Double` copy of a `Float` model, to check its gradients by finite differences):
    /// a ``Sequential`` stays one, a graph model is rebuilt call by call from its layers' twins.
    /// Names, trainable flags and the training mode are kept; the compile configuration is not.
    ///
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` for a layer that is neither
    ///   ``ScalarConvertibleLayer`` nor registered (``LayerFactory``), whose twin names its
    ///   parameters differently, or a model that is neither a `Sequential` nor a graph;
    ///   ``TrainingError/notBuilt`` when the model has no input shape; ``LayerError`` when a
    ///   parameter was given a wrong shape.
    public func converted<Other: TensorScalar>(to _: Other.Type = Other.self) throws -> Model<Other> {
        try validateParameters()
        if let sequential = self as? Sequential<Scalar> { return try sequential.convertedChain(to: Other.self) }
        guard let graph else {
            throw LayerError.invalidArgument(layer: displayName, message: "converted(to:) needs a Sequential or a graph model")
        }
        var twins: [ObjectIdentifier: Layer<Other>] = [:]
        for layer in graph.layers { twins[ObjectIdentifier(layer)] = try layer.convertedUnbuilt(to: Other.self) }
        var tensors: [ObjectIdentifier: [SymbolicTensor<Other>]] = [:]
        let inputs = graph.inputs.map { input in
            let twin = Input<Other>(shape: input.shape, name: graph.name(of: input.node.layer))
            tensors[ObjectIdentifier(input.node)] = [twin]
            return twin
        }
        for node in graph.nodes where !(node.layer is InputLayer<Scalar>) {
            let arguments = node.inputs.map { tensors[ObjectIdentifier($0.node)]![$0.index] }
            tensors[ObjectIdentifier(node)] = try twins[ObjectIdentifier(node.layer)]!.applied(to: arguments)
        }
        let twin = try Model<Other>(inputs: inputs, outputs: graph.outputs.map { tensors[ObjectIdentifier($0.node)]![$0.index] },
                                    name: name)
        try copyState(into: twin)
        return twin
    }

    /// Copies every parameter (value and trainable flag) and buffer into `twin`, converted, and
    /// this model's training mode.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` when the twin names a parameter differently.
    func copyState<Other: TensorScalar>(into twin: Model<Other>) throws {
        for ((name, source), (twinName, target)) in zip(namedParameters(), twin.namedParameters()) {
            guard name == twinName else {
                throw LayerError.invalidArgument(layer: displayName, message: "converted(to:): parameter \(name) became \(twinName) in the twin")
            }
            target.value = source.value.converted(to: Other.self)
            target.requiresGradient = source.requiresGradient
        }
        for ((_, source), (_, target)) in zip(namedBuffers(), twin.namedBuffers()) {
            target.value = source.value.converted(to: Other.self)
        }
        twin.setTraining(isTraining)
    }
}

extension Layer {
    /// This layer's unbuilt twin in `Other`, with the same name, frozen if this layer is.
    func convertedUnbuilt<Other: TensorScalar>(to _: Other.Type) throws -> Layer<Other> {
        let twin: Layer<Other>
        if let model = self as? Model<Scalar>, model.graph != nil {
            twin = try model.converted(to: Other.self)
        } else if let convertible = self as? ScalarConvertibleLayer {
            twin = try convertible.unbuiltTwin(Other.self)
        } else if LayerSpecification.types.contains(typeName) || LayerSpecification.factory(for: typeName) != nil {
            twin = try specification.makeLayer(Other.self)   // what an architecture file would rebuild
        } else {
            throw LayerError.invalidArgument(
                layer: displayName,
                message: "\(typeName) cannot be converted to \(Other.self): register a LayerFactory for it or conform it to ScalarConvertibleLayer")
        }
        twin.name = name
        if !isTrainable { twin.isTrainable = false }   // setting it cascades, so only freezing is copied
        return twin
    }
}

extension Sequential: ScalarConvertibleLayer {
    /// The same chain of layers in `Other`, unbuilt.
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> {
        try Sequential<Other>(layers.map { try $0.convertedUnbuilt(to: Other.self) })
    }
}
