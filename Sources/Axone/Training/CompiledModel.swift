import Synchronization

/// The compiled executor of a model: its forward pass traced once into primitive calls
/// (``TracedGraph``), planned per batch size (``CompiledProgram``) and replayed — for a training
/// step (forward, each loss with its gradient, backward, the optimiser's update) and for inference.
///
/// **Training.** A batch is split into row shards (64 rows or more each, at most 8) that run the
/// whole forward and backward pass independently on single-threaded BLAS, spread over the pool
/// of ``Parallelism``; each shard writes its own parameter gradients, and the update sums them
/// chunk by chunk, in parallel, applying the optimiser's kernel while the chunk is in cache. One
/// weight is handled apart (see ``deferredCall(rows:graph:programs:)``): the largest one a dense call
/// applies to a model input, whose gradient `xᵀ·dZ` the update computes over the whole batch, in
/// blocks of its rows, each block updated at once by the thread that computed it. The splits depend
/// on the batch size alone, so results are bit-identical whatever the thread count.
///
/// **Inference** runs blocks of ``inferenceBlockRows`` rows starting at row 0 (a power of two up to
/// 256, set by the model's largest activation), each through the whole network in a program of its
/// own taken from a pool, so several threads may infer at once.
///
/// **Random layers** (dropout, noise) draw their tensors for the whole batch before the shards run,
/// from their own generators in the eager pass's order, so training draws the bits the tape would.
///
/// Only graphs whose calls are all row-local compile (every built-in traceable layer is); others,
/// and layers that are not ``Layer/isTraceable``, run on the eager tape (``refusal`` says why).
final class CompiledModel<Scalar: TensorScalar>: @unchecked Sendable {
    /// The traced graph, or why the model cannot compile.
    let trace: Result<TracedGraph<Scalar>, CompilationRefusal>

    /// Rows per training shard (fewer leave BLAS too little work per call).
    static var shardRows: Int { 64 }
    /// The most shards a batch is split into: each adds a set of parameter gradients to sum.
    static var maximumShards: Int { 8 }
    /// Parameter elements per update chunk: the parameter, its gradients and two slots stay in L2.
    static var updateChunk: Int { 16_384 }

    /// The parameters the trace reads, by identity.
    private let parameterIDs: [ObjectIdentifier]

    /// The examples of the batch a model is traced on: tracing runs the forward pass once, so it
    /// stays small (2, not 1: a one-row value would look broadcast along the batch).
    static var tracedRows: Int { 2 }

    /// Traces `model` for inputs of `inputShapes` (without the batch axis).
    init(_ model: Model<Scalar>, inputShapes: [[Int]]) {
        parameterIDs = model.namedParameters().map { ObjectIdentifier($0.variable) }
        let trace = Result { try TracedGraph(tracing: model, inputShapes: inputShapes.map { [Self.tracedRows] + $0 }) }
            .mapError { $0 as? CompilationRefusal ?? CompilationRefusal("\($0)") }
            .flatMap { $0.isRowLocal ? .success($0) : .failure(CompilationRefusal("an operation mixes the rows of a batch")) }
        self.trace = trace
        let rowBytes = ((try? trace.get().largestValuePerRow) ?? 0) * MemoryLayout<Scalar>.stride
        inferenceBlockRows = Self.inferenceBlockRows(largestValueBytesPerRow: rowBytes)
    }

