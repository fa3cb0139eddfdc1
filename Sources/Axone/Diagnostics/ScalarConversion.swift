/// A layer that can recreate itself — same configuration, no weights yet — computing in another
/// scalar type. ``Sequential/converted(to:)`` uses it to build a `Double` twin of a `Float`
/// model for gradient checking; every built-in layer conforms, and a custom layer conforms by
/// returning a fresh instance of itself for `Other`.
public protocol ScalarConvertibleLayer {
    /// An unbuilt layer of the same configuration (parameters are copied afterwards by name).
    func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other>
}

extension Sequential {
    /// The same network computing in `Other`, with every parameter and buffer converted
    /// (e.g. a `Double` copy of a `Float` model, to check its gradients by finite differences).
    /// Names, trainable flags and the training mode are kept; the compile configuration is not.
    ///
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` for a layer that is not
    ///   ``ScalarConvertibleLayer`` or whose twin names its parameters differently;
    ///   ``TrainingError/notBuilt`` when the model has no input shape; ``LayerError`` when a
    ///   parameter was given a wrong shape.
    public func converted<Other: TensorScalar>(to _: Other.Type = Other.self) throws -> Sequential<Other> {
        guard let inputShape else { throw TrainingError.notBuilt }
        try validateParameters()
        guard let twin = try convertedUnbuilt(to: Other.self) as? Sequential<Other> else {
            preconditionFailure("Sequential.unbuiltTwin must return a Sequential")   // Sequential's own conformance
        }
        var generator = SeededGenerator(seed: 0)
        _ = try twin.build(inputShape: inputShape, generator: &generator)
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
        return twin
    }
}

extension Layer {
    /// This layer's unbuilt twin in `Other`, with the same name, frozen if this layer is.
    func convertedUnbuilt<Other: TensorScalar>(to _: Other.Type) throws -> Layer<Other> {
        let twin: Layer<Other>
        if let convertible = self as? ScalarConvertibleLayer {
            twin = try convertible.unbuiltTwin(Other.self)
        } else if let factory = LayerSpecification.factory(for: typeName) {
            twin = try factory.makeLayer(specification, as: Other.self)
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
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> {
        try Sequential<Other>(layers.map { try $0.convertedUnbuilt(to: Other.self) })
    }
}

extension Dense: ScalarConvertibleLayer {
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> {
        Dense<Other>(units, activation: activation, useBias: useBias, kernelInitializer: kernelInitializer,
                     biasInitializer: biasInitializer)
    }
}

extension ActivationLayer: ScalarConvertibleLayer {
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> { ActivationLayer<Other>(activation) }
}

extension Dropout: ScalarConvertibleLayer {
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> {
        try Dropout<Other>(rate: rate, style: Dropout<Other>.Style(rawValue: style.rawValue)!)
    }
}

extension GaussianNoise: ScalarConvertibleLayer {
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> {
        try GaussianNoise<Other>(standardDeviation: standardDeviation)
    }
}

extension Flatten: ScalarConvertibleLayer {
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> { Flatten<Other>() }
}

extension BatchNormalization: ScalarConvertibleLayer {
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> {
        try BatchNormalization<Other>(momentum: momentum, epsilon: epsilon)
    }
}

extension PReLU: ScalarConvertibleLayer {
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> {
        PReLU<Other>(perUnit: perUnit, initialAlpha: initialAlpha)
    }
}

extension RReLU: ScalarConvertibleLayer {
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> { try RReLU<Other>(lower: lower, upper: upper) }
}

extension Maxout: ScalarConvertibleLayer {
    public func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> {
        try Maxout<Other>(units, pieces: pieces, kernelInitializer: kernelInitializer)
    }
}
