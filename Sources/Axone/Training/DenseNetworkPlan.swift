import Synchronization

/// A forward and backward pass planned once for a ``Sequential`` made only of ``Dense`` layers with
/// element-wise activations, trained with softmax cross-entropy from logits — the shape of most MLPs.
///
/// It computes exactly the maths of the autodiff path without building a graph: every buffer
/// (pre-activations, activations, deltas, gradients) is allocated once per batch size and reused,
/// each layer's bias is copied into the output rows and BLAS adds `x·W` on top (β = 1), the loss is
/// fused with its gradient `(softmax − y)/n`, weight gradients `Aᵀ·dZ` and input gradients `dZ·Wᵀ`
/// are single GEMMs with transpose flags.
///
/// **Training.** A batch is split into row shards (64 rows or more each) that run the whole forward
/// and backward pass independently, each on single-threaded BLAS, spread over the worker pool of
/// ``Parallelism``: the element-wise work is parallel too, and threads meet only twice per step.
/// Each shard writes its own weight gradients; the update then runs over the parameters in chunks,
/// in parallel, each chunk summing the shards' gradients and applying the optimiser's kernel while
/// the chunk is in cache (Adam adds the last two shards' gradients inside its own pass). Shards are
/// claimed dynamically, so a thread that the host delays costs its share of speed, not a stall.
/// The split depends on the batch size alone, so results are bit-identical whatever the thread count.
///
/// **Inference** (``infer(_:rows:into:)``) runs blocks of ``inferenceRows`` rows starting at row 0,
/// each through the whole network with buffers of its own taken from a pool, so every product is a
/// call of that many rows (the last block holds the rest) whatever the thread count, and several
/// threads may infer at once.
final class DenseNetworkPlan<Scalar: TensorScalar> {
    private struct LayerPlan {
        let dense: Dense<Scalar>
        let function: ElementwiseFunction<Scalar>
        /// Whether the derivative needs the pre-activation (softplus, ELU with α < 0); every other
        /// activation's derivative follows from its output (x > 0 ⇔ y > 0 for the ReLU family).
        let keepsPreActivation: Bool
        let inputSize: Int
        let units: Int
        let weightName: String
        let biasName: String
    }

    /// One shard's weight and bias gradients, per layer.
    private struct Gradients {
        let weights: [UnsafeMutableBufferPointer<Scalar>]
        let biases: [UnsafeMutableBufferPointer<Scalar>]

        var all: [UnsafeMutableBufferPointer<Scalar>] { weights + biases }
    }

    /// The parameters of one step, as raw buffers valid for the step.
    private struct Parameters {
        var weights: [UnsafeMutableBufferPointer<Scalar>] = []
        var biases: [UnsafeMutableBufferPointer<Scalar>?] = []
    }

    /// One inference block's buffers, ``inferenceRows`` × the widest layer each: the GEMM's output
    /// and two activations used in turn.
    /// Unchecked `Sendable`: a workspace is used by one block at a time, handed over under a lock.
    private final class Workspace: @unchecked Sendable {
        let preActivation, even, odd: UnsafeMutablePointer<Scalar>

        init(count: Int) {
            (preActivation, even, odd) = (.allocate(capacity: count), .allocate(capacity: count), .allocate(capacity: count))
        }

        deinit {
            preActivation.deallocate()
            even.deallocate()
            odd.deallocate()
        }
    }

    /// The rows per shard: fewer would leave BLAS too little work per call (on one thread, two
    /// shards of 64 rows cost about 5 % more than one of 128, four of 32 about 16 %).
    static var shardRows: Int { 64 }
    /// The most shards a batch is split into: each adds a set of weight gradients to sum.
    static var maximumShards: Int { 8 }
    /// Parameter elements per update chunk: the parameter, its gradients and two slots stay in L2.
    static var updateChunk: Int { 16_384 }
    /// The rows of an inference block: the row block of every split product (64).
    static var inferenceRows: Int { Scalar.productRowBlock }

