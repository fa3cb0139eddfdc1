/// Non-trainable state a layer keeps between calls (e.g. BatchNorm's running mean); saved with
/// the parameters under its property name, never updated by an optimiser.
public final class Buffer<Scalar: TensorScalar> {
    /// The current value.
    public var value: Tensor<Scalar>

    /// Creates a buffer holding `value`.
    public init(_ value: Tensor<Scalar>) { self.value = value }
}

/// The base class of every layer and model: holds the training flag and the trainable flag, and
/// finds parameters, buffers and sub-layers by reflection, named by their property paths
/// (`layers.0.weight`) — the names used in checkpoints and ONNX files.
///
/// A subclass declares its parameters as `Variable` properties, its non-trainable state as
/// ``Buffer`` properties and its sub-layers as `Layer` (or `[Layer]`) properties, then overrides
/// ``build(inputShape:generator:)`` and ``forward(_:)->Variable<Scalar>``.
open class Layer<Scalar: TensorScalar> {
    /// Whether the layer behaves as in training (dropout active, batch statistics) or inference.
    /// Set it on the root with ``setTraining(_:)`` so every sub-layer follows; inside `predict` and
    /// `evaluate` it reads `false` on the calling thread whatever was set.
    public var isTraining: Bool { ForwardMode.override == nil && trainingFlag }
    /// The mode set by ``setTraining(_:)``.
    private var trainingFlag = true

    /// A display name (`dense_1`); `nil` lets containers name the layer by its type.
    public var name: String?

    /// Whether the optimiser updates this layer's parameters. Setting it applies to every sub-layer:
    /// a frozen layer's parameters stop receiving gradients and count as non-trainable.
    public var isTrainable = true {
        didSet {
            for (_, p) in ownParameters() { p.requiresGradient = isTrainable }
            for child in children { child.isTrainable = isTrainable }
        }
    }

    /// Creates a layer with an optional name, used in summaries, graph models (``Model/layer(named:)``)
    /// and architecture files; when it is `nil`, containers name the layer after its type.
    public init(name: String? = nil) { self.name = name }

    /// The layer's type as shown by `summary()` (`Dense`, `Dropout`, …).
    open var typeName: String { String(describing: type(of: self)).components(separatedBy: "<").first ?? "Layer" }

