/// A node of the computation graph: a tensor value, the operation that produced it, and after
/// ``backward(seed:)`` the gradient of the result with respect to it.
///
/// Every differentiable operation on variables records its inputs and a *pullback* — a closure
/// mapping the gradient of its output to the gradients of its inputs — right next to its forward
/// computation. `backward()` walks the graph in reverse topological order and accumulates
/// (`+=`) gradients, so a variable used twice receives the sum of both contributions.
///
/// ```swift
/// let x = Variable(Tensor<Double>(-2), requiresGradient: true)
/// let y = Variable(Tensor<Double>(5), requiresGradient: true)
/// let z = Variable(Tensor<Double>(-4), requiresGradient: true)
/// let f = (x + y) * z          // −12
/// try f.backward()
/// x.gradient?.scalar           // −4
/// ```
public final class Variable<Scalar: TensorScalar> {
    /// The value computed by the forward pass (writable for parameters updated by an optimiser).
    public var value: Tensor<Scalar>
    /// The accumulated gradient of the last differentiated result, for leaves that require one.
    public var gradient: Tensor<Scalar>?
    /// Whether gradients flow to this variable. Set it to `false` to freeze a parameter.
    public var requiresGradient: Bool

    let inputs: [Variable]
    let pullback: ((Tensor<Scalar>) -> [Tensor<Scalar>])?
    /// The primitive that computed this value, when it was one (see ``applying(_:to:)``); kept
    /// whenever the inputs are, and while a model is traced for compilation.
    let primitive: (any Primitive<Scalar>)?

    /// Creates a leaf variable (an input, or a parameter when `requiresGradient` is true).
    public init(_ value: Tensor<Scalar>, requiresGradient: Bool = false) {
        self.value = value
        self.requiresGradient = requiresGradient
        self.inputs = []
        self.pullback = nil
        self.primitive = nil
    }

    /// Records the result of an operation. The graph is kept only when recording is on and some
    /// input needs a gradient; otherwise the result is a constant leaf.
    ///
    /// While a model is traced (``GradientRecording/isTracing``) the inputs are always kept, so that
    /// the trace reaches the model's inputs.
    init(_ value: Tensor<Scalar>, inputs: [Variable], primitive: (any Primitive<Scalar>)? = nil,
         pullback: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>]) {
        self.value = value
        let tracked = GradientRecording.isEnabled && inputs.contains { $0.requiresGradient }
        let kept = tracked || GradientRecording.isTracing
        self.requiresGradient = tracked
        self.inputs = kept ? inputs : []
        self.pullback = tracked ? pullback : nil
        self.primitive = kept ? primitive : nil
    }

    /// The shape of ``value``.
    public var shape: [Int] { value.shape }

    /// Clears the accumulated gradient.
    public func zeroGradient() { gradient = nil }

    /// Computes the gradients of this result with respect to every variable it depends on that
    /// requires a gradient, adding them to those variables' ``gradient``.
    ///
    /// - Parameter seed: the gradient of the final objective with respect to this value; may be
    ///   omitted only when the value has one element (it is then 1).
    /// - Throws: ``TensorError/nonScalarBackward(shape:)`` when `seed` is omitted on a
    ///   multi-element value, ``TensorError/incompatibleShapes(operation:lhs:rhs:)`` when the seed's
    ///   shape differs from the value's.
    public func backward(seed: Tensor<Scalar>? = nil) throws {
        let seed = try seed ?? {
            guard value.count == 1 else { throw TensorError.nonScalarBackward(shape: value.shape) }
            return Tensor(shape: value.shape, repeating: 1)
        }()
        guard seed.shape == value.shape else {
            throw TensorError.incompatibleShapes(operation: "backward(seed:)", lhs: value.shape, rhs: seed.shape)
        }
        guard requiresGradient else { return }
        var pending: [ObjectIdentifier: Tensor<Scalar>] = [ObjectIdentifier(self): seed]
        for node in topologicalOrder().reversed() {
            guard let upstream = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let pullback = node.pullback else {
                if node.gradient == nil { node.gradient = upstream } else { node.gradient! += upstream }
                continue
            }
            let gradients = pullback(upstream)
            for (input, g) in zip(node.inputs, gradients) where input.requiresGradient {
                precondition(g.shape == input.value.shape,
                             "gradient rule produced shape \(g.shape) for an input of shape \(input.value.shape)")
                let key = ObjectIdentifier(input)
                if pending[key] == nil { pending[key] = g } else { pending[key]! += g }
            }
        }
    }

    /// Nodes reachable from `self` that require a gradient, each after all of its inputs
    /// (iterative depth-first search, so deep graphs do not overflow the stack).
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited: Set<ObjectIdentifier> = []
        var stack: [(node: Variable, expanded: Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGradient && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}

extension Variable: CustomStringConvertible {
    public var description: String { "Variable(\(value)\(requiresGradient ? ", requiresGradient" : ""))" }
}