    private let layers: [LayerPlan]
    private let widest: Int
    private var capacity = 0
    private var preActivations: [UnsafeMutableBufferPointer<Scalar>] = []
    private var activations: [UnsafeMutableBufferPointer<Scalar>] = []
    private var deltas: [UnsafeMutableBufferPointer<Scalar>] = []
    /// Where GEMMs write before an element-wise pass: kernels reading and writing the same buffer
    /// are not vectorised (LLVM's overlap check fails), so no pass runs in place. Shard rows use
    /// disjoint ranges of it, `widest` values per row.
    private var scratch = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    private var shardGradients: [Gradients] = []
    private var shardLosses = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    private var targetDistribution = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    /// The logits handed back by ``trainStep``; rewritten in place once the caller has let go of them.
    private var outputs = Tensor<Scalar>.zeros([0])
    /// This step's parameter storage (see ``withParameters(_:)``).
    private var parameters = Parameters()
    /// The update's chunks, rebuilt only when a parameter, an optimiser slot or the shard count moves.
    private var updateChunks: [UpdateChunk] = []
    private var updateSignature: [UnsafeMutableRawPointer?] = [], candidateSignature: [UnsafeMutableRawPointer?] = []
    /// Inference buffers not in use; a block takes one and gives it back, so concurrent calls never share one.
    private let idleWorkspaces = Mutex<[Workspace]>([])

    /// Plans a chain of layers named `layers.<index>`, or returns `nil` when a layer is not a
    /// built `Dense` with an element-wise activation.
    init?(_ chain: [Layer<Scalar>]) {
        var plans: [LayerPlan] = []
        for (index, layer) in chain.enumerated() {
            guard let dense = layer as? Dense<Scalar>, let weight = dense.weight,
                  let function = dense.activation.elementwise(Scalar.self) else { return nil }
            if case .leakyRelu(let alpha) = dense.activation, alpha <= 0 { return nil }
            // Softplus, and ELU with α < 0 (positive on negative inputs), need the pre-activation.
            let keeps = switch dense.activation {
            case .softplus: true
            case .elu(let alpha): alpha < 0
            default: false
            }
            plans.append(LayerPlan(dense: dense, function: function, keepsPreActivation: keeps,
                                   inputSize: weight.shape[0], units: weight.shape[1],
                                   weightName: "layers.\(index).weight", biasName: "layers.\(index).bias"))
        }
        guard !plans.isEmpty else { return nil }
        layers = plans
        widest = plans.map { Swift.max($0.inputSize, $0.units) }.max()!
    }

    /// Checks that every layer's parameters still have the shapes planned for (they are public and
    /// may have been reassigned since), before a pass reads or writes them.
    func validateParameters() throws {
        for layer in layers { try layer.dense.validateParameters() }
    }

    deinit {
        for buffer in preActivations + activations + deltas + shardGradients.flatMap(\.all) { buffer.deallocate() }
        scratch.deallocate()
        shardLosses.deallocate()
        targetDistribution.deallocate()
    }

    /// Makes room for batches of `rows` examples split into `shards` (buffers only grow).
    private func reserve(rows: Int, shards: Int) {
        if rows > capacity {
            for buffer in preActivations + activations + deltas { buffer.deallocate() }
            scratch.deallocate()
            scratch = .allocate(capacity: rows * widest)
            preActivations = layers.map { .allocate(capacity: $0.keepsPreActivation ? rows * $0.units : 0) }
            activations = layers.map { .allocate(capacity: rows * $0.units) }
            deltas = layers.map { .allocate(capacity: rows * $0.units) }
            targetDistribution.deallocate()
            targetDistribution = .allocate(capacity: rows * layers.last!.units)
            capacity = rows
        }
        if shards > shardLosses.count {
            shardLosses.deallocate()
            shardLosses = .allocate(capacity: shards)
        }
    }

    /// Makes room for the weight gradients of `shards` shards (only grows).
    private func reserveGradients(shards: Int) {
        while shardGradients.count < shards {
            shardGradients.append(Gradients(weights: layers.map { .allocate(capacity: $0.inputSize * $0.units) },
                                            biases: layers.map { .allocate(capacity: $0.units) }))
        }
    }