    /// Creates the parameters for inputs of `inputShape` (features only, no batch axis) if needed,
    /// checks that shape, and returns the output shape.
    open func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] { inputShape }

    /// Checks that the parameters still have the shapes the layer was built with (they are public
    /// and may have been reassigned); by default, checks the sub-layers. `fit`, `predict` and
    /// `evaluate` call it before using the parameters.
    /// - Throws: ``LayerError`` naming the layer and the parameter.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    open func validateParameters() throws {
        for child in children { try child.validateParameters() }
    }

    /// The forward pass on a batch (`[batch, features…]`), recording the graph when gradients are on.
    open func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input }

    /// Whether ``Layer/forward(_:)->Variable<Scalar>`` is a pure function of the inputs and the parameters — no random
    /// draw, no state written, no value read from elsewhere — so that the compiled executor may
    /// trace it once and replay its primitives (see ``Primitive``). `false` by default: the model
    /// then trains on the eager tape and ``Model/compilation`` says why. Override it in a layer of
    /// one's own whose forward pass is built from ``Variable`` operations and nothing else.
    open var isTraceable: Bool { false }

    /// The number of examples every batch must hold, for a layer that computes a whole batch at
    /// once (a reshape to a fixed size, statistics over the batch); `nil`, the default, when
    /// examples are computed independently. A model holding such a layer feeds it batches of
    /// exactly that size (``Model/requiredBatchSize``).
    open var requiredBatchSize: Int? { nil }

    /// Creates the parameters for several inputs (shapes without the batch axis) and returns the
    /// shape of each output. By default a layer takes one input and gives one output, through
    /// ``Layer/build(inputShape:generator:)``; merge layers and models used as layers override it.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` when the number of inputs is wrong.
    open func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [[Int]] {
        guard inputShapes.count == 1 else {
            throw LayerError.invalidArgument(layer: displayName, message: "takes one input, got \(inputShapes.count)")
        }
        return [try build(inputShape: inputShapes[0], generator: &generator)]
    }

    /// The forward pass of a layer with several inputs or outputs (by default, ``Layer/forward(_:)->Variable<Scalar>`` on the one input).
    open func forward(_ inputs: [Variable<Scalar>]) -> [Variable<Scalar>] { [forward(inputs[0])] }

    /// Runs ``Layer/forward(_:)->Variable<Scalar>``.
    public func callAsFunction(_ input: Variable<Scalar>) -> Variable<Scalar> { forward(input) }

    /// Switches this layer and all sub-layers to training (`true`) or inference (`false`) behaviour.
    public func setTraining(_ training: Bool) {
        trainingFlag = training
        for child in children { child.setTraining(training) }
    }

    /// Switches to inference behaviour (like PyTorch's `eval()`).
    public func eval() { setTraining(false) }
    /// Switches to training behaviour (like PyTorch's `train()`).
    public func train() { setTraining(true) }

    // MARK: Reflection

    /// The stored properties of this layer (and of its superclasses) that hold a sub-layer, a list
    /// of sub-layers, a parameter or a buffer, with their labels, the class's own first. Only the
    /// properties whose declared types can hold one are read (see ``ReflectionPlan``), from memory
    /// when the plan allows it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func reflectedValues() -> [(label: String, value: ReflectedValue<Scalar>)] {
        var result: [(String, ReflectedValue<Scalar>)] = []
        func append(_ label: String?, _ value: Any, _ role: FieldRole) {
            guard let label, let reflected = Self.reflect(value, as: role) else { return }
            result.append((label, reflected))
        }
        let plan = ReflectionPlan.of(self)
        if let plan, plan.readsDirectly {
            for fields in plan.levels {
                for field in fields ?? [] {
                    guard field.holdsReference else {
                        append(field.label, field.value(in: self), field.role)
                        continue
                    }
                    // The plan is made per class from the declared types, for this class's `Scalar`:
                    // the object is of the class its role names.
                    guard let object = field.referencedObject(in: self) else { continue }
                    switch field.role {
                    case .layer: result.append((field.label, .layer(unsafeDowncast(object, to: Layer<Scalar>.self))))
                    case .parameter: result.append((field.label, .parameter(unsafeDowncast(object, to: Variable<Scalar>.self))))
                    case .buffer: result.append((field.label, .buffer(unsafeDowncast(object, to: Buffer<Scalar>.self))))
                    case .layers, .any: append(field.label, field.value(in: self), field.role)
                    }
                }
            }
            return result
        }
        var mirror: Mirror? = Mirror(reflecting: self)
        guard let plan else {
            while let level = mirror {
                for child in level.children { append(child.label, child.value, .any) }
                mirror = level.superclassMirror
            }
            return result
        }
        for fields in plan.levels {
            guard let level = mirror else { break }
            let children = level.children
            if let fields {
                for field in fields {
                    let child = children[children.index(children.startIndex, offsetBy: field.index)]
                    append(child.label, child.value, field.role)
                }
            } else {
                for child in children { append(child.label, child.value, .any) }
            }
            mirror = level.superclassMirror
        }
        return result
    }

    /// `value` cast to what a property of `role` can hold. An array is cast to `[Layer]` before
    /// anything is cast to a class: the other way, a failed cast would bridge it to an `NSArray`.
    /// A dynamic cast unwraps optionals, so `Layer?` and `Layer` properties are found alike.
    private static func reflect(_ value: Any, as role: FieldRole) -> ReflectedValue<Scalar>? {
        if role == .layers || role == .any, let layers = value as? [Layer] { return .layers(layers) }
        if role == .layer || role == .any, let layer = value as? Layer { return .layer(layer) }
        if role == .parameter || role == .any, let variable = value as? Variable<Scalar> { return .parameter(variable) }
        if role == .buffer || role == .any, let buffer = value as? Buffer<Scalar> { return .buffer(buffer) }
        return nil
    }

    /// The direct sub-layers, named by property (`layers.0` for an array element).
    open var namedChildren: [(name: String, layer: Layer)] { reflectedChildren() }

    /// ``namedChildren`` as the properties give them (specialised: layers are generic classes,
    /// whose methods otherwise run unspecialised and look up their types' metadata at each call).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func reflectedChildren() -> [(name: String, layer: Layer)] {
        reflectedValues().flatMap { label, value -> [(String, Layer)] in
            switch value {
            case .layer(let layer): [(label, layer)]
            case .layers(let layers): layers.enumerated().map { ("\(label).\($0.offset)", $0.element) }
            case .parameter, .buffer: []
            }
        }
    }

    var children: [Layer] { childLayers() }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func childLayers() -> [Layer] { namedChildren.map { $0.layer } }

    /// This layer and every layer below it.
    public var allLayers: [Layer<Scalar>] {
        var result: [Layer<Scalar>] = []
        var stack: [Layer<Scalar>] = [self]
        while let layer = stack.popLast() {
            result.append(layer)
            stack.append(contentsOf: layer.children.reversed())
        }
        return result
    }

    /// Parameters declared by this layer itself (not its sub-layers).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func ownParameters() -> [(name: String, variable: Variable<Scalar>)] {
        reflectedValues().compactMap { label, value in
            if case .parameter(let variable) = value { (label, variable) } else { nil }
        }
    }

    /// Parameters of this layer and its sub-layers, keyed by dotted property path. A parameter
    /// reachable by two paths (a layer inside a nested model and also called directly) is listed
    /// once, under the first path, so it is updated, penalised, counted and saved once.
    /// - Parameter includeFrozen: also list parameters of frozen layers (for saving).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func namedParameters(includeFrozen: Bool = true) -> [(name: String, variable: Variable<Scalar>)] {
        var seen: Set<ObjectIdentifier> = []
        return allNamedParameters(includeFrozen: includeFrozen).filter { seen.insert(ObjectIdentifier($0.variable)).inserted }
    }

    /// ``namedParameters(includeFrozen:)`` with repeats.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func allNamedParameters(includeFrozen: Bool) -> [(name: String, variable: Variable<Scalar>)] {
        guard includeFrozen || isTrainable else { return [] }
        var result = ownParameters()
        for (prefix, child) in namedChildren {
            result += child.allNamedParameters(includeFrozen: includeFrozen).map { ("\(prefix).\($0.name)", $0.variable) }
        }
        return result
    }

    /// Calls `body` with every parameter of this layer and its sub-layers in the order of
    /// ``namedParameters(includeFrozen:)``, repeats included, without naming them: for checks that
    /// run on every call, such as whether a compiled executor still reads the model's parameters.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forEachParameter(_ body: (Variable<Scalar>) -> Void) {
        for (_, variable) in ownParameters() { body(variable) }
        for child in children { child.forEachParameter(body) }
    }

    /// The parameters an optimiser should update (those of trainable layers).
    public var trainableParameters: [(name: String, variable: Variable<Scalar>)] {
        namedParameters(includeFrozen: false).filter { $0.variable.requiresGradient }
    }

    /// Non-trainable state of this layer and its sub-layers, keyed by dotted property path (each
    /// buffer once, as parameters are).
    public func namedBuffers() -> [(name: String, buffer: Buffer<Scalar>)] {
        var seen: Set<ObjectIdentifier> = []
        return allNamedBuffers().filter { seen.insert(ObjectIdentifier($0.buffer)).inserted }
    }

    /// ``namedBuffers()`` with repeats.
    private func allNamedBuffers() -> [(name: String, buffer: Buffer<Scalar>)] {
        var result: [(String, Buffer<Scalar>)] = reflectedValues().compactMap { label, value in
            if case .buffer(let buffer) = value { (label, buffer) } else { nil }
        }
        for (prefix, child) in namedChildren {
            result += child.allNamedBuffers().map { ("\(prefix).\($0.name)", $0.buffer) }
        }
        return result
    }

    /// The number of scalars in trainable parameters.
    public var trainableParameterCount: Int {
        namedParameters().filter { $0.variable.requiresGradient }.map { $0.variable.value.count }.reduce(0, +)
    }

    /// The number of scalars in frozen parameters and buffers.
    public var nonTrainableParameterCount: Int {
        namedParameters().filter { !$0.variable.requiresGradient }.map { $0.variable.value.count }.reduce(0, +)
            + namedBuffers().map { $0.buffer.value.count }.reduce(0, +)
    }

    /// Clears the gradient of every parameter.
    public func zeroGradients() {
        for (_, p) in namedParameters() { p.zeroGradient() }
    }

    /// How the layer is written in an architecture file (its type, name and hyper-parameters).
    open var specification: LayerSpecification {
        var specification = LayerSpecification(type: typeName)
        specification.name = name
        if !isTrainable { specification.trainable = false }
        return specification
    }

    /// A label for error messages: the name if set, else the type.
    public var displayName: String { name ?? typeName }
}
