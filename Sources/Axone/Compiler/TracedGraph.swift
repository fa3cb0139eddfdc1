/// Why a model runs on the eager tape instead of the compiled executor (shown once, in `summary()`).
public struct CompilationRefusal: Error, Sendable, CustomStringConvertible {
    /// The reason, in words.
    public let description: String

    init(_ description: String) { self.description = description }

    /// A layer that does not promise a traceable forward pass (``Layer/isTraceable``).
    static func untraceable<Scalar>(_ layer: Layer<Scalar>) -> CompilationRefusal {
        CompilationRefusal("\(layer.displayName) (\(layer.typeName)) runs on the eager tape")
    }
}

/// A model's forward pass as a list of primitive calls: the small graph IR the compiled executor
/// plans (like a jaxpr or a `torch.fx` graph). Values are numbered: the model's inputs first, then
/// its parameters, then constants, random draws and call results in the order they were made.
///
/// A class, immutable once traced: the executor reads it on every call, from several threads, and
/// a struct of a dozen arrays would be copied (each array retained and released) at each read.
final class TracedGraph<Scalar: TensorScalar> {
    /// Where a value comes from.
    enum Source {
        case input(Int)
        case parameter(Int)
        case constant(Tensor<Scalar>)
        /// Random draw `i` of ``randomDraws``, made again before every run.
        case random(Int)
        case call
    }

    /// A tensor a layer draws on every pass (``StochasticLayer/drawRandom(_:_:)``): how to fill it
    /// from the layer's generator, its elements per example, and the value that reads it (`nil`
    /// when nothing does; it is drawn anyway, so that the generator advances as on the eager tape).
    struct RandomDraw {
        let fill: (UnsafeMutableBufferPointer<Scalar>) -> Void
        let elementsPerRow: Int
        var value: Int?
    }

    /// One primitive call: the values it reads and the value it makes.
    struct Call {
        var primitive: any Primitive<Scalar>
        let inputs: [Int]
        var output: Int
    }

    private(set) var sources: [Source]
    /// Each value's shape at the traced batch size.
    private(set) var shapes: [[Int]]
    private(set) var calls: [Call]
    let outputs: [Int]
    /// The number of model inputs (the first values).
    let inputCount: Int
    /// Which values have the batch on their first axis, as whole examples one after another (their
    /// first axis grows with the batch, the others do not), or `nil` when some value depends on the
    /// batch size otherwise. Found by inferring the shapes again for twice the traced batch.
    private(set) var batchLeading: [Bool]? = nil
    /// The model's parameters, in the order of ``Layer/namedParameters(includeFrozen:)``.
    let parameters: [(name: String, variable: Variable<Scalar>)]
    /// The random tensors of a pass, in the order the eager pass draws them.
    private(set) var randomDraws: [RandomDraw]

    /// Traces `model` (a model or any layer) on inputs of `inputShapes` (batch axis included) by
    /// running its forward pass once with every operation keeping its inputs; with `fusing`, an
    /// activation is folded into the linear call before it (see ``fuseActivations()``).
    /// - Throws: ``CompilationRefusal`` when a layer does not promise a traceable forward pass
    ///   (``Layer/isTraceable``) or an operation is not a ``Primitive``.
    init(tracing model: Layer<Scalar>, inputShapes: [[Int]], fusing: Bool = true) throws {
        if let layer = model.allLayers.first(where: { !$0.isTraceable }) {
            throw CompilationRefusal.untraceable(layer)
        }
        let leaves = inputShapes.map { Variable(Tensor<Scalar>.zeros($0)) }
        let parameters = model.namedParameters()
        let recording = RandomDrawRecording()
        let results = RandomDrawRecording.$current.withValue(recording) {
            GradientRecording.$isTracingValue.withValue(true) { withoutGradients { model.forward(leaves) } }
        }
        if let draw = recording.draws.first(where: { $0.shape.first != inputShapes.first?.first }) {
            throw CompilationRefusal("a random draw of shape \(draw.shape) does not follow the batch")
        }
        var randomDraws = recording.draws.map {
            RandomDraw(fill: $0.fill as! (UnsafeMutableBufferPointer<Scalar>) -> Void, elementsPerRow: $0.shape.dropFirst().reduce(1, *), value: nil)
        }
        var drawIndex: [ObjectIdentifier: Int] = [:]
        for (index, draw) in recording.draws.enumerated() { drawIndex[draw.variable] = index }
        var sources: [Source] = leaves.indices.map { .input($0) } + parameters.indices.map { .parameter($0) }
        var shapes = inputShapes + parameters.map(\.variable.shape)
        var calls: [Call] = []
        var ids: [ObjectIdentifier: Int] = [:]
        for (index, variable) in (leaves + parameters.map(\.variable)).enumerated() { ids[ObjectIdentifier(variable)] = index }
        // Depth-first, each value after its inputs (iterative, so deep graphs do not overflow the stack).
        for result in results {
            var stack: [(variable: Variable<Scalar>, expanded: Bool)] = [(result, false)]
            while let (variable, expanded) = stack.popLast() {
                let key = ObjectIdentifier(variable)
                if ids[key] != nil { continue }
                if expanded || variable.inputs.isEmpty {
                    ids[key] = sources.count
                    shapes.append(variable.shape)
                    if let draw = drawIndex[key] {
                        randomDraws[draw].value = sources.count
                        sources.append(.random(draw))
                    } else if variable.inputs.isEmpty {
                        sources.append(.constant(variable.value))
                    } else {
                        guard let primitive = variable.primitive else {
                            throw CompilationRefusal("an operation of shape \(variable.shape) is not a registered primitive")
                        }
                        sources.append(.call)
                        calls.append(Call(primitive: primitive, inputs: variable.inputs.map { ids[ObjectIdentifier($0)]! },
                                          output: sources.count - 1))
                    }
                    continue
                }
                stack.append((variable, true))
                for input in variable.inputs where ids[ObjectIdentifier(input)] == nil { stack.append((input, false)) }
            }
        }
        inputCount = leaves.count
        self.parameters = parameters
        self.randomDraws = randomDraws
        self.sources = sources
        self.shapes = shapes
        self.calls = calls
        outputs = results.map { ids[ObjectIdentifier($0)]! }
        if fusing { fuseActivations() }
        batchLeading = Self.batchLeading(of: self)
    }