    /// The number of training shards for a batch of `rows`: each holds ``shardRows`` rows or more,
    /// and there are at most ``maximumShards``, whatever the thread count — the weight gradients sum
    /// over rows, and the call shapes must depend on the batch size alone for the bits to.
    private func shardCount(rows: Int) -> Int {
        Swift.max(1, Swift.min(Self.maximumShards, rows / Self.shardRows))
    }

    /// The rows of one training shard: boundaries fall on multiples of 16 rows (aligned rows for
    /// the kernels); they depend on the batch size and the shard count alone.
    private func rows(ofShard shard: Int, of shards: Int, rows: Int) -> Range<Int> {
        let blocks = (rows + 15) / 16
        func boundary(_ s: Int) -> Int { Swift.min(rows, blocks * s / shards * 16) }
        return boundary(shard)..<boundary(shard + 1)
    }

    /// Calls `body` with every layer's weight and bias storage, made unique and valid for the call.
    private func withParameters<R>(_ body: (Parameters) -> R) -> R {
        parameters.weights.removeAll(keepingCapacity: true)
        parameters.biases.removeAll(keepingCapacity: true)
        return visitParameters(from: 0, body)
    }

    private func visitParameters<R>(from l: Int, _ body: (Parameters) -> R) -> R {
        guard l < layers.count else { return body(parameters) }
        let dense = layers[l].dense
        return dense.weight!.value.withUnsafeMutableBufferPointer { weight in
            parameters.weights.append(weight)
            guard let bias = dense.bias else {
                parameters.biases.append(nil)
                return visitParameters(from: l + 1, body)
            }
            return bias.value.withUnsafeMutableBufferPointer { b in
                parameters.biases.append(b)
                return visitParameters(from: l + 1, body)
            }
        }
    }

