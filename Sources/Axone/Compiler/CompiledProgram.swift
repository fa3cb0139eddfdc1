/// A traced graph planned for one batch size: every intermediate value and gradient has a place
/// in buffers allocated once, shared by values whose lifetimes do not overlap, and each run
/// replays the primitive calls into them — no allocation, no graph building.
///
/// The caller binds the model's inputs, parameters and random draws (``bind(input:to:)``,
/// ``bind(parameter:to:)``, ``bind(randomDraw:to:)``) before a run; their storage belongs to the caller. A program is used by one thread at a time.
final class CompiledProgram<Scalar: TensorScalar>: @unchecked Sendable {
    let graph: TracedGraph<Scalar>
    /// Each value's shape in this program.
    let shapes: [[Int]]
    /// Each value's element count.
    private let counts: [Int]
    /// Where each value lives during a run.
    private(set) var values: [UnsafeMutablePointer<Scalar>?]
    /// Where each value's gradient lives, for the values that receive one.
    private(set) var gradients: [UnsafeMutablePointer<Scalar>?]
    /// Per call and input: where the input's gradient is written when it adds to an earlier one.
    private var accumulators: [[UnsafeMutablePointer<Scalar>?]]
    /// Whether each call runs backward (its output receives a gradient and an input needs one).
    private let runsBackward: [Bool]
    private let receivesGradient: [Bool]
    private let slots: [UnsafeMutableBufferPointer<Scalar>]
    private let workspace: UnsafeMutableRawBufferPointer
    // Operand arrays reused by every run (rewritten in place, so a run allocates nothing).
    private var inputOperands: [[Operand<Scalar>]]
    private var gradientOperands: [[Operand<Scalar>?]]
    /// For each parameter that gets a gradient, the call whose backward step completes it (the
    /// first call that reads the parameter: the backward pass runs the calls in reverse).
    let gradientCompletion: [Int: Int]

