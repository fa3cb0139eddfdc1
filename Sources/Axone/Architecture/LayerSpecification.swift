import Foundation

/// One layer of an architecture file: `{"type": "Dense", "units": 256, "activation": "relu"}`.
///
/// Fields a layer type does not use are left out. Names of activations and initialisers are the
/// Keras spellings accepted by ``Activation/init(name:)`` and ``Initializer/init(name:)``.
public struct LayerSpecification: Codable, Equatable, Sendable {
    /// The layer type: `Dense`, `Conv2D`, `Dropout`, … or a type registered through ``LayerFactory``.
    public var type: String
    /// The layer's name, unique within a graph model.
    public var name: String?
    /// The number of outputs of a `Dense` or `Maxout` layer.
    public var units: Int?
    /// An activation's Keras name (`relu`, `leaky_relu:0.2`), as ``Activation/init(name:)`` reads it.
    public var activation: String?
    /// Whether a `Dense` or convolution layer adds a bias (JSON `use_bias`).
    public var useBias: Bool?
    /// How the kernel is filled, as ``Initializer/init(name:)`` reads it (JSON `kernel_initializer`).
    public var kernelInitializer: String?
    /// How the bias is filled, as ``Initializer/init(name:)`` reads it (JSON `bias_initializer`).
    public var biasInitializer: String?
    /// A dropout layer's probability of dropping a unit.
    public var rate: Double?
    /// A dropout layer's formulation (`inverted` or `vanilla`).
    public var style: String?
    /// A `BatchNormalization` layer's momentum (PyTorch's convention).
    public var momentum: Double?
    /// A `BatchNormalization` layer's ε.
    public var epsilon: Double?
    /// A `Maxout` layer's number of affine maps per output.
    public var pieces: Int?
    /// Whether a `PReLU` layer learns one slope per unit (JSON `per_unit`).
    public var perUnit: Bool?
    /// A `PReLU` layer's starting slope.
    public var alpha: Double?
    /// An `RReLU` layer's lower slope bound.
    public var lower: Double?
    /// An `RReLU` layer's upper slope bound.
    public var upper: Double?
    /// A `GaussianNoise` layer's σ (JSON `stddev`).
    public var standardDeviation: Double?
    /// `false` for a frozen layer.
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

    /// A specification of a layer of type `type` with every other field unset.
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
