import Foundation

/// One layer of an architecture file: `{"type": "Dense", "units": 256, "activation": "relu"}`.
///
/// Fields a layer type does not use are left out. Names of activations and initialisers are the
/// Keras spellings accepted by ``Activation/init(name:)`` and ``Initializer/init(name:)``.
public struct LayerSpecification: Codable, Equatable, Sendable {
    public var type: String
    public var name: String?
    public var units: Int?
    public var activation: String?
    public var useBias: Bool?
    public var kernelInitializer: String?
    public var biasInitializer: String?
    public var rate: Double?
    public var style: String?
    public var momentum: Double?
    public var epsilon: Double?
    public var pieces: Int?
    public var perUnit: Bool?
    public var alpha: Double?
    public var lower: Double?
    public var upper: Double?
    public var standardDeviation: Double?
    public var trainable: Bool?
    /// The axis of a `Concatenate` layer.
    public var axis: Int?
    /// A convolution's number of output channels.
    public var filters: Int?
    /// A convolution window's `[height, width]`.
    public var kernelSize: [Int]?
    /// A window's step `[rows, columns]`.
    public var strides: [Int]?
    /// A window's padding mode, or a ``ZeroPadding2D``'s amounts.
    public var padding: LayerPadding?
    /// A convolution's spacing between kernel taps `[rows, columns]`.
    public var dilationRate: [Int]?
    /// A pooling window's `[height, width]`.
    public var poolSize: [Int]?
    /// A ``Reshape`` layer's example shape.
    public var targetShape: [Int]?
    /// The graph of a model used as a layer.
    public var graph: GraphArchitecture?
    /// The chain of a `Sequential` used as a layer.
    public var chain: Architecture?
    /// The hyper-parameters of a user-defined layer (see ``LayerFactory``), as strings.
    public var options: [String: String]?

    public init(type: String) { self.type = type }

    enum CodingKeys: String, CodingKey {
        case type, name, units, activation, rate, style, momentum, epsilon, pieces, alpha, lower, upper, trainable, axis, graph, chain, options
        case useBias = "use_bias", kernelInitializer = "kernel_initializer", biasInitializer = "bias_initializer"
        case perUnit = "per_unit", standardDeviation = "stddev"
        case filters, strides, padding, kernelSize = "kernel_size", dilationRate = "dilation_rate", poolSize = "pool_size"
        case targetShape = "target_shape"
    }

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

/// Keras's `padding` field: a mode (`"valid"`, `"same"`) for convolutions and pooling, or the
/// amounts `[[top, bottom], [left, right]]` for ``ZeroPadding2D``.
public enum LayerPadding: Codable, Equatable, Sendable {
    /// A padding mode, as ``Padding2D`` spells it.
    case mode(String)
    /// Rows and columns of zeros: `[[top, bottom], [left, right]]`.
    case amounts([[Int]])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let mode = try? container.decode(String.self) {
            self = .mode(mode)
        } else {
            self = .amounts(try container.decode([[Int]].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .mode(mode): try container.encode(mode)
        case let .amounts(amounts): try container.encode(amounts)
        }
    }
}

/// A `Sequential` model's architecture: its input shape and its layers, as stored in model files
/// (metadata `axone.architecture`) and read by `axone train --model file.json`.
public struct Architecture: Codable, Equatable, Sendable {
    public var inputShape: [Int]
    public var layers: [LayerSpecification]

    enum CodingKeys: String, CodingKey {
        case inputShape = "input_shape", layers
    }

    public init(inputShape: [Int], layers: [LayerSpecification]) {
        self.inputShape = inputShape
        self.layers = layers
    }

    /// Parses architecture JSON; errors say which field is wrong.
    public init(json: String) throws {
        self = try ArchitectureJSON.decode(Architecture.self, from: json)
    }

    /// Pretty-printed JSON with sorted keys.
    /// - Throws: `EncodingError` for a value JSON cannot hold (a NaN hyper-parameter).
    public func encodedJSON() throws -> String { try ArchitectureJSON.encode(self) }

    /// ``encodedJSON()``, or an empty string when it throws (for display).
    public var json: String { (try? encodedJSON()) ?? "" }
}

extension Sequential {
    /// Builds a model from an architecture, with weights drawn from `seed`.
    /// - Throws: ``LayerError`` when the architecture is invalid or its parameters would not fit
    ///   in memory (checked before any weight is created).
    public convenience init(architecture: Architecture, seed: UInt64 = 0) throws {
        try architecture.checkFitsInMemory(as: Scalar.self)
        try self.init(architecture.layers.enumerated().map { try $1.makeLayer(Scalar.self, seed: nestedSeed(seed, $0)) },
                      inputShape: architecture.inputShape, seed: seed)
    }

    /// This model's architecture.
    /// - Throws: ``TrainingError/notBuilt`` when the input shape is unknown.
    public func architecture() throws -> Architecture {
        guard let inputShape else { throw TrainingError.notBuilt }
        return Architecture(inputShape: inputShape, layers: layers.map { $0.specification })
    }
}

/// The seed of the model nested at `index` in a model built from `seed`, so that every nested
/// model draws its own weights and follows the outer seed.
func nestedSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
    (seed ^ 0xD1B5_4A32_D192_ED03) &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
}
