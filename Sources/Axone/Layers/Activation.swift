/// An activation function by name, as `Dense(…, activation:)` and the architecture JSON use it.
///
/// Hidden units (seeds 000–002): sigmoid, tanh, ReLU and its variants. Output units: identity
/// for regression, sigmoid for binary and softmax for multiclass classification. Learned or random
/// activations (PReLU, RReLU, Maxout) are layers of their own.
public enum Activation: Sendable, Hashable, CustomStringConvertible {
    /// The identity, `f(x) = x` (regression outputs, and logits fed to a loss that reads them).
    case linear
    /// Heaviside step (the perceptron's unit); zero gradient almost everywhere.
    case step
    /// The logistic function `1/(1 + e^−x)`, in (0, 1).
    case sigmoid
    /// The hyperbolic tangent, in (−1, 1).
    case tanh
    /// `max(0, x)`.
    case relu
    /// LeakyReLU with slope α for negative inputs (default 0.01 as in seed 000).
    case leakyRelu(alpha: Double = 0.01)
    /// ELU: `x` for positive inputs, `α·(eˣ − 1)` otherwise (Clevert et al. 2016).
    case elu(alpha: Double = 1)
    /// SELU: ELU scaled so that activations keep zero mean and unit variance (Klambauer et al. 2017; use LeCun initialisation).
    case selu
    /// `log(1 + eˣ)`, a smooth ReLU.
    case softplus
    /// Softmax over the last axis.
    case softmax
    /// Log-softmax over the last axis.
    case logSoftmax

    /// The names accepted by ``init(name:)``.
    public static let names = ["linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu",
                               "softplus", "softmax", "log_softmax"]

    /// Parses a Keras-style name (`relu`, `leaky_relu`, `softmax`, …; `identity` and `None` mean linear).
    /// LeakyReLU and ELU take their α after a colon: `leaky_relu:0.2`, `elu:0.5`.
    public init(name: String) throws {
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            guard let alpha = Double(parts[1]), alpha.isFinite else {
                throw LayerError.unknownName(kind: "activation", name: name, known: Activation.names)
            }
            switch parts[0].lowercased() {
            case "leaky_relu", "leakyrelu": self = .leakyRelu(alpha: alpha)
            case "elu": self = .elu(alpha: alpha)
            default: throw LayerError.unknownName(kind: "activation", name: name, known: Activation.names)
            }
            return
        }
        switch name.lowercased() {
        case "linear", "identity", "none": self = .linear
        case "step", "heaviside": self = .step
        case "sigmoid", "logistic": self = .sigmoid
        case "tanh": self = .tanh
        case "relu": self = .relu
        case "leaky_relu", "leakyrelu": self = .leakyRelu()
        case "elu": self = .elu()
        case "selu": self = .selu
        case "softplus": self = .softplus
        case "softmax": self = .softmax
        case "log_softmax", "logsoftmax": self = .logSoftmax
        default: throw LayerError.unknownName(kind: "activation", name: name, known: Activation.names)
        }
    }

    /// The Keras-style name (with `:α` when α is not the default), accepted back by ``init(name:)``.
    public var description: String {
        switch self {
        case .linear: "linear"
        case .step: "step"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .relu: "relu"
        case .leakyRelu(let alpha): alpha == 0.01 ? "leaky_relu" : "leaky_relu:\(alpha)"
        case .elu(let alpha): alpha == 1 ? "elu" : "elu:\(alpha)"
        case .selu: "selu"
        case .softplus: "softplus"
        case .softmax: "softmax"
        case .logSoftmax: "log_softmax"
        }
    }

    /// The element-wise function, or `nil` for the row-wise softmax family.
    public func elementwise<Scalar: TensorScalar>(_: Scalar.Type) -> ElementwiseFunction<Scalar>? {
        switch self {
        case .linear: .identity
        case .step: .step
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .relu: .relu
        case .leakyRelu(let a): .leakyRelu(alpha: Scalar(a))
        case .elu(let a): .elu(alpha: Scalar(a))
        case .selu: .selu
        case .softplus: .softplus
        case .softmax, .logSoftmax: nil
        }
    }

    /// Applies the activation to a variable.
    public func callAsFunction<Scalar: TensorScalar>(_ x: Variable<Scalar>) -> Variable<Scalar> {
        switch self {
        case .linear: x
        case .softmax: x.softmax()
        case .logSoftmax: x.logSoftmax()
        default: x.applying(elementwise(Scalar.self)!)
        }
    }

    /// Applies the activation to a tensor (inference).
    public func callAsFunction<Scalar: TensorScalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        switch self {
        case .linear: x
        case .softmax: x.softmax()
        case .logSoftmax: x.logSoftmax()
        default: x.mapped(elementwise(Scalar.self)!)
        }
    }
}

/// A layer applying an ``Activation`` (Keras `Activation('softmax')`).
public final class ActivationLayer<Scalar: TensorScalar>: Layer<Scalar> {
    /// The function applied.
    public let activation: Activation

    /// Creates the layer.
    public init(_ activation: Activation, name: String? = nil) {
        self.activation = activation
        super.init(name: name)
    }

    public override var typeName: String { "Activation" }

    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { activation(input) }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.activation = activation.description
        return s
    }
}