    /// Runs the network on `rows` examples of `input` and writes the last layer's activations into
    /// `output` (`rows × outputs`). Safe to call from several threads at once (not during a training step).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func infer(_ input: UnsafeBufferPointer<Scalar>, rows: Int, into output: UnsafeMutableBufferPointer<Scalar>) {
        precondition(input.count >= rows * layers[0].inputSize && output.count >= rows * layers.last!.units,
                     "DenseNetworkPlan.infer: buffers too small for \(rows) rows")
        let blockRows = Self.inferenceRows, blocks = (rows + blockRows - 1) / blockRows
        withReadOnlyParameters { weights, biases in
            Parallelism.parallelFor(blocks) { block in
                let first = block * blockRows, n = Swift.min(blockRows, rows - first)
                let workspace = idleWorkspaces.withLock { $0.popLast() } ?? Workspace(count: blockRows * widest)
                var x = input.baseAddress! + first * layers[0].inputSize
                for (l, layer) in layers.enumerated() {
                    let a = l == layers.count - 1 ? output.baseAddress! + first * layer.units
                        : l % 2 == 0 ? workspace.even : workspace.odd
                    affine(layer, x, rows: n, weight: weights[l], bias: biases[l],
                           preActivation: layer.function == .identity ? a : workspace.preActivation, activation: a)
                    x = UnsafePointer(a)
                }
                idleWorkspaces.withLock { $0.append(workspace) }
            }
        }
    }

    /// Calls `body` with every layer's weight and bias storage, read-only (no copy, no write, so
    /// concurrent callers do not race).
    private func withReadOnlyParameters<R>(_ body: ([UnsafePointer<Scalar>], [UnsafePointer<Scalar>?]) -> R) -> R {
        func visit(_ l: Int, _ weights: [UnsafePointer<Scalar>], _ biases: [UnsafePointer<Scalar>?]) -> R {
            guard l < layers.count else { return body(weights, biases) }
            let dense = layers[l].dense
            return dense.weight!.value.withUnsafeBufferPointer { weight in
                guard let bias = dense.bias?.value else { return visit(l + 1, weights + [weight.baseAddress!], biases + [nil]) }
                return bias.withUnsafeBufferPointer { visit(l + 1, weights + [weight.baseAddress!], biases + [$0.baseAddress!]) }
            }
        }
        return visit(0, [], [])
    }

    /// One layer on `n` rows: `a = f(x·W + b)`, the affine part written into `z` first (`z` may be
    /// `a` when `f` is the identity; otherwise they must not overlap).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func affine(_ layer: LayerPlan, _ x: UnsafePointer<Scalar>, rows n: Int, weight: UnsafePointer<Scalar>,
                        bias: UnsafePointer<Scalar>?, preActivation z: UnsafeMutablePointer<Scalar>,
                        activation a: UnsafeMutablePointer<Scalar>) {
        let count = n * layer.units
        if let bias {
            for r in 0..<n { copyElements(from: bias, to: z + r * layer.units, count: layer.units) }
        } else {
            Scalar.fill(0, into: UnsafeMutableBufferPointer(start: z, count: count))
        }
        Scalar.gemm(transposeA: false, transposeB: false, m: n, n: layer.units, k: layer.inputSize, alpha: 1,
                    a: x, lda: layer.inputSize, b: weight, ldb: layer.units, beta: 1, c: z, ldc: layer.units)
        if layer.function != .identity {
            Scalar.apply(layer.function, UnsafeBufferPointer(start: z, count: count),
                         into: UnsafeMutableBufferPointer(start: a, count: count))
        }
    }

    /// The forward pass of rows `range` of the batch, into the same rows of every layer's buffers.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func forward(_ input: UnsafePointer<Scalar>, rows range: Range<Int>, _ parameters: Parameters) {
        let first = range.lowerBound
        var x = input + first * layers[0].inputSize
        for (l, layer) in layers.enumerated() {
            let a = activations[l].baseAddress! + first * layer.units
            let z = layer.function == .identity ? a
                : layer.keepsPreActivation ? preActivations[l].baseAddress! + first * layer.units
                : scratch.baseAddress! + first * widest
            affine(layer, x, rows: range.count, weight: parameters.weights[l].baseAddress!,
                   bias: parameters.biases[l].map { UnsafePointer($0.baseAddress!) }, preActivation: z, activation: a)
            x = UnsafePointer(a)
        }
    }

    /// One training step on `rows` examples: forward, loss and its gradient, backward, then the
    /// optimiser's update of every trainable parameter. Returns the mean loss (with the penalty)
    /// and the logits.
    ///
    /// In data-parallel training the rows are this process's share of a global batch of
    /// `parallel.rows`: the loss and gradients are scaled by that batch's size, the shards'
    /// gradients summed, and the sums over all processes update the parameters.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func trainStep(_ input: UnsafeBufferPointer<Scalar>, rows: Int, targets: Tensor<Scalar>, smoothing: Scalar,
                   sampleWeights: Tensor<Scalar>?, optimizer: Optimizer, regularization: Regularization?,
                   parallel: (rows: Int, training: DataParallelTraining<Scalar>)? = nil) -> (loss: Scalar, outputs: Tensor<Scalar>) {
        let shards = shardCount(rows: rows)
        reserve(rows: rows, shards: shards)
        reserveGradients(shards: shards)
        let classes = layers.last!.units
        let t = UnsafeMutableBufferPointer(rebasing: targetDistribution[0..<(rows * classes)])
        Loss.writeTargetDistribution(targets, classes: classes, smoothing: smoothing, into: t)
        let inverseCount = 1 / Scalar(Swift.max(parallel?.rows ?? rows, 1))
        return withParameters { parameters in
            func run(_ w: UnsafeBufferPointer<Scalar>?) {
                Parallelism.parallelFor(shards) { shard in
                    let range = self.rows(ofShard: shard, of: shards, rows: rows)
                    forward(input.baseAddress!, rows: range, parameters)
                    shardLosses[shard] = lossAndGradient(rows: range, targets: t.baseAddress!, weights: w?.baseAddress,
                                                         scale: inverseCount)
                    backward(input.baseAddress!, rows: range, parameters, into: shardGradients[shard])
                }
            }
            sampleWeights.map { $0.withUnsafeBufferPointer(run) } ?? run(nil)
            var lossSum = shardLosses[0..<shards].reduce(0, +), updatedShards = shards
            if let parallel {
                for shard in shardGradients[1..<shards] {
                    for (gradient, total) in zip(shard.all, shardGradients[0].all) { Scalar.accumulate(UnsafeBufferPointer(gradient), into: total) }
                }
                parallel.training.exchange(shardGradients[0].all, loss: &lossSum)
                updatedShards = 1
            }
            var loss = lossSum * inverseCount
            if let regularization { loss += addPenaltyGradients(regularization, parameters, into: shardGradients[0]) }
            update(parameters, shards: updatedShards, optimizer: optimizer)
            let logits = activations[layers.count - 1]
            if outputs.shape != [rows, classes] { outputs = .zeros([rows, classes]) }
            outputs.withUnsafeMutableBufferPointer { copyElements(from: logits.baseAddress!, to: $0.baseAddress!, count: $0.count) }
            return (loss, outputs)
        }
    }

    /// The summed softmax cross-entropy of rows `range`; writes `scale·(softmax − target)` into their deltas.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func lossAndGradient(rows range: Range<Int>, targets: UnsafePointer<Scalar>, weights: UnsafePointer<Scalar>?,
                                 scale: Scalar) -> Scalar {
        let classes = layers.last!.units, last = layers.count - 1
        let offset = range.lowerBound * classes, count = range.count * classes
        return Scalar.softmaxCrossEntropy(
            logits: UnsafeBufferPointer(rebasing: activations[last][offset..<(offset + count)]),
            targets: UnsafeBufferPointer(start: targets + offset, count: count),
            weights: weights.map { UnsafeBufferPointer(start: $0 + range.lowerBound, count: range.count) },
            rows: range.count, columns: classes, gradientScale: scale,
            gradient: UnsafeMutableBufferPointer(rebasing: deltas[last][offset..<(offset + count)]))
    }

    /// Back-propagates rows `range` (their last-layer deltas already set) into one shard's gradients.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func backward(_ input: UnsafePointer<Scalar>, rows range: Range<Int>, _ parameters: Parameters,
                          into gradients: Gradients) {
        let n = range.count, first = range.lowerBound
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l]
            let delta = deltas[l].baseAddress! + first * layer.units
            let previous = l == 0 ? input + first * layer.inputSize
                : UnsafePointer(activations[l - 1].baseAddress! + first * layer.inputSize)
            Scalar.gemm(transposeA: true, transposeB: false, m: layer.inputSize, n: layer.units, k: n, alpha: 1,
                        a: previous, lda: layer.inputSize, b: delta, ldb: layer.units,
                        beta: 0, c: gradients.weights[l].baseAddress!, ldc: layer.units)
            Scalar.reduce(.sum, UnsafeBufferPointer(start: delta, count: n * layer.units), outer: 1, count: n,
                          inner: layer.units, into: gradients.biases[l])
            guard l > 0 else { continue }
            let upstream = scratch.baseAddress! + first * widest
            Scalar.gemm(transposeA: false, transposeB: true, m: n, n: layer.inputSize, k: layer.units, alpha: 1,
                        a: delta, lda: layer.units, b: parameters.weights[l].baseAddress!, ldb: layer.units,
                        beta: 0, c: upstream, ldc: layer.inputSize)
            // dZ = dA ⊙ f′(Z) for the layer below; Z is only kept where the output does not determine f′.
            let below = layers[l - 1], count = n * below.units, offset = first * below.units
            let y = UnsafeBufferPointer(rebasing: activations[l - 1][offset..<(offset + count)])
            let x = below.keepsPreActivation ? UnsafeBufferPointer(rebasing: preActivations[l - 1][offset..<(offset + count)]) : y
            Scalar.applyDerivative(below.function, x: x, y: y, upstream: UnsafeBufferPointer(start: upstream, count: count),
                                   into: UnsafeMutableBufferPointer(rebasing: deltas[l - 1][offset..<(offset + count)]))
        }
    }

    /// One chunk of the update: a range of one parameter, with its gradients from every shard and its slots.
    private struct UpdateChunk {
        let parameter: UnsafeMutableBufferPointer<Scalar>
        let gradients: [UnsafeMutableBufferPointer<Scalar>]
        let slots: [UnsafeMutableBufferPointer<Scalar>]
    }

    /// Sums the shards' gradients and applies the optimiser to every trainable parameter, in
    /// parallel chunks of ``updateChunk`` elements.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func update(_ parameters: Parameters, shards: Int, optimizer: Optimizer) {
        let rule = optimizer.beginStep()
        // What the chunks point into: rebuilt only when one of these addresses changes.
        candidateSignature.removeAll(keepingCapacity: true)
        candidateSignature.append(UnsafeMutableRawPointer(bitPattern: shards))
        forEachTrainable(parameters) { name, parameter, _ in
            candidateSignature.append(UnsafeMutableRawPointer(parameter.baseAddress))
            for slot in optimizer.slotBuffers(for: name, size: parameter.count, rule: rule, as: Scalar.self) {
                candidateSignature.append(UnsafeMutableRawPointer(slot.baseAddress))
            }
        }
        if candidateSignature != updateSignature {
            swap(&candidateSignature, &updateSignature)
            updateChunks.removeAll()
            forEachTrainable(parameters) { name, parameter, gradients in
                let slots = optimizer.slotBuffers(for: name, size: parameter.count, rule: rule, as: Scalar.self)
                for start in stride(from: 0, to: parameter.count, by: Self.updateChunk) {
                    let range = start..<Swift.min(start + Self.updateChunk, parameter.count)
                    updateChunks.append(UpdateChunk(parameter: UnsafeMutableBufferPointer(rebasing: parameter[range]),
                                                    gradients: shardGradients[0..<shards].map { UnsafeMutableBufferPointer(rebasing: gradients($0)[range]) },
                                                    slots: slots.map { UnsafeMutableBufferPointer(rebasing: $0[range]) }))
                }
            }
        }
        Parallelism.parallelFor(updateChunks.count) { c in
            let chunk = updateChunks[c], gradients = chunk.gradients
            guard gradients.count > 1 else {
                return Scalar.update(rule, parameter: chunk.parameter, gradient: UnsafeBufferPointer(gradients[0]), slots: chunk.slots)
            }
            // Shards 2… are added into shard 1's gradient; shards 0 and 1 are summed by the update itself.
            for shard in gradients.dropFirst(2) { Scalar.accumulate(UnsafeBufferPointer(shard), into: gradients[1]) }
            Scalar.update(rule, parameter: chunk.parameter, gradient: gradients[0], adding: UnsafeBufferPointer(gradients[1]),
                          slots: chunk.slots)
        }
    }

    /// Calls `body` with the name, storage and per-shard gradients of every trainable parameter, in order.
    private func forEachTrainable(_ parameters: Parameters,
                                  _ body: (String, UnsafeMutableBufferPointer<Scalar>, (Gradients) -> UnsafeMutableBufferPointer<Scalar>) -> Void) {
        for (l, layer) in layers.enumerated() {
            if layer.dense.weight?.requiresGradient == true { body(layer.weightName, parameters.weights[l]) { $0.weights[l] } }
            if let bias = parameters.biases[l], layer.dense.bias?.requiresGradient == true {
                body(layer.biasName, bias) { $0.biases[l] }
            }
        }
    }

    /// Adds the L1/L2 penalty's gradient (`l1·sign(w) + 2·l2·w`) to one shard's weight gradients;
    /// returns the penalty.
    private func addPenaltyGradients(_ regularization: Regularization, _ parameters: Parameters,
                                     into gradients: Gradients) -> Scalar {
        var penalty: Scalar = 0
        // Frozen weights are not penalised: the penalty covers the trainable parameters, as on the tape.
        for l in layers.indices where layers[l].dense.weight?.requiresGradient == true {
            let weight = Tensor(shape: [parameters.weights[l].count], scalars: Array(parameters.weights[l]))
            var terms: [Tensor<Scalar>] = []
            if regularization.l1 > 0 {
                let c = Scalar(regularization.l1)
                penalty += c * weight.mapped(.abs).sum().scalar
                terms.append(weight.mapped(.sign) * c)
            }
            if regularization.l2 > 0 {
                let c = Scalar(regularization.l2)
                penalty += c * weight.mapped(.square).sum().scalar
                terms.append(weight * (2 * c))
            }
            for term in terms { term.withUnsafeBufferPointer { Scalar.accumulate($0, into: gradients.weights[l]) } }
        }
        return penalty
    }
}
