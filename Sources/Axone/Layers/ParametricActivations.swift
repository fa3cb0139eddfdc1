/// PReLU (He et al. 2015): `max(0, x) + α·min(0, x)` with α learned — one per unit (seed 003)
/// or one shared by all units. α starts at 0.25 as in PyTorch.
public final class PReLU<Scalar: TensorScalar>: Layer<Scalar> {
    /// Whether every unit has its own α.
    public let perUnit: Bool
    /// The starting slope.
    public let initialAlpha: Double
    /// The learned slopes `[units]` or `[1]`.
    public var alpha: Variable<Scalar>?

    /// Creates the layer; the slopes are created when the model is built.
    ///
    /// - Parameters:
    ///   - perUnit: one α per unit (input feature) rather than one shared by all.
    ///   - initialAlpha: the starting slope of the negative part.
    ///   - name: the layer's name in summaries and files (named after its type when `nil`).
    public init(perUnit: Bool = true, initialAlpha: Double = 0.25, name: String? = nil) {
        self.perUnit = perUnit
        self.initialAlpha = initialAlpha
        super.init(name: name)
    }

    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        let shape = perUnit ? [inputShape.reduce(1, *)] : [1]
        if let alpha, alpha.shape != shape {
            throw LayerError.shapeMismatch(layer: displayName, expected: "\(alpha.shape) units", got: inputShape)
        }
        if alpha == nil { alpha = Variable(Tensor(shape: shape, repeating: Scalar(initialAlpha)), requiresGradient: isTrainable) }
        return inputShape
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.perUnit = perUnit
        s.alpha = initialAlpha
        return s
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        guard let alpha else { preconditionFailure(LayerError.notBuilt(layer: displayName).description) }
        return input.relu() + input.minimum(Variable(Tensor(0))) * alpha
    }
}

/// Randomised leaky ReLU (Xu et al. 2015): in training each negative input is multiplied by a
/// slope drawn uniformly from [lower, upper]; in inference by their mean. The notes give no range;
/// PyTorch's [1/8, 1/3] is the default.
public final class RReLU<Scalar: TensorScalar>: StochasticLayer<Scalar> {
    /// The lower bound of the random slope.
    public let lower: Double
    /// The upper bound of the random slope.
    public let upper: Double
    /// Creates the layer.
    ///
    /// - Parameters:
    ///   - lower: the lower bound of the slope drawn in training.
    ///   - upper: the upper bound of the slope drawn in training.
    ///   - name: the layer's name in summaries and files (named after its type when `nil`).
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` unless `0 ≤ lower ≤ upper`.
    public init(lower: Double = 1.0 / 8, upper: Double = 1.0 / 3, name: String? = nil) throws {
        guard 0 <= lower && lower <= upper else {
            throw LayerError.invalidArgument(layer: name ?? "RReLU", message: "needs 0 ≤ lower ≤ upper, got \(lower), \(upper)")
        }
        self.lower = lower
        self.upper = upper
        super.init(name: name)
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.lower = lower
        s.upper = upper
        return s
    }

    /// Traceable in training too: the slopes come from ``StochasticLayer/drawRandom(_:_:)``.
    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        let negative = input.minimum(Variable(Tensor(0)))
        guard isTraining else { return input.relu() + negative * Scalar((lower + upper) / 2) }
        return input.relu() + negative * drawRandom(input.shape, .uniform(low: Double(Scalar(lower)), width: Double(Scalar(upper) - Scalar(lower))))
    }
}

/// Maxout (Goodfellow et al. 2013): `units` outputs, each the maximum of `pieces` affine maps of the input.
///
/// The kernel is initialised with `fanIn` = the input size and `fanOut = units`, the fan of each
/// piece (one `[input, units]` affine map; in the backward pass each unit passes gradient through
/// one piece only). Keras has no Maxout layer; its usual stand-in, `Dense(units·pieces)` followed by
/// a max over groups (`tfa.layers.Maxout`), takes both fans from the kernel shape, i.e.
/// `fanOut = units·pieces`. Only the Glorot initialisers read `fanOut`: Glorot uniform draws from
/// ±√(6/(input + units)) here, ±√(6/(input + units·pieces)) there; He and LeCun agree.
public final class Maxout<Scalar: TensorScalar>: Layer<Scalar> {
    /// The number of outputs.
    public let units: Int
    /// The number of affine maps each output takes the maximum of.
    public let pieces: Int
    /// How the kernel is filled when the model is built.
    public let kernelInitializer: Initializer
    /// `[inputSize, units·pieces]`; output unit u takes the maximum over columns u·pieces ..< (u+1)·pieces.
    public var weight: Variable<Scalar>?
    /// `[units·pieces]`.
    public var bias: Variable<Scalar>?

    /// Creates the layer; the kernel and biases are created when the model is built.
    ///
    /// - Parameters:
    ///   - units: the number of outputs.
    ///   - pieces: the number of affine maps per output.
    ///   - kernelInitializer: how the kernel is filled (biases start at zero).
    ///   - name: the layer's name in summaries and files (named after its type when `nil`).
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` unless `units` and `pieces` are positive.
    public init(_ units: Int, pieces: Int, kernelInitializer: Initializer = .glorotUniform, name: String? = nil) throws {
        guard units > 0, pieces > 0 else {
            throw LayerError.invalidArgument(layer: name ?? "Maxout", message: "units and pieces must be positive, got \(units), \(pieces)")
        }
        self.units = units
        self.pieces = pieces
        self.kernelInitializer = kernelInitializer
        super.init(name: name)
    }

    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShape.count == 1, let size = inputShape.first, weight == nil || weight!.shape[0] == size else {
            throw LayerError.shapeMismatch(layer: displayName, expected: "[features]", got: inputShape)
        }
        if weight == nil {
            try checkAllocation(of: [size, units, pieces], layer: displayName, as: Scalar.self)
            let width = units * pieces
            weight = Variable(kernelInitializer.makeTensor([size, width], fanIn: size, fanOut: units, generator: &generator),
                              requiresGradient: isTrainable)
            bias = Variable(.zeros([width]), requiresGradient: isTrainable)
        }
        return [units]
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.units = units
        s.pieces = pieces
        s.kernelInitializer = kernelInitializer.description
        return s
    }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        guard let weight else { preconditionFailure(LayerError.notBuilt(layer: displayName).description) }
        return Variable.linear(input, weight, bias).reshaped([input.shape[0], units, pieces]).max(alongAxes: [2])
    }
}
