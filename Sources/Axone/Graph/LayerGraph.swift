/// The graph of layer calls between a model's inputs and outputs (Keras `Functional`'s nodes, a
/// PyTorch FX graph of modules): its nodes in an order where each comes after the nodes it reads,
/// its distinct layers and their unique names.
struct LayerGraph<Scalar: TensorScalar> {
    let inputs: [SymbolicTensor<Scalar>]
    let outputs: [SymbolicTensor<Scalar>]
    /// The layer calls, inputs first, each after the calls it reads from.
    let nodes: [GraphNode<Scalar>]
    /// The distinct layers other than inputs, in the order of their first call (a shared layer once).
    let layers: [Layer<Scalar>]
    /// The name of every layer of ``nodes`` (inputs included), unique in the graph.
    let names: [ObjectIdentifier: String]

    /// Collects the calls that lead from `inputs` to `outputs`.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` when an output depends on an input
    ///   that is not listed, an input is listed twice or not an `Input`, or two layers share a name.
    init(inputs: [SymbolicTensor<Scalar>], outputs: [SymbolicTensor<Scalar>], modelName: String) throws {
        func fail(_ message: String) -> LayerError { .invalidArgument(layer: modelName, message: message) }
        guard !inputs.isEmpty, !outputs.isEmpty else { throw fail("a model needs at least one input and one output") }
        let inputNodes = inputs.map { ObjectIdentifier($0.node) }
        guard inputs.allSatisfy({ $0.node.layer is InputLayer<Scalar> }) else {
            throw fail("every input must come from Input(shape:), not from a layer's output")
        }
        guard Set(inputNodes).count == inputs.count else { throw fail("an input is listed twice") }
        // Depth-first from the outputs; a node is placed after all the nodes it reads.
        var order: [GraphNode<Scalar>] = []
        var placed: Set<ObjectIdentifier> = []
        var stack: [(node: GraphNode<Scalar>, expanded: Bool)] = outputs.reversed().map { ($0.node, false) }
        while let (node, expanded) = stack.popLast() {
            let id = ObjectIdentifier(node)
            if placed.contains(id) { continue }
            if expanded { placed.insert(id); order.append(node); continue }
            if node.layer is InputLayer<Scalar> && !inputNodes.contains(id) {
                throw fail("an output depends on the input '\(node.layer.name ?? "input")' (shape \(node.outputShapes[0])), which is not among the model's inputs")
            }
            stack.append((node, true))
            for input in node.inputs.reversed() where !placed.contains(ObjectIdentifier(input.node)) { stack.append((input.node, false)) }
        }
        // Inputs first, in the order given (even one no output reads), then the calls.
        let calls = order.filter { !($0.layer is InputLayer<Scalar>) }
        nodes = inputs.map(\.node) + calls
        self.inputs = inputs
        self.outputs = outputs
        var seen: Set<ObjectIdentifier> = []
        layers = calls.map(\.layer).filter { seen.insert(ObjectIdentifier($0)).inserted }
        // A layer inside a nested model may not also be called directly, or inside another nested
        // model: files name each layer by one path, so the sharing could not be saved.
        var owner: [ObjectIdentifier: Layer<Scalar>] = [:]
        for layer in layers {
            for member in layer.allLayers {
                if let other = owner.updateValue(layer, forKey: ObjectIdentifier(member)), other !== layer {
                    throw fail("the layer '\(member.displayName)' is used inside '\(other.displayName)' and again in '\(layer.displayName)'; "
                               + "call the nested model instead of its layer, or use another layer")
                }
            }
        }
        let named = inputs.map(\.node.layer) + layers
        let generated = autoNames(named.map { ($0.name, $0 is InputLayer<Scalar> ? "InputLayer" : $0.typeName) })
        if let duplicate = Dictionary(grouping: generated, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw fail("two layers are named '\(duplicate)' (a name given, or made from the type as '<type>_<n>'); give each layer a unique name")
        }
        names = Dictionary(uniqueKeysWithValues: zip(named.map(ObjectIdentifier.init), generated))
    }

    /// The unique name of a layer of the graph.
    func name(of layer: Layer<Scalar>) -> String { names[ObjectIdentifier(layer)] ?? layer.displayName }

    /// How often each layer has been called before `node` in ``nodes`` (Keras's node index).
    func callIndex(of node: GraphNode<Scalar>) -> Int {
        nodes.prefix { $0 !== node }.filter { $0.layer === node.layer }.count
    }

    /// A tensor as Keras writes it in "Connected to": `dense[0][0]` (layer, call, output).
    func reference(to tensor: SymbolicTensor<Scalar>) -> String {
        "\(name(of: tensor.node.layer))[\(callIndex(of: tensor.node))][\(tensor.index)]"
    }

    /// Runs the graph on `values` (one per input), recording the autodiff graph when gradients are on.
    func evaluate(_ values: [Variable<Scalar>]) -> [Variable<Scalar>] {
        let results = run(values) { _, _ in true }
        return outputs.map { results[ObjectIdentifier($0.node)]![$0.index] }
    }

    /// Runs the calls in order on `values`, handing each call's node and outputs to `body`, which
    /// returns whether to go on; returns every call's outputs so far, keyed by node.
    func run(_ values: [Variable<Scalar>],
             observing body: (GraphNode<Scalar>, [Variable<Scalar>]) -> Bool) -> [ObjectIdentifier: [Variable<Scalar>]] {
        precondition(values.count == inputs.count, "graph: \(values.count) values for \(inputs.count) inputs")
        var results: [ObjectIdentifier: [Variable<Scalar>]] = [:]
        for (input, value) in zip(inputs, values) { results[ObjectIdentifier(input.node)] = [value] }
        for node in nodes where !(node.layer is InputLayer<Scalar>) {
            let arguments = node.inputs.map { results[ObjectIdentifier($0.node)]![$0.index] }
            let outputs = node.layer.forward(arguments)
            results[ObjectIdentifier(node)] = outputs
            guard body(node, outputs) else { break }
        }
        return results
    }
}
