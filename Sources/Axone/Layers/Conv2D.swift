/// A 2-D convolution layer over channels-last images: `y = g(conv(x, K) + b)` with a kernel `K`
/// of shape `[kh, kw, inputChannels, filters]` (Keras's layout) and a bias `[filters]`.
///
/// Inputs are `[batch, height, width, channels]`; see
/// ``Variable/convolution2D(_:kernel:bias:strides:padding:dilation:)`` for the computation. The
/// kernel's fans are Keras's: `fanIn = kh·kw·inputChannels`, `fanOut = kh·kw·filters`.
///
/// ```swift
/// let conv = Conv2D<Float>(filters: 64, kernelSize: 3, padding: .same, activation: .relu)
/// // on [224, 224, 3]: output [224, 224, 64], 1,792 parameters (VGG16's block1_conv1)
/// ```
public final class Conv2D<Scalar: TensorScalar>: Layer<Scalar> {
    /// The number of output channels.
    public let filters: Int
    /// The window's height and width.
    public let kernelSize: Size2D
    /// The window's step.
    public let strides: Size2D
    /// ``Padding2D/valid`` or ``Padding2D/same``.
    public let padding: Padding2D
    /// The spacing between kernel taps (1: a plain convolution).
    public let dilation: Size2D
    /// The activation applied after the convolution.
    public let activation: Activation
    /// Whether the layer has a bias vector.
    public let useBias: Bool
    /// How the kernel is initialised.
    public let kernelInitializer: Initializer
    /// How the bias is initialised.
    public let biasInitializer: Initializer
    /// The number of input channels, known after ``build(inputShape:generator:)``.
    public private(set) var inputChannels: Int?

    /// The kernel `[kh, kw, inputChannels, filters]`; `nil` until built. Checked like ``Dense/weight``.
    public var kernel: Variable<Scalar>?
    /// The bias `[filters]`; `nil` until built or when `useBias` is false.
    public var bias: Variable<Scalar>?

    /// Creates a convolution layer; its weights are created when the model is built with its input
    /// shape. Arguments out of range (a non-positive size) make ``build(inputShape:generator:)`` throw.
    public init(filters: Int, kernelSize: Size2D, strides: Size2D = 1, padding: Padding2D = .valid,
                dilation: Size2D = 1, activation: Activation = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                name: String? = nil) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.dilation = dilation
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        super.init(name: name)
    }

    /// The output shape `[outputHeight, outputWidth, filters]` for inputs `[height, width, channels]`.
    /// - Throws: ``LayerError`` when the arguments or the input shape do not fit.
    func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard filters > 0 else { throw LayerError.invalidArgument(layer: displayName, message: "filters must be positive, got \(filters)") }
        let window = try imageWindow(inputShape: inputShape, kernel: kernelSize, strides: strides, dilation: dilation, padding: padding)
        if let inputChannels, inputChannels != inputShape[2] {
            throw LayerError.shapeMismatch(layer: displayName, expected: "an image [height, width, \(inputChannels)]", got: inputShape)
        }
        return [window.outputHeight, window.outputWidth, filters]
    }

    /// The kernel's shape for inputs of `channels` channels.
    func kernelShape(channels: Int) -> [Int] { [kernelSize.height, kernelSize.width, channels, filters] }

    public override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        let output = try outputShape(for: inputShape)
        let channels = inputShape[2], shape = kernelShape(channels: channels)
        try checkAllocation(of: shape, layer: displayName, as: Scalar.self)
        inputChannels = channels
        if kernel == nil {
            let taps = kernelSize.height * kernelSize.width
            kernel = Variable(kernelInitializer.makeTensor(shape, fanIn: taps * channels, fanOut: taps * filters, generator: &generator),
                              requiresGradient: isTrainable)
            if useBias {
                bias = Variable(biasInitializer.makeTensor([filters], fanIn: taps * channels, fanOut: taps * filters, generator: &generator),
                                requiresGradient: isTrainable)
            }
        }
        return output
    }

    /// Checks that the kernel is `[kh, kw, inputChannels, filters]` and the bias, if any, `[filters]`.
    /// - Throws: ``LayerError/notBuilt(layer:)`` without a kernel, ``LayerError/parameterShape(layer:parameter:expected:got:)``
    ///   when a parameter was given another shape.
    public override func validateParameters() throws {
        guard let inputChannels, let kernel else { throw LayerError.notBuilt(layer: displayName) }
        let expected = kernelShape(channels: inputChannels)
        guard kernel.shape == expected else {
            throw LayerError.parameterShape(layer: displayName, parameter: "kernel", expected: expected, got: kernel.shape)
        }
        if let bias, bias.shape != [filters] {
            throw LayerError.parameterShape(layer: displayName, parameter: "bias", expected: [filters], got: bias.shape)
        }
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.filters = filters
        s.kernelSize = kernelSize.pair
        s.strides = strides.pair
        s.padding = .mode(padding.rawValue)
        s.dilationRate = dilation.pair
        s.activation = activation.description
        if !useBias { s.useBias = false }
        s.kernelInitializer = kernelInitializer.description
        if biasInitializer != .zeros { s.biasInitializer = biasInitializer.description }
        return s
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        guard let kernel else { preconditionFailure(LayerError.notBuilt(layer: displayName).description) }
        do {
            return activation(try Variable.convolution2D(input, kernel: kernel, bias: bias, strides: strides.tuple,
                                                         padding: padding, dilation: dilation.tuple))
        } catch {
            preconditionFailure("\(displayName): \(error)")
        }
    }
}
