/// A fully connected layer: `y = g(x·W + b)` with `W` of shape `[inputSize, units]` — the notes'
/// `Z = A·W + b` (PyTorch's `Linear` stores the transpose).
///
/// ```swift
/// let layer = Dense<Float>(10, inputSize: 784)   // Keras: Dense(10, input_dim=784)
/// layer.trainableParameterCount                   // 7850
/// ```
public final class Dense<Scalar: TensorScalar>: Layer<Scalar> {
    /// The number of output units.
    public let units: Int
    /// The activation applied after the affine map.
    public let activation: Activation
    /// Whether the layer has a bias vector.
    public let useBias: Bool
    /// How the weight is initialised.
    public let kernelInitializer: Initializer
    /// How the bias is initialised.
    public let biasInitializer: Initializer
    /// The expected input size, known at construction or after ``build(inputShape:generator:)``.
    public private(set) var inputSize: Int?

    /// The weight matrix `[inputSize, units]`; `nil` until built.
    ///
    /// It may be replaced (or its `value` assigned) by a tensor of the same shape. A tensor of
    /// another shape is refused when the layer is next used by `fit`, `predict` or `evaluate`:
    /// they call ``validateParameters()`` and throw ``LayerError`` before reading any weight.
    public var weight: Variable<Scalar>?
    /// The bias `[units]`; `nil` until built or when `useBias` is false. Checked like ``weight``.
    public var bias: Variable<Scalar>?

    /// Creates a dense layer. When `inputSize` is given and `seed` too, the weights are created at once;
    /// otherwise they are created when the model is built with its input shape.
    ///
    /// `units` and `inputSize` must be positive: the initialiser does not throw (layers are listed
    /// without `try` in a ``Sequential``), so ``build(inputShape:generator:)`` throws
    /// ``LayerError/invalidArgument(layer:message:)`` for them and the layer stays unbuilt.
    public init(_ units: Int, inputSize: Int? = nil, activation: Activation = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                seed: UInt64? = nil, name: String? = nil) {
        self.units = units
        self.inputSize = inputSize
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        super.init(name: name)
        if let inputSize, let seed {
            var generator = SeededGenerator(seed: seed)
            _ = try? build(inputShape: [inputSize], generator: &generator)
        }
    }

    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard units > 0 else { throw LayerError.invalidArgument(layer: displayName, message: "units must be positive, got \(units)") }
        guard inputShape.count == 1, let size = inputShape.first,
              inputSize == nil || inputSize == size else {
            throw LayerError.shapeMismatch(layer: "\(displayName)(\(inputSize.map(String.init) ?? "?")→\(units))",
                                           expected: "[\(inputSize.map(String.init) ?? "features")]", got: inputShape)
        }
        guard size > 0 else {
            throw LayerError.invalidArgument(layer: displayName, message: "the input size must be positive, got \(size)")
        }
        try checkAllocation(of: [size, units], layer: displayName, as: Scalar.self)
        inputSize = size
        if weight == nil {
            weight = Variable(kernelInitializer.makeTensor([size, units], fanIn: size, fanOut: units,
                                                           generator: &generator), requiresGradient: isTrainable)
            if useBias {
                bias = Variable(biasInitializer.makeTensor([units], fanIn: size, fanOut: units, generator: &generator),
                                requiresGradient: isTrainable)
            }
        }
        return [units]
    }

    /// Checks that the weight is `[inputSize, units]` and the bias, if any, `[units]`.
    /// - Throws: ``LayerError/notBuilt(layer:)`` without a weight, ``LayerError/parameterShape(layer:parameter:expected:got:)``
    ///   when a parameter was given another shape.
    public override func validateParameters() throws {
        guard let inputSize, let weight else { throw LayerError.notBuilt(layer: displayName) }
        // Element by element: an array literal would allocate, and fit may check every batch.
        let shape = weight.value.shape
        guard shape.count == 2, shape[0] == inputSize, shape[1] == units else {
            throw LayerError.parameterShape(layer: displayName, parameter: "weight", expected: [inputSize, units], got: weight.value.shape)
        }
        if let bias, bias.value.shape.count != 1 || bias.value.shape[0] != units {
            throw LayerError.parameterShape(layer: displayName, parameter: "bias", expected: [units], got: bias.value.shape)
        }
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.units = units
        s.activation = activation.description
        if !useBias { s.useBias = false }
        s.kernelInitializer = kernelInitializer.description
        if biasInitializer != .zeros { s.biasInitializer = biasInitializer.description }
        return s
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        guard let weight else { preconditionFailure(LayerError.notBuilt(layer: displayName).description) }
        return activation(Variable.linear(input, weight, bias))
    }
}
