// Layers made from their architecture entries: the built-in types, nested models and the types
// users register (``LayerFactory``).

extension LayerSpecification {
    /// The layer types an architecture may name.
    public static let types = ["Dense", "Activation", "Dropout", "GaussianNoise", "Flatten", "BatchNormalization",
                               "PReLU", "RReLU", "Maxout", "Concatenate", "Add", "Functional", "Sequential",
                               "Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalMaxPooling2D",
                               "GlobalAveragePooling2D", "ZeroPadding2D", "SpatialDropout2D", "Reshape"]

    /// Creates the (unbuilt) layer this specification describes; a nested model (`Functional`,
    /// `Sequential`) is built at once, its weights drawn from `seed`.
    public func makeLayer<Scalar: TensorScalar>(_: Scalar.Type = Scalar.self, seed: UInt64 = 0) throws -> Layer<Scalar> {
        func required<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else {
                throw LayerError.invalidArgument(layer: name ?? type, message: "the architecture must give '\(field)'")
            }
            return value
        }
        func size(_ pair: [Int]?, _ field: String) throws -> Size2D? {
            try pair.map { try Size2D(pair: $0, field: field, layer: name ?? type) }
        }
        func paddingMode() throws -> Padding2D {
            switch padding {
            case nil: return .valid
            case let .mode(mode)?:
                guard let parsed = Padding2D(rawValue: mode) else {
                    throw LayerError.unknownName(kind: "padding", name: mode, known: Padding2D.allCases.map { $0.rawValue })
                }
                return parsed
            case let .amounts(amounts)?:
                throw LayerError.invalidArgument(layer: name ?? type, message: "'padding' must be \"valid\" or \"same\", got \(amounts)")
            }
        }
        let layer: Layer<Scalar>
        switch type {
        case "Dense":
            let units = try required(self.units, "units")
            guard units > 0 else { throw LayerError.invalidArgument(layer: name ?? type, message: "units must be positive, got \(units)") }
            layer = Dense(units, activation: try activation.map(Activation.init(name:)) ?? .linear, useBias: useBias ?? true,
                          kernelInitializer: try kernelInitializer.map(Initializer.init(name:)) ?? .glorotUniform,
                          biasInitializer: try biasInitializer.map(Initializer.init(name:)) ?? .zeros, name: name)
        case "Activation": layer = ActivationLayer(try Activation(name: required(activation, "activation")), name: name)
        case "Dropout":
            layer = try Dropout(rate: required(rate, "rate"), style: style.flatMap(Dropout<Scalar>.Style.init(rawValue:)) ?? .inverted,
                                name: name)
        case "SpatialDropout2D": layer = try SpatialDropout2D(rate: required(rate, "rate"), name: name)
        case "Reshape": layer = Reshape(targetShape: try required(targetShape, "target_shape"), name: name)
        case "GaussianNoise": layer = try GaussianNoise(standardDeviation: required(standardDeviation, "stddev"), name: name)
        case "Flatten": layer = Flatten(name: name)
        case "BatchNormalization": layer = try BatchNormalization(momentum: momentum ?? 0.1, epsilon: epsilon ?? 1e-5, name: name)
        case "PReLU": layer = PReLU(perUnit: perUnit ?? true, initialAlpha: alpha ?? 0.25, name: name)
        case "RReLU": layer = try RReLU(lower: lower ?? 1.0 / 8, upper: upper ?? 1.0 / 3, name: name)
        case "Maxout":
            layer = try Maxout(required(units, "units"), pieces: required(pieces, "pieces"),
                               kernelInitializer: try kernelInitializer.map(Initializer.init(name:)) ?? .glorotUniform, name: name)
        case "Concatenate": layer = Concatenate(axis: axis ?? -1, name: name)
        case "Add": layer = Add(name: name)
        case "Functional": layer = try Model<Scalar>(architecture: required(graph, "graph"), seed: seed)
        case "Sequential": layer = try Sequential<Scalar>(architecture: required(chain, "chain"), seed: seed)
        case "Conv2D":
            let filters = try required(filters, "filters"), kernel: Size2D = try required(size(kernelSize, "kernel_size"), "kernel_size")
            let stride: Size2D = try size(strides, "strides") ?? 1, dilation: Size2D = try size(dilationRate, "dilation_rate") ?? 1
            let activation = try activation.map(Activation.init(name:)) ?? .linear
            let kernelInitializer = try kernelInitializer.map(Initializer.init(name:)) ?? .glorotUniform
            let biasInitializer = try biasInitializer.map(Initializer.init(name:)) ?? .zeros
            layer = Conv2D(filters: filters, kernelSize: kernel, strides: stride, padding: try paddingMode(), dilation: dilation,
                           activation: activation, useBias: useBias ?? true, kernelInitializer: kernelInitializer,
                           biasInitializer: biasInitializer, name: name)
        case "MaxPooling2D":
            layer = MaxPooling2D(poolSize: try size(poolSize, "pool_size") ?? 2, strides: try size(strides, "strides"),
                                 padding: try paddingMode(), name: name)
        case "AveragePooling2D":
            layer = AveragePooling2D(poolSize: try size(poolSize, "pool_size") ?? 2, strides: try size(strides, "strides"),
                                     padding: try paddingMode(), name: name)
        case "GlobalMaxPooling2D": layer = GlobalMaxPooling2D(name: name)
        case "GlobalAveragePooling2D": layer = GlobalAveragePooling2D(name: name)
        case "ZeroPadding2D":
            switch padding {
            case nil: layer = ZeroPadding2D(name: name)
            case let .amounts(amounts)? where amounts.count == 2 && amounts.allSatisfy({ $0.count == 2 }):
                layer = ZeroPadding2D(top: amounts[0][0], bottom: amounts[0][1], left: amounts[1][0], right: amounts[1][1], name: name)
            default:
                throw LayerError.invalidArgument(layer: name ?? type, message: "'padding' must be [[top, bottom], [left, right]]")
            }
        default:
            guard let factory = LayerSpecification.factory(for: type) else {
                throw LayerError.unknownName(kind: "layer type", name: type,
                                             known: LayerSpecification.types + LayerSpecification.registeredTypes)
            }
            layer = try factory.makeLayer(self, as: Scalar.self)
        }
        layer.name = name   // for the layers whose constructor does not take it (models, user layers)
        if trainable == false { layer.isTrainable = false }
        return layer
    }
}