    /// Folds an element-wise activation into the linear or convolution call before it when that result
    /// feeds nothing else and the activation's derivative follows from its output (bias and
    /// activation then run in the GEMM's output pass, and the backward pass needs no pre-activation).
    private func fuseActivations() {
        var consumers = [Int](repeating: 0, count: sources.count)
        for call in calls { for input in call.inputs { consumers[input] += 1 } }
        for output in outputs { consumers[output] += 1 }
        var producer = [Int: Int]()
        for (index, call) in calls.enumerated() { producer[call.output] = index }
        var removed = Set<Int>()
        for (index, call) in calls.enumerated() {
            guard let activation = call.primitive as? ElementwisePrimitive<Scalar>, activation.derivativeFollowsFromOutput,
                  let linearIndex = producer[call.inputs[0]], consumers[call.inputs[0]] == 1,
                  let fused = Self.fusing(activation, into: calls[linearIndex].primitive) else { continue }
            calls[linearIndex].primitive = fused
            calls[linearIndex].output = call.output
            removed.insert(index)
        }
        calls = calls.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// `primitive` (a linear map or a convolution without activation) with `activation` fused into
    /// it, or `nil` when it takes none.
    private static func fusing(_ activation: ElementwisePrimitive<Scalar>, into primitive: any Primitive<Scalar>) -> (any Primitive<Scalar>)? {
        if let linear = primitive as? LinearPrimitive<Scalar>, linear.activation == nil {
            return LinearPrimitive(activation: activation)
        }
        if let convolution = primitive as? Convolution2DPrimitive<Scalar>, convolution.activation == nil {
            return Convolution2DPrimitive(window: convolution.window, activation: activation, chunkBytes: convolution.chunkBytes)
        }
        return nil
    }

    /// Each value's shape for a batch of `rows` examples, by shape inference through the calls
    /// (``Primitive/outputShape(_:)``).
    /// - Throws: ``TensorError`` when a call cannot take the shapes (e.g. a reshape to a fixed size).
    func inferredShapes(rows: Int) throws -> [[Int]] {
        var inferred = shapes
        for (index, source) in sources.enumerated() {
            switch source {
            case .input, .random: inferred[index] = [rows] + shapes[index].dropFirst()
            default: break
            }
        }
        for call in calls { inferred[call.output] = try call.primitive.outputShape(call.inputs.map { inferred[$0] }) }
        return inferred
    }

    /// See ``batchLeading``.
    private static func batchLeading(of graph: TracedGraph) -> [Bool]? {
        let (shapes, rows) = (graph.shapes, graph.shapes[0].first ?? 0)
        guard rows > 0, let doubled = try? graph.inferredShapes(rows: 2 * rows) else { return nil }
        var leading: [Bool] = []
        for (traced, other) in zip(shapes, doubled) {
            if traced == other { leading.append(false); continue }
            guard !traced.isEmpty, traced.count == other.count, traced.dropFirst() == other.dropFirst(),
                  other[0] == 2 * traced[0], traced[0] % rows == 0 else { return nil }
            leading.append(true)
        }
        return leading
    }

    /// Whether a batch may run in row shards: every value that depends on the batch holds whole
    /// examples one after another, and every call maps each example of its batch inputs to the same
    /// example of its output (``Primitive/rowLocalInputs(_:)``).
    var isRowLocal: Bool {
        guard let leading = batchLeading, outputs.allSatisfy({ leading[$0] }) else { return false }
        return calls.allSatisfy { call in
            guard call.inputs.contains(where: { leading[$0] }) else { return true }
            guard let cut = call.primitive.rowLocalInputs(call.inputs.map { shapes[$0] }) else { return false }
            return zip(call.inputs, cut).allSatisfy { leading[$0] == $1 }
        }
    }

    /// The elements per example of the largest value that carries the batch (row-local graphs only).
    var largestValuePerRow: Int {
        let perRow = shapes(rows: 1)
        return perRow.indices.filter { batchLeading![$0] }.map { perRow[$0].reduce(1, *) }.max() ?? 0
    }

    /// Each value's shape when the batch holds `rows` examples (row-local graphs only): the first
    /// axis of every batch-leading value scaled from the traced batch.
    func shapes(rows: Int) -> [[Int]] {
        let traced = shapes[0].first ?? 1
        guard let leading = batchLeading else { preconditionFailure("TracedGraph.shapes(rows:): the graph is not row-local") }
        return zip(shapes, leading).map { shape, isLeading in isLeading ? [shape[0] / traced * rows] + shape.dropFirst() : shape }
    }
}