    /// Plans `graph` for `shapes` (see ``TracedGraph/shapes(rows:)``); with `training`, the
    /// backward pass too, for the parameters whose variable requires a gradient.
    init(_ graph: TracedGraph<Scalar>, shapes: [[Int]], training: Bool) {
        self.graph = graph
        self.shapes = shapes
        let calls = graph.calls, valueCount = shapes.count
        let counts = shapes.map { $0.reduce(1, *) }
        self.counts = counts
        // Which values need a gradient (they lead to a trainable parameter) and receive one (they lead to an output).
        var needs = [Bool](repeating: false, count: valueCount)
        var receives = [Bool](repeating: false, count: valueCount)
        if training {
            for (index, source) in graph.sources.enumerated() {
                if case .parameter(let p) = source { needs[index] = graph.parameters[p].variable.requiresGradient }
            }
            for call in calls {
                needs[call.output] = call.inputs.indices.contains { needs[call.inputs[$0]] && call.primitive.isDifferentiable(input: $0) }
            }
            for output in graph.outputs { receives[output] = true }
            for call in calls.reversed() where receives[call.output] {
                for (i, input) in call.inputs.enumerated() where call.primitive.isDifferentiable(input: i) { receives[input] = true }
            }
        }
        runsBackward = calls.map { receives[$0.output] && needs[$0.output] }
        receivesGradient = zip(needs, receives).map { $0 && $1 }
        var completion: [Int: Int] = [:]
        for (k, call) in calls.enumerated().reversed() where runsBackward[k] {
            for (i, input) in call.inputs.enumerated() where input >= graph.inputCount && input < graph.inputCount + graph.parameters.count
                && receivesGradient[input] && call.primitive.isDifferentiable(input: i) {
                completion[input - graph.inputCount] = k
            }
        }
        gradientCompletion = completion

        // Lifetimes over the schedule: forward call k at step k, the loss at step C, backward of call k at 2C − k.
        let c = calls.count, end = 2 * c + 1
        func backwardStep(_ k: Int) -> Int { 2 * c - k }
        var intervals: [BufferInterval] = []
        var producer = [Int](repeating: -1, count: valueCount)
        for (k, call) in calls.enumerated() { producer[call.output] = k }
        var lastUse = [Int](repeating: -1, count: valueCount)
        for (k, call) in calls.enumerated() {
            for input in call.inputs { lastUse[input] = Swift.max(lastUse[input], k) }
            if runsBackward[k] {
                if call.primitive.backwardReadsInputs {
                    for input in call.inputs { lastUse[input] = Swift.max(lastUse[input], backwardStep(k)) }
                }
                if call.primitive.backwardReadsOutput { lastUse[call.output] = Swift.max(lastUse[call.output], backwardStep(k)) }
            }
        }
        for output in graph.outputs { lastUse[output] = end }
        // A view's output shares its input's buffer when a call made that input: one interval, from
        // the input's producer to the last use of either (`valueRoot` maps each value to its buffer's owner).
        var valueRoot = Array(0..<valueCount)
        for call in calls where call.primitive.isView && producer[call.inputs[0]] >= 0 { valueRoot[call.output] = valueRoot[call.inputs[0]] }
        for (k, call) in calls.enumerated() { lastUse[valueRoot[call.output]] = Swift.max(lastUse[valueRoot[call.output]], lastUse[call.output], k) }
        for (k, call) in calls.enumerated() where valueRoot[call.output] == call.output {
            intervals.append(BufferInterval(value: call.output, gradient: false, accumulator: nil, start: k,
                                      end: lastUse[call.output], count: counts[call.output]))
        }
        // A gradient starts with its first writer (the loss, or the last consumer's backward step)
        // and ends with its producer's backward step.
        var firstWriter = [Int](repeating: Int.max, count: valueCount)
        for output in graph.outputs where receivesGradient[output] { firstWriter[output] = c }
        var accumulatesAt = [[Bool]](repeating: [], count: c)
        for k in stride(from: c - 1, through: 0, by: -1) {
            let call = calls[k]
            accumulatesAt[k] = call.inputs.map { _ in false }
            guard runsBackward[k] else { continue }
            for (i, input) in call.inputs.enumerated() where receivesGradient[input] && call.primitive.isDifferentiable(input: i) {
                if firstWriter[input] == Int.max { firstWriter[input] = backwardStep(k) } else { accumulatesAt[k][i] = true }
            }
        }
        // A view's input gradient shares the output gradient's buffer when the view alone writes it
        // (no other consumer adds to it): one interval, from the output gradient's first writer.
        var gradientRoot = Array(0..<valueCount)
        var gradientEnd = producer.map { $0 >= 0 ? backwardStep($0) : end }
        for (k, call) in calls.enumerated().reversed() where call.primitive.isView && runsBackward[k] {
            let input = call.inputs[0]
            guard receivesGradient[input], producer[input] >= 0, firstWriter[input] == backwardStep(k),
                  !accumulatesAt.indices.contains(where: { j in accumulatesAt[j].indices.contains { accumulatesAt[j][$0] && calls[j].inputs[$0] == input } })
            else { continue }
            let root = gradientRoot[call.output]
            gradientRoot[input] = root
            gradientEnd[root] = gradientEnd[input]
        }
        for value in 0..<valueCount where receivesGradient[value] && producer[value] >= 0 && gradientRoot[value] == value {
            intervals.append(BufferInterval(value: value, gradient: true, accumulator: nil, start: firstWriter[value],
                                      end: gradientEnd[value], count: counts[value]))
        }
        for (k, flags) in accumulatesAt.enumerated() {
            for (i, flag) in flags.enumerated() where flag {
                let input = calls[k].inputs[i]
                intervals.append(BufferInterval(value: input, gradient: true, accumulator: (k, i), start: backwardStep(k),
                                          end: backwardStep(k), count: counts[input]))
            }
        }

        // Greedy placement: each interval takes the smallest free slot that fits it, or a new one.
        var slotCapacity: [Int] = [], slotBusyUntil: [Int] = []
        var placement = [Int](repeating: -1, count: intervals.count)
        for index in intervals.indices.sorted(by: { (intervals[$0].start, -intervals[$0].count) < (intervals[$1].start, -intervals[$1].count) }) {
            let interval = intervals[index]
            let free = slotCapacity.indices.filter { slotBusyUntil[$0] < interval.start && slotCapacity[$0] >= interval.count }
            if let best = free.min(by: { slotCapacity[$0] < slotCapacity[$1] }) {
                placement[index] = best
                slotBusyUntil[best] = interval.end
            } else {
                placement[index] = slotCapacity.count
                slotCapacity.append(interval.count)
                slotBusyUntil.append(interval.end)
            }
        }
        slots = slotCapacity.map { .allocate(capacity: Swift.max($0, 1)) }
        values = [UnsafeMutablePointer<Scalar>?](repeating: nil, count: valueCount)
        gradients = [UnsafeMutablePointer<Scalar>?](repeating: nil, count: valueCount)
        accumulators = calls.map { $0.inputs.map { _ in nil } }
        for (index, interval) in intervals.enumerated() {
            let pointer = slots[placement[index]].baseAddress!
            if let accumulator = interval.accumulator { accumulators[accumulator.call][accumulator.input] = pointer }
            else if interval.gradient { gradients[interval.value] = pointer }
            else { values[interval.value] = pointer }
        }
        for value in 0..<valueCount {
            if valueRoot[value] != value { values[value] = values[valueRoot[value]] }
            if gradientRoot[value] != value { gradients[value] = gradients[gradientRoot[value]] }
        }
        // Constants get their own copy; parameters that need a gradient get a buffer kept all run.
        var owned: [UnsafeMutableBufferPointer<Scalar>] = []
        for (index, source) in graph.sources.enumerated() {
            switch source {
            case .constant(let tensor):
                let copy = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: Swift.max(tensor.count, 1))
                tensor.withUnsafeBufferPointer { _ = copy.initialize(fromContentsOf: $0) }
                owned.append(copy)
                values[index] = copy.baseAddress
            case .parameter where receivesGradient[index]:
                let gradient = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: Swift.max(counts[index], 1))
                owned.append(gradient)
                gradients[index] = gradient.baseAddress
            default: break
            }
        }
        ownedBuffers = owned
        let workspaceElements = calls.map { $0.primitive.workspaceSize($0.inputs.map { shapes[$0] }, output: shapes[$0.output]) }.max() ?? 0
        workspace = .allocate(byteCount: Swift.max(workspaceElements, 1) * MemoryLayout<Scalar>.stride, alignment: 64)
        let empty = Operand<Scalar>(UnsafeMutableBufferPointer(start: nil, count: 0), shape: [0])
        inputOperands = calls.map { $0.inputs.map { _ in empty } }
        gradientOperands = calls.map { $0.inputs.map { _ in nil } }
    }

    private let ownedBuffers: [UnsafeMutableBufferPointer<Scalar>]

    deinit {
        for buffer in slots + ownedBuffers { buffer.deallocate() }
        workspace.deallocate()
    }

    /// The rows of the batch this program runs (the first input's first axis).
    var rows: Int { shapes[0].first ?? 0 }

    /// Binds model input `index` to `pointer` (elements shaped as ``shapes``) for the next runs.
    func bind(input index: Int, to pointer: UnsafeMutablePointer<Scalar>?) { values[index] = pointer }

    /// Binds random draw `index` (of ``TracedGraph/randomDraws``) to its elements for the next runs.
    func bind(randomDraw index: Int, to pointer: UnsafeMutablePointer<Scalar>?) {
        if let value = graph.randomDraws[index].value { values[value] = pointer }
    }

    /// Binds parameter `index` (of ``TracedGraph/parameters``) to its storage for the next runs.
    func bind(parameter index: Int, to pointer: UnsafeMutablePointer<Scalar>?) { values[graph.inputCount + index] = pointer }

    /// The gradient of parameter `index` after ``backward(_:)``, or `nil` when it gets none.
    func parameterGradient(_ index: Int) -> UnsafeMutableBufferPointer<Scalar>? {
        let value = graph.inputCount + index
        return gradients[value].map { UnsafeMutableBufferPointer(start: $0, count: counts[value]) }
    }

    /// Output `index`'s value after ``forward(_:)``.
    func output(_ index: Int) -> Operand<Scalar> { operand(graph.outputs[index]) }

    /// Where the gradient of output `index` goes before ``backward(_:)`` (`nil` when nothing trainable depends on it).
    func outputGradient(_ index: Int) -> Operand<Scalar>? {
        let value = graph.outputs[index]
        return gradients[value].map { operand(value, at: $0) }
    }

    /// Value `value` where it lives during a run.
    private func operand(_ value: Int) -> Operand<Scalar> { operand(value, at: values[value]) }

    /// Elements shaped like value `value` at `pointer` (the value, its gradient or an accumulator).
    private func operand(_ value: Int, at pointer: UnsafeMutablePointer<Scalar>?) -> Operand<Scalar> {
        Operand(UnsafeMutableBufferPointer(start: pointer, count: counts[value]), shape: shapes[value])
    }

    /// Runs every call forward. With `summed`, that call — a ``LinearPrimitive`` — sums the
    /// partial products of `x·W` computed by the caller instead of computing the product (see
    /// ``LinearPrimitive/forward(_:summing:into:_:)``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(_ context: PrimitiveContext, summing summed: (call: Int, partials: PartialProducts<Scalar>)? = nil) {
        let context = PrimitiveContext(pooled: context.pooled, workspace: workspace)
        for k in graph.calls.indices {
            let inputs = graph.calls[k].inputs
            for i in inputs.indices { inputOperands[k][i] = operand(inputs[i]) }
            if let summed, summed.call == k, let linear = graph.calls[k].primitive as? LinearPrimitive<Scalar> {
                linear.forward(inputOperands[k], summing: summed.partials, into: operand(graph.calls[k].output), context)
            } else {
                graph.calls[k].primitive.forward(inputOperands[k], into: operand(graph.calls[k].output), context)
            }
        }
    }

    /// Runs every call backward, from the output gradients written by the caller to the
    /// parameters' gradients (overwritten), calling `afterCall` with each call's index once its
    /// backward step is done (see ``gradientCompletion``). With `deferred`, that call — a
    /// ``LinearPrimitive`` — leaves its weight gradient alone and writes its `dZ` at `deferred.dz`
    /// instead (see ``LinearPrimitive/backward(_:output:upstream:into:deferringWeightGradientTo:_:)``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func backward(_ context: PrimitiveContext, deferring deferred: (call: Int, dz: UnsafeMutablePointer<Scalar>)? = nil,
                  afterCall: (Int) -> Void = { _ in }) {
        let context = PrimitiveContext(pooled: context.pooled, workspace: workspace)
        for k in stride(from: graph.calls.count - 1, through: 0, by: -1) where runsBackward[k] {
            let inputs = graph.calls[k].inputs, output = graph.calls[k].output
            for i in inputs.indices {
                let input = inputs[i]
                inputOperands[k][i] = operand(input)
                let target = accumulators[k][i]
                    ?? (receivesGradient[input] && graph.calls[k].primitive.isDifferentiable(input: i) ? gradients[input] : nil)
                gradientOperands[k][i] = target.map { operand(input, at: $0) }
            }
            if let deferred, deferred.call == k, let linear = graph.calls[k].primitive as? LinearPrimitive<Scalar> {
                linear.backward(inputOperands[k], output: operand(output), upstream: operand(output, at: gradients[output]),
                                into: gradientOperands[k], deferringWeightGradientTo: UnsafeMutableBufferPointer(start: deferred.dz, count: counts[output]),
                                context)
            } else {
                graph.calls[k].primitive.backward(inputOperands[k], output: operand(output), upstream: operand(output, at: gradients[output]),
                                                  into: gradientOperands[k], context)
            }
            for i in inputs.indices {
                guard let accumulator = accumulators[k][i], let gradient = gradients[inputs[i]] else { continue }
                let count = counts[inputs[i]]
                Scalar.accumulate(UnsafeBufferPointer(start: accumulator, count: count), into: UnsafeMutableBufferPointer(start: gradient, count: count))
            }
            afterCall(k)
        }
    }
}

/// A planned buffer's lifetime over a program's schedule (steps `start…end`, both included): a
/// value, its gradient, or the gradient of input `accumulator.input` of call `accumulator.call`,
/// written there before it is added to the value's gradient.
private struct BufferInterval {
    let value: Int, gradient: Bool, accumulator: (call: Int, input: Int)?, start: Int, end: Int, count: Int
}
