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