    /// Whether this executor reads `model`'s current parameters (none was replaced since the trace).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func reads(_ model: Model<Scalar>) -> Bool {
        // The walk's parameters, each kept at its first occurrence, must be the traced ones in
        // order: a parameter met again is one already matched.
        var matched = 0, matches = true
        model.forEachParameter { variable in
            let id = ObjectIdentifier(variable)
            if matched < parameterIDs.count && parameterIDs[matched] == id {
                matched += 1
            } else if !parameterIDs[..<matched].contains(id) {
                matches = false
            }
        }
        return matches && matched == parameterIDs.count
    }

    /// Whether every traced parameter still has its traced shape (a value of another shape may
    /// have been assigned since); cheap enough to ask after every batch (specialised: `fit` asks
    /// from generic code, where looking up the parameter tuples' type metadata cost 1 µs a call).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func parametersKeepTheirShapes() -> Bool {
        guard case .success(let graph) = trace else { return true }
        return graph.parameters.indices.allSatisfy { graph.parameters[$0].variable.value.shape == graph.shapes[graph.inputCount + $0] }
    }

    /// The number of primitive calls of the traced forward pass (after fusion).
    var callCount: Int { (try? trace.get().calls.count) ?? 0 }

    /// Why the model runs on the eager tape, or `nil` when it compiles.
    var refusal: CompilationRefusal? {
        if case .failure(let refusal) = trace { return refusal }
        return nil
    }

    // MARK: Training

    private var trainingPrograms: [Int: [CompiledProgram<Scalar>]] = [:]
    /// Each batch size's deferred call (see ``deferredCall(rows:graph:programs:)``), or `-1` for none.
    private var deferredCalls: [Int: Int] = [:]
    /// The deferred call's `dZ` for the whole batch, each shard writing its rows.
    private var deferredGradients = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    /// The deferred call's partial products `x[:, block]·W[block, :]` for the whole batch, one per
    /// block of the weight's rows, each shard summing its rows of them.
    private var partialProducts = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    private var trainable: [Bool] = []
    /// The loss primitives of the step's objectives, with their prepared targets.
    private let losses = CompiledLosses<Scalar>()
    /// Each shard's loss per output (shards × outputs), written by the shards side by side.
    private var shardLosses = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    private var outputs: [Tensor<Scalar>] = []
    private var penaltyScratch: UnsafeMutableBufferPointer<Scalar> = .init(start: nil, count: 0)
    /// The parameters' storage during a step (see ``withBoundStorage(_:inputs:programs:rows:_:)``).
    private var boundParameters: [UnsafeMutableBufferPointer<Scalar>] = []
    /// Data-parallel: the gradient buckets of each batch size's shard programs.
    private var gradientBuckets: [Int: GradientBuckets<Scalar>] = [:]
    private var updateChunks: [UpdateChunk] = []
    private var updateSignature: [UnsafeMutableRawPointer?] = [], candidateSignature: [UnsafeMutableRawPointer?] = []

    /// The random tensors of the last step's batch, one per draw of the trace.
    private var randomBuffers: [UnsafeMutableBufferPointer<Scalar>] = []

    deinit {
        penaltyScratch.deallocate()
        shardLosses.deallocate()
        deferredGradients.deallocate()
        partialProducts.deallocate()
        for buffer in randomBuffers { buffer.deallocate() }
    }

    /// The number of training shards for a batch of `rows`.
    private static func shardCount(rows: Int) -> Int { Swift.max(1, Swift.min(maximumShards, rows / shardRows)) }

    /// The rows of one shard: boundaries on multiples of 16 rows, set by the batch size and the shard count alone.
    private static func rows(ofShard shard: Int, of shards: Int, rows: Int) -> Range<Int> {
        part(shard, of: shards, splitting: rows, inMultiplesOf: 16)
    }

    /// Part `index` of `parts` of `0..<count`, cut on multiples of `multiple` as evenly as that allows.
    private static func part(_ index: Int, of parts: Int, splitting count: Int, inMultiplesOf multiple: Int) -> Range<Int> {
        let blocks = (count + multiple - 1) / multiple
        func boundary(_ s: Int) -> Int { Swift.min(count, blocks * s / parts * multiple) }
        return boundary(index)..<boundary(index + 1)
    }

    /// The shard programs for batches of `rows`, made on first use (and again when the set of
    /// trainable parameters changed).
    private func programs(rows: Int, graph: TracedGraph<Scalar>) -> [CompiledProgram<Scalar>] {
        if trainable.count != graph.parameters.count
            || graph.parameters.indices.contains(where: { graph.parameters[$0].variable.requiresGradient != trainable[$0] }) {
            trainable = graph.parameters.map(\.variable.requiresGradient)
            trainingPrograms.removeAll()
            deferredCalls.removeAll()
            gradientBuckets.removeAll()
            updateSignature.removeAll()
        }
        if let made = trainingPrograms[rows] { return made }
        let shards = Self.shardCount(rows: rows)
        let made = (0..<shards).map { shard in
            CompiledProgram(graph, shapes: graph.shapes(rows: Self.rows(ofShard: shard, of: shards, rows: rows).count), training: true)
        }
        trainingPrograms[rows] = made
        return made
    }

    /// The call whose weight gradient the update computes, for batches of `rows`, or `nil`: of the
    /// ``LinearPrimitive`` calls on a model input (which the shards read as consecutive rows of one
    /// tensor, so the whole batch's `x` is one matrix) whose weight is trainable and read by no other
    /// call, the one with the largest weight, if it has at least 64 rows (inputs) per shard; none
    /// for a batch of one shard. Its `dW = xᵀ·dZ` as one product over the batch (in one block of
    /// rows of `dW` per shard) replaces one product per shard: twice the inner dimension (64 → 128
    /// rows at batch 128), a single gradient to clear, write and read instead of one per shard, and
    /// each block updated by the thread that computed it. Its forward product `x·W` runs the same
    /// way before the shards: one partial product `x[:, block]·W[block, :]` over the whole batch per
    /// block of W's rows, each shard adding its rows of them onto the bias, so that each thread
    /// packs only its block of W instead of all of it. Both sums round differently from the
    /// shards' own products. In data-parallel training the gradient's blocks run after the shards,
    /// over this process's rows, before the sums over the processes.
    private func deferredCall(rows: Int, graph: TracedGraph<Scalar>, programs: [CompiledProgram<Scalar>]) -> Int? {
        if let known = deferredCalls[rows] { return known < 0 ? nil : known }
        var best: (call: Int, size: Int)?
        for (k, call) in graph.calls.enumerated() where programs.count > 1 && call.primitive is LinearPrimitive<Scalar> && call.inputs[0] < graph.inputCount {
            let weight = call.inputs[1], shape = programs[0].shapes[weight], size = shape.reduce(1, *)
            guard shape[0] >= 64 * programs.count,
                  graph.parameters.indices.contains(weight - graph.inputCount), programs[0].parameterGradient(weight - graph.inputCount) != nil,
                  graph.calls.lazy.filter({ $0.inputs.contains(weight) }).count == 1, size > best?.size ?? 0 else { continue }
            best = (k, size)
        }
        deferredCalls[rows] = best?.call ?? -1
        return best?.call
    }

    /// The name of the weight whose gradient the update computes for batches of `rows` (see
    /// ``deferredCall(rows:graph:programs:)``), or `nil` when there is none.
    func deferredWeightName(rows: Int) -> String? {
        guard case .success(let graph) = trace,
              let call = deferredCall(rows: rows, graph: graph, programs: programs(rows: rows, graph: graph)) else { return nil }
        return graph.parameters[graph.calls[call].inputs[1] - graph.inputCount].name
    }

    /// One training step, or `nil` when the model or a loss has no compiled form (the caller then
    /// runs the eager tape). Returns the total loss (penalty included), each output's loss when
    /// there are several, and the outputs (valid until the next step).
    ///
    /// In data-parallel training the rows are this process's share of a global batch of
    /// `parallel.rows`: the losses and gradients are scaled by that batch's size, and the shards'
    /// sums, summed over all processes, update the parameters. With `profiler`, the step's phases
    /// are timed there (its clock started by the caller).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func trainStep(_ inputs: [Tensor<Scalar>], _ targets: [Tensor<Scalar>], sampleWeights: Tensor<Scalar>?,
                   configuration: TrainingConfiguration, parallel: (rows: Int, training: DataParallelTraining<Scalar>)? = nil,
                   profiler: TrainingProfiler? = nil, outputLosses: inout [Double]) -> (loss: Scalar, outputs: [Tensor<Scalar>])? {
        guard case .success(let graph) = trace else { return nil }
        let objectives = configuration.objectives
        guard losses.setUp(objectives) else { return nil }
        let rows = inputs[0].shape[0]
        let programs = programs(rows: rows, graph: graph)
        let shards = programs.count
        if shardLosses.count < shards * objectives.count {
            shardLosses.deallocate()
            shardLosses = .allocate(capacity: shards * objectives.count)
        }
        let shardLosses = self.shardLosses, outputCount = objectives.count
        let inverseCount = 1 / Scalar(Swift.max(parallel?.rows ?? rows, 1))
        drawRandomTensors(graph, programs: programs, rows: rows)
        shardStep.programs = programs
        shardStep.deferred = nil
        if let call = deferredCall(rows: rows, graph: graph, programs: programs) {
            let width = programs[0].shapes[graph.calls[call].output][1]
            if deferredGradients.count < rows * width {
                deferredGradients.deallocate()
                deferredGradients = .allocate(capacity: rows * width)
            }
            if partialProducts.count < shards * rows * width {
                partialProducts.deallocate()
                partialProducts = .allocate(capacity: shards * rows * width)
            }
            shardStep.deferred = (call, graph.calls[call].inputs[1] - graph.inputCount, rows, width)
        }
        shardStep.buckets = parallel.map { parallel in
            let bytes = parallel.training.synchronizer.bucketBytes
            let buckets = gradientBuckets[rows].flatMap { $0.bucketBytes == bytes ? $0 : nil }
                ?? GradientBuckets(programs, outputCount: objectives.count, bucketBytes: bytes, summedApart: shardStep.deferred?.weight)
            gradientBuckets[rows] = buckets
            buckets.begin(parallel.training.synchronizer)
            return buckets
        }
        return withBoundStorage(graph, inputs: inputs, programs: programs, rows: rows) {
            losses.prepare(objectives, targets: targets, sampleWeights: sampleWeights, programs: programs, rows: rows, scale: inverseCount)
            // Without data parallelism the update computes the deferred weight's gradient, on top of
            // the penalty's; with it, the blocks run before the sums and the penalty comes after them.
            let updatedByBlocks = parallel == nil ? shardStep.deferred?.weight : nil
            weightProduct = shardStep.deferred.map { deferred in
                let call = graph.calls[deferred.call], shape = programs[0].shapes[call.inputs[1]]
                let penalized = updatedByBlocks != nil && configuration.regularization != nil && Self.isPenalized(deferred.weight, graph)
                return WeightProduct(x: UnsafePointer(programs[0].values[call.inputs[0]]!), w: UnsafePointer(programs[0].values[call.inputs[1]]!),
                                     partials: partialProducts.baseAddress!, dz: UnsafePointer(deferredGradients.baseAddress!),
                                     gradient: programs[0].parameterGradient(deferred.weight)!.baseAddress!, m: deferred.rows,
                                     k: shape[0], n: shape[1], beta: penalized ? 1 : 0)
            }
            profiler?.lap(.bookkeeping)
            if weightProduct != nil {
                // x·W for the whole batch, one partial product per block of W's rows.
                if partialBody == nil { partialBody = { [unowned self] in self.computePartialProduct($0) } }
                Parallelism.parallelForStored(shards, partialBody!)
                profiler?.lap(.deferredProduct)
            }
            if shardBody == nil { shardBody = { [unowned self] in self.runShard($0) } }
            Parallelism.parallelForStored(shards, shardBody!)
            profiler?.lap(.forwardBackward)
            if let parallel {
                // The deferred weight's gradient, whole, before the buckets that carry it start.
                if shardStep.deferred != nil {
                    if productBody == nil { productBody = { [unowned self] in self.computeWeightBlock($0) } }
                    Parallelism.parallelForStored(shards, productBody!)
                }
                shardStep.buckets!.finish(losses: shardLosses, training: parallel.training)
                profiler?.lap(.update)
            }
            let summedShards = parallel == nil ? shards : 1
            outputLosses.removeAll(keepingCapacity: true)
            var loss: Scalar = 0
            for index in objectives.indices {
                var sum: Scalar = 0
                for shard in 0..<summedShards { sum += shardLosses[shard * outputCount + index] }
                if objectives.count > 1 { outputLosses.append(Double(sum)) }
                loss += Scalar(objectives[index].weight) * sum
            }
            if let regularization = configuration.regularization {
                loss += addPenalty(regularization, graph, programs[0], overwriting: updatedByBlocks)
            }
            profiler?.lap(.bookkeeping)
            update(graph, parallel == nil ? programs : [programs[0]], optimizer: configuration.optimizer,
                   deferredWeight: updatedByBlocks)
            profiler?.lap(.update)
            gatherOutputs(programs, rows: rows)
            return (loss, outputs)
        }
    }

    /// Draws the pass's random tensors for a batch of `rows`, in the eager pass's order and from the
    /// layers' own generators (so the tape would draw the same bits), and binds each shard to its rows.
    private func drawRandomTensors(_ graph: TracedGraph<Scalar>, programs: [CompiledProgram<Scalar>], rows: Int) {
        let draws = graph.randomDraws
        if randomBuffers.count != draws.count {
            for buffer in randomBuffers { buffer.deallocate() }
            randomBuffers = draws.map { _ in UnsafeMutableBufferPointer(start: nil, count: 0) }
        }
        for index in draws.indices {
            let count = rows * draws[index].elementsPerRow
            if randomBuffers[index].count < count {
                randomBuffers[index].deallocate()
                randomBuffers[index] = .allocate(capacity: count)
            }
            draws[index].fill(UnsafeMutableBufferPointer(rebasing: randomBuffers[index][..<count]))
            for shard in programs.indices {
                let first = Self.rows(ofShard: shard, of: programs.count, rows: rows).lowerBound
                programs[shard].bind(randomDraw: index, to: randomBuffers[index].baseAddress.map { $0 + first * draws[index].elementsPerRow })
            }
        }
    }

    /// What a step's shards read (set by ``trainStep(_:_:sampleWeights:configuration:parallel:outputLosses:)``
    /// before they run, read by ``runShard(_:)`` on the pool's threads).
    private struct ShardStep {
        var programs: [CompiledProgram<Scalar>] = []
        /// The deferred call, its weight (by parameter index), the batch's rows and the call's
        /// output width (`nil` when none).
        var deferred: (call: Int, weight: Int, rows: Int, width: Int)?
        /// Data-parallel: the buckets the shards report their backward progress to.
        var buckets: GradientBuckets<Scalar>?
    }

    private var shardStep = ShardStep()
    /// The shard loop's body, kept so that the pool runs it without allocating (made in the
    /// specialised step, so that it calls the specialised ``runShard(_:)``).
    private var shardBody: ((Int) -> Void)?

    /// Shard `shard` of the step: its forward pass, each output's loss and gradient (its loss
    /// written to ``shardLosses``), and its backward pass (reported to the gradient buckets in
    /// data-parallel training).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func runShard(_ shard: Int) {
        let step = shardStep, program = step.programs[shard]
        let first = step.deferred.map { Self.rows(ofShard: shard, of: step.programs.count, rows: $0.rows).lowerBound } ?? 0
        program.forward(.serial, summing: step.deferred.map { deferred in
            (deferred.call, PartialProducts(base: UnsafePointer(partialProducts.baseAddress! + first * deferred.width),
                                            count: step.programs.count, stride: deferred.rows * deferred.width))
        })
        losses.run(shard: shard, into: shardLosses)
        let deferring = step.deferred.map { deferred in (deferred.call, deferredGradients.baseAddress! + first * deferred.width) }
        if let buckets = step.buckets {
            program.backward(.serial, deferring: deferring) { buckets.didFinish(call: $0, shard: shard) }
        } else {
            program.backward(.serial, deferring: deferring)
        }
    }

    /// Binds every program to the model's parameters (made unique, valid for `body`) and to its rows of the inputs.
    private func withBoundStorage<R>(_ graph: TracedGraph<Scalar>, inputs: [Tensor<Scalar>], programs: [CompiledProgram<Scalar>],
                                     rows: Int, _ body: () -> R) -> R {
        let shards = programs.count
        boundParameters.removeAll(keepingCapacity: true)
        func bindParameters(from index: Int) -> R {
            guard index < graph.parameters.count else { return bindInputs(from: 0) }
            return graph.parameters[index].variable.value.withUnsafeMutableBufferPointer { storage in
                boundParameters.append(storage)
                for program in programs { program.bind(parameter: index, to: storage.baseAddress) }
                return bindParameters(from: index + 1)
            }
        }
        func bindInputs(from index: Int) -> R {
            guard index < inputs.count else { return body() }
            return inputs[index].withUnsafeBufferPointer { storage in
                let rowSize = inputs[index].count / Swift.max(rows, 1)
                for shard in programs.indices {
                    let program = programs[shard]
                    let first = Self.rows(ofShard: shard, of: shards, rows: rows).lowerBound
                    program.bind(input: index, to: storage.baseAddress.map { UnsafeMutablePointer(mutating: $0) + first * rowSize })
                }
                return bindInputs(from: index + 1)
            }
        }
        return bindParameters(from: 0)
    }

    /// Whether the penalty applies to parameter `index` (trainable, and a weight by its name).
    private static func isPenalized(_ index: Int, _ graph: TracedGraph<Scalar>) -> Bool {
        graph.parameters[index].variable.requiresGradient && Regularization.isPenalized(graph.parameters[index].name)
    }

    /// Adds the penalty's gradient (``PenaltyPrimitive``, the tape's own definition) to the first
    /// shard's gradients of the penalised trainable parameters — written over the gradient of
    /// parameter `overwritten` instead, the deferred weight, whose product the update adds later;
    /// returns the penalty.
    private func addPenalty(_ regularization: Regularization, _ graph: TracedGraph<Scalar>, _ program: CompiledProgram<Scalar>,
                            overwriting overwritten: Int?) -> Scalar {
        let penalty = PenaltyPrimitive<Scalar>(l1: regularization.l1, l2: regularization.l2)
        var total: Scalar = 0
        for index in graph.parameters.indices where Self.isPenalized(index, graph) {
            guard let gradient = program.parameterGradient(index) else { continue }
            if penaltyScratch.count < gradient.count {
                penaltyScratch.deallocate()
                penaltyScratch = .allocate(capacity: gradient.count)
            }
            let scratch = UnsafeMutableBufferPointer(rebasing: penaltyScratch[..<gradient.count])
            // The parameter's storage is bound (held for writing): its shape is read from the program.
            let shape = program.shapes[graph.inputCount + index]
            let w = Operand(boundParameters[index], shape: shape)
            var value: Scalar = 0, seed: Scalar = 1
            withUnsafeMutablePointer(to: &value) { result in
                withUnsafeMutablePointer(to: &seed) { seed in
                    let y = Operand(UnsafeMutableBufferPointer(start: result, count: 1), shape: [])
                    penalty.forward([w], into: y, .serial)
                    penalty.backward([w], output: y, upstream: Operand(UnsafeMutableBufferPointer(start: seed, count: 1), shape: []),
                                     into: [Operand(scratch, shape: shape)], .serial)
                }
            }
            if index == overwritten {
                copyElements(from: scratch.baseAddress!, to: gradient.baseAddress!, count: gradient.count)
            } else {
                Scalar.accumulate(UnsafeBufferPointer(scratch), into: gradient)
            }
            total += value
        }
        return total
    }

    /// One chunk of the update: a range of one parameter, with its gradients from every shard and
    /// its slots; or a block of rows of the deferred weight, whose gradient the chunk computes first.
    private struct UpdateChunk {
        let parameter: UnsafeMutableBufferPointer<Scalar>
        let gradients: [UnsafeMutableBufferPointer<Scalar>]
        let slots: [UnsafeMutableBufferPointer<Scalar>]
        /// The block of the deferred weight this chunk covers, or `nil` for an ordinary chunk.
        var productBlock: Int? = nil
    }

    /// The deferred call's products for the step in progress, read by ``computePartialProduct(_:)``
    /// and ``computeWeightBlock(_:)``: the whole batch's `x [m, k]`, the weight `W [k, n]`, the
    /// partial products of `x·W` (one `[m, n]` per block), `dZ [m, n]`, the weight gradient `[k, n]`
    /// and its β (1 when the gradient already holds the penalty's).
    private struct WeightProduct {
        let x: UnsafePointer<Scalar>, w: UnsafePointer<Scalar>, partials: UnsafeMutablePointer<Scalar>
        let dz: UnsafePointer<Scalar>, gradient: UnsafeMutablePointer<Scalar>
        let m: Int, k: Int, n: Int, beta: Scalar
    }
    private var weightProduct: WeightProduct?
    /// The data-parallel step's loop over the deferred weight's blocks, and the loop over its
    /// partial products, kept so that the pool runs them without allocating.
    private var productBody: ((Int) -> Void)?, partialBody: ((Int) -> Void)?

    /// The rows of block `index` of the deferred weight: one block per shard, on multiples of 8 rows
    /// (equal halves of a 784-row weight at two shards, so that neither thread waits for the other;
    /// multiples of 64 gave 384 and 400 rows).
    private func weightBlock(_ index: Int, of product: WeightProduct) -> Range<Int> {
        Self.part(index, of: shardStep.programs.count, splitting: product.k, inMultiplesOf: 8)
    }

    /// Computes the partial product of block `index` of the deferred weight's rows (see ``weightProduct``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func computePartialProduct(_ index: Int) {
        guard let product = weightProduct else { return }
        LinearPrimitive<Scalar>.partialProduct(x: product.x, w: product.w, m: product.m, k: product.k, n: product.n,
                                               rows: weightBlock(index, of: product), into: product.partials + index * product.m * product.n, .serial)
    }

    /// Computes block `index` of the deferred weight's gradient (see ``weightProduct``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func computeWeightBlock(_ index: Int) {
        guard let product = weightProduct else { return }
        LinearPrimitive<Scalar>.weightGradient(x: product.x, dz: product.dz, m: product.m, k: product.k, n: product.n,
                                               rows: weightBlock(index, of: product), beta: product.beta, into: product.gradient, .serial)
    }

    /// Sums the shards' gradients and applies the optimiser to every trainable parameter that got
    /// a gradient, in parallel chunks of ``updateChunk`` elements (parameters still bound); the
    /// weight `deferredWeight` (by parameter index) in one block of rows per shard, claimed first,
    /// each computing its rows of the gradient (``computeWeightBlock(_:)``) then updating them.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func update(_ graph: TracedGraph<Scalar>, _ programs: [CompiledProgram<Scalar>], optimizer: Optimizer, deferredWeight: Int?) {
        let rule = optimizer.beginStep()
        /// The trainable parameters that got a gradient, by index.
        func isUpdated(_ index: Int) -> Bool {
            graph.parameters[index].variable.requiresGradient && programs[0].parameterGradient(index) != nil
        }
        // What the chunks point into: rebuilt only when one of these addresses changes.
        candidateSignature.removeAll(keepingCapacity: true)
        candidateSignature.append(UnsafeMutableRawPointer(bitPattern: programs.count))
        candidateSignature.append(UnsafeMutableRawPointer(bitPattern: (deferredWeight ?? -1) + 1))
        // The slots' buffers keep their addresses until the optimiser's slots change (its version).
        candidateSignature.append(Unmanaged.passUnretained(optimizer).toOpaque())
        candidateSignature.append(UnsafeMutableRawPointer(bitPattern: optimizer.slotsVersion &+ 1))
        candidateSignature.append(UnsafeMutableRawPointer(bitPattern: rule.slotCount + 1))
        for index in graph.parameters.indices where isUpdated(index) {
            candidateSignature.append(UnsafeMutableRawPointer(boundParameters[index].baseAddress))
            for program in programs { candidateSignature.append(UnsafeMutableRawPointer(program.parameterGradient(index)!.baseAddress)) }
        }
        if candidateSignature != updateSignature {
            swap(&candidateSignature, &updateSignature)
            updateChunks.removeAll()
            for index in graph.parameters.indices where isUpdated(index) {
                let parameter = boundParameters[index], gradients = programs.map { $0.parameterGradient(index)! }
                let slots = optimizer.slotBuffers(for: graph.parameters[index].name, size: parameter.count, rule: rule, as: Scalar.self)
                if index == deferredWeight, let product = weightProduct {
                    // First in the list, so that the blocks start first.
                    let blocks = programs.indices.map { weightBlock($0, of: product) }
                    updateChunks.insert(contentsOf: blocks.enumerated().filter { !$0.element.isEmpty }.map { block, rows in
                        let range = rows.lowerBound * product.n..<rows.upperBound * product.n
                        return UpdateChunk(parameter: UnsafeMutableBufferPointer(rebasing: parameter[range]),
                                           gradients: [UnsafeMutableBufferPointer(rebasing: gradients[0][range])],
                                           slots: slots.map { UnsafeMutableBufferPointer(rebasing: $0[range]) }, productBlock: block)
                    }, at: 0)
                    continue
                }
                for start in stride(from: 0, to: parameter.count, by: Self.updateChunk) {
                    let range = start..<Swift.min(start + Self.updateChunk, parameter.count)
                    updateChunks.append(UpdateChunk(parameter: UnsafeMutableBufferPointer(rebasing: parameter[range]),
                                                    gradients: gradients.map { UnsafeMutableBufferPointer(rebasing: $0[range]) },
                                                    slots: slots.map { UnsafeMutableBufferPointer(rebasing: $0[range]) }))
                }
            }
        }
        updateRule = rule
        if updateBody == nil { updateBody = { [unowned self] in self.updateChunk($0) } }
        Parallelism.parallelForStored(updateChunks.count, updateBody!)
    }

    /// The update rule of the step in progress, read by ``updateChunk(_:)``.
    private var updateRule: UpdateRule?
    /// The update loop's body, kept so that the pool runs it without allocating (made in the
    /// specialised update, so that it calls the specialised ``updateChunk(_:)``).
    private var updateBody: ((Int) -> Void)?

    /// Sums chunk `index`'s gradients over the shards (or computes its rows of the deferred
    /// weight's gradient) and applies the step's rule to it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func updateChunk(_ index: Int) {
        let chunk = updateChunks[index], gradients = chunk.gradients, rule = updateRule!
        if let block = chunk.productBlock { computeWeightBlock(block) }
        guard gradients.count > 1 else {
            return Scalar.update(rule, parameter: chunk.parameter, gradient: UnsafeBufferPointer(gradients[0]), slots: chunk.slots)
        }
        // Shards 2… are added into shard 1's gradient; shards 0 and 1 are summed by the update itself.
        for shard in gradients.dropFirst(2) { Scalar.accumulate(UnsafeBufferPointer(shard), into: gradients[1]) }
        Scalar.update(rule, parameter: chunk.parameter, gradient: gradients[0], adding: UnsafeBufferPointer(gradients[1]),
                      slots: chunk.slots)
    }

    /// Copies the shards' outputs into ``outputs`` (rewritten in place once the caller let go of them).
    private func gatherOutputs(_ programs: [CompiledProgram<Scalar>], rows: Int) {
        let count = programs[0].graph.outputs.count
        if outputs.count != count { outputs = (0..<count).map { _ in .zeros([0]) } }
        for index in 0..<count {
            let rowShape = programs[0].output(index).shape.dropFirst()
            if outputs[index].shape.first != rows || outputs[index].shape.dropFirst() != rowShape {
                outputs[index] = .zeros([rows] + rowShape)
            }
            outputs[index].withUnsafeMutableBufferPointer { destination in
                var offset = 0
                for program in programs {
                    let piece = program.output(index)
                    guard piece.count > 0 else { continue }
                    copyElements(from: piece.pointer, to: destination.baseAddress! + offset, count: piece.count)
                    offset += piece.count
                }
            }
        }
    }

    // MARK: Inference

    /// Idle inference programs, the most recently used last; a block takes one of its row count and
    /// gives it back.
    private let idlePrograms = Mutex<[CompiledProgram<Scalar>]>([])
    /// The most idle inference programs kept: inputs of many lengths leave programs for many tail
    /// blocks, and the oldest are dropped.
    static var idleProgramLimit: Int { 16 }

    /// The most rows per inference block, and the unit ``Model`` rounds the batch size of `predict`
    /// and `evaluate` up to: every block size divides it, so a batch splits into the blocks one
    /// whole input would. A dense layer's product packs its weight once per block, so blocks larger
    /// than the products' 64 rows pay (256 rows: 11–14 % more inference throughput than 64 on the
    /// Fashion-MNIST MLP).
    static var maximumInferenceBlockRows: Int { 256 }

    /// The bytes a block's largest value may take, so that it stays in the caches from the call that
    /// writes it to the one that reads it.
    static var inferenceBlockBytes: Int { 2 << 20 }

    /// Rows per inference block for this model (see ``inferenceBlockRows(largestValueBytesPerRow:)``).
    let inferenceBlockRows: Int

    /// The largest power of two up to ``maximumInferenceBlockRows`` rows whose largest value, of
    /// `bytes` per row, fits in ``inferenceBlockBytes`` (1 when not even one row fits). 256 for the
    /// Fashion-MNIST MLP; 16 for the 2-conv network, whose first convolution writes 86.5 KB an
    /// image: in blocks of 256 that output (22 MB) went to memory and back between the
    /// convolution and the pooling, which then took a fifth of the time; blocks of 16 gave 1.16–1.52×
    /// the inference throughput on a Zen 3 (`AxoneBench cnn`, 3 interleaved pairs; blocks of 64
    /// rows or more gained nothing).
    static func inferenceBlockRows(largestValueBytesPerRow bytes: Int) -> Int {
        var rows = maximumInferenceBlockRows
        while rows > 1 && rows * bytes > inferenceBlockBytes { rows /= 2 }
        return rows
    }

    /// The outputs for `inputs` (whole batches; rows computed in blocks of ``inferenceBlockRows`` that start at row 0),
    /// or `nil` when the model does not compile or its inference pass draws random numbers (a user
    /// layer's). Safe to call from several threads at once.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func infer(_ inputs: [Tensor<Scalar>]) -> [Tensor<Scalar>]? {
        guard case .success(let graph) = trace, graph.randomDraws.isEmpty else { return nil }
        let rows = inputs[0].shape.first ?? 0, block = inferenceBlockRows, blocks = (rows + block - 1) / block
        let shapes = graph.shapes(rows: rows)
        let parameters = graph.parameters.map { $0.variable.value }
        let results = withOperands(parameters) { parameterOperands in
            withOperands(inputs) { inputOperands in
                makingTensors(graph.outputs.map { shapes[$0] }) { (destinations: [Operand<Scalar>?]) in
                    Parallelism.parallelFor(blocks) { b in
                        let first = b * block, n = Swift.min(block, rows - first)
                        let program = idlePrograms.withLock { idle in idle.lastIndex { $0.rows == n }.map { idle.remove(at: $0) } }
                            ?? CompiledProgram(graph, shapes: graph.shapes(rows: n), training: false)
                        for index in parameterOperands.indices { program.bind(parameter: index, to: parameterOperands[index].buffer.baseAddress) }
                        for index in inputOperands.indices {
                            let operand = inputOperands[index]
                            program.bind(input: index, to: operand.buffer.baseAddress.map { $0 + first * (operand.count / rows) })
                        }
                        program.forward(.serial)
                        for index in destinations.indices {
                            let piece = program.output(index)
                            if piece.count > 0 { copyElements(from: piece.pointer, to: destinations[index]!.pointer + first * (piece.count / n), count: piece.count) }
                        }
                        idlePrograms.withLock { idle in
                            if idle.count >= Self.idleProgramLimit { idle.removeFirst() }
                            idle.append(program)
                        }
                    }
                }
            }
        }
        return results.map { $0! }
    }
}
