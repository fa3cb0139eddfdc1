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
    public var axis: Int?
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
    }

    /// The layer types an architecture may name.
    public static let types = ["Dense", "Activation", "Dropout", "GaussianNoise", "Flatten", "BatchNormalization",
                               "PReLU", "RReLU", "Maxout", "Concatenate", "Add", "Functional", "Sequential"]

    /// Creates the (unbuilt) layer this specification describes.
    public func makeLayer<Scalar: TensorScalar>(_: Scalar.Type = Scalar.self) throws -> Layer<Scalar> {
        func required<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else {
                throw LayerError.invalidArgument(layer: name ?? type, message: "the architecture must give '\(field)'")
            }
            return value
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
        case "Functional": layer = try Model<Scalar>(architecture: required(graph, "graph"))
        case "Sequential": layer = try Sequential<Scalar>(architecture: required(chain, "chain"))
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
        do {
            self = try JSONDecoder().decode(Architecture.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            throw LayerError.invalidArgument(layer: "architecture", message: Architecture.explain(error))
        }
    }

    /// `mlp:784-256-128-10` (ReLU hidden layers, linear output, optional `:tanh`-style activation suffix)
    /// as an architecture.
    public init(preset: String) throws {
        let parts = preset.split(separator: ":").map(String.init)
        let sizes = parts.count >= 2 ? parts[1].split(separator: "-").compactMap { Int($0) } : []
        guard parts.first == "mlp", parts.count <= 3, sizes.count >= 2, sizes.count == parts[1].split(separator: "-").count,
              sizes.allSatisfy({ $0 > 0 }) else {
            throw LayerError.invalidArgument(layer: "preset", message: "'\(preset)' is not a preset; use mlp:<in>-<hidden>-…-<out>[:activation], e.g. mlp:784-256-128-10")
        }
        let hidden = parts.count == 3 ? try Activation(name: parts[2]) : .relu
        var layers: [LayerSpecification] = []
        for (i, units) in sizes.dropFirst().enumerated() {
            var spec = LayerSpecification(type: "Dense")
            spec.units = units
            spec.activation = i == sizes.count - 2 ? nil : hidden.description
            layers.append(spec)
        }
        self.init(inputShape: [sizes[0]], layers: layers)
    }

    /// Pretty-printed JSON with sorted keys.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Says where in the JSON a decoding error is.
    static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case let .keyNotFound(key, context): return "missing '\(key.stringValue)' at \(path(context).isEmpty ? "top level" : path(context))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return "\(context.debugDescription) at \(path(context).isEmpty ? "top level" : path(context))"
        @unknown default: return "\(error)"
        }
    }
}

extension Sequential {
    /// Builds a model from an architecture, with weights drawn from `seed`.
    /// - Throws: ``LayerError`` when the architecture is invalid or its parameters would not fit
    ///   in memory (checked before any weight is created).
    public convenience init(architecture: Architecture, seed: UInt64 = 0) throws {
        try architecture.checkFitsInMemory(as: Scalar.self)
        try self.init(architecture.layers.map { try $0.makeLayer(Scalar.self) }, inputShape: architecture.inputShape, seed: seed)
    }

    /// This model's architecture.
    /// - Throws: ``TrainingError/notBuilt`` when the input shape is unknown.
    public func architecture() throws -> Architecture {
        guard let inputShape else { throw TrainingError.notBuilt }
        return Architecture(inputShape: inputShape, layers: layers.map { $0.specification })
    }
}
