/// `y = f(x)` element by element, for one of the backend's ``ElementwiseFunction``s; the pullback
/// is `dx = dy ⊙ f′(x)` (the kernel may read `y` instead of `x`).
public struct ElementwisePrimitive<Scalar: TensorScalar>: Primitive {
    /// The function applied.
    public let function: ElementwiseFunction<Scalar>

    /// Creates the primitive.
    public init(_ function: ElementwiseFunction<Scalar>) { self.function = function }

    public var name: String { "\(function)" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw TensorError.invalidArgument("\(name): one input expected, got \(inputShapes.count)") }
        return inputShapes[0]
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        Scalar.apply(function, inputs[0].elements, into: output.buffer)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0] else { return }
        Scalar.applyDerivative(function, x: inputs[0].elements, y: output.elements, upstream: upstream.elements, into: dx.buffer)
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { inputShapes[0].isEmpty ? nil : [true] }

    /// Whether f′ follows from the output alone, so that the derivative can be taken from `y`
    /// (the ReLU family, sigmoid, tanh, ELU with α ≥ 0, SELU): softplus and ELU with α < 0 (whose
    /// output is positive on both sides) need the input.
    public var derivativeFollowsFromOutput: Bool {
        switch function {
        case .identity, .relu, .sigmoid, .tanh, .selu, .step: true
        case .leakyRelu(let alpha): alpha > 0
        case .elu(let alpha): alpha >= 0
        default: false
        }
    }

    public var onnx: ONNXOperator? {
        switch function {
        case .identity: ONNXOperator("Identity")
        case .negate: ONNXOperator("Neg")
        case .exp: ONNXOperator("Exp")
        case .log: ONNXOperator("Log")
        case .sqrt: ONNXOperator("Sqrt")
        case .abs: ONNXOperator("Abs")
        case .reciprocal: ONNXOperator("Reciprocal")
        case .sign: ONNXOperator("Sign")
        case .sigmoid: ONNXOperator("Sigmoid")
        case .tanh: ONNXOperator("Tanh")
        case .relu: ONNXOperator("Relu")
        case .softplus: ONNXOperator("Softplus")
        case .leakyRelu(let alpha): ONNXOperator("LeakyRelu", attributes: ["alpha": .float(Double(alpha))])
        case .elu(let alpha): ONNXOperator("Elu", attributes: ["alpha": .float(Double(alpha))])
        case .selu: ONNXOperator("Selu", attributes: ["alpha": .float(Double(ElementwiseFunction<Scalar>.seluAlpha)),
                                                      "gamma": .float(Double(ElementwiseFunction<Scalar>.seluLambda))])
        case .step, .square, .scale, .shift: nil
        }
    }
}
