/// The losses of a compiled training step: each objective's ``LossPrimitive`` (the tape's own
/// definition) called on every row shard's outputs, against the batch's prepared targets.
///
/// The targets are prepared for the whole batch before the shards run (a hinge's sign mapping is
/// decided over all its targets), into buffers kept from step to step, as are the example weights
/// and the primitives' operands: a step allocates nothing here, but for the example weights' shapes
/// when the batch size changes.
final class CompiledLosses<Scalar: TensorScalar> {
    /// The objectives' losses the step was set up for.
    private var losses: [Loss] = []
    /// Each objective's primitive, its scale set by ``prepare(_:targets:sampleWeights:programs:rows:scale:)``.
    private var primitives: [LossPrimitive<Scalar>] = []
    /// Each objective's loss weight, the upstream gradient of its loss.
    private var upstream = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    /// Each objective's prepared targets for the batch, and the batch's example weights.
    private var targets: [UnsafeMutableBufferPointer<Scalar>] = []
    private var weights = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    /// Per shard and objective (shard-major): the primitive's inputs and the gradient of its
    /// predictions (`nil` when nothing trainable depends on them), rewritten in place.
    private var inputs: [[Operand<Scalar>]] = [], gradients: [Operand<Scalar>?] = []
    /// Each shard's weights shape (`[rows of the shard]`), and the batch size they were made for.
    private var weightShapes: [[Int]] = [], operandRows = -1

    deinit {
        upstream.deallocate()
        weights.deallocate()
        for buffer in targets { buffer.deallocate() }
    }

    /// Sets the step up for `objectives`; `false` when one of their losses is custom (the step then
    /// runs on the tape).
    func setUp(_ objectives: [OutputObjective]) -> Bool {
        if losses.count == objectives.count, !objectives.indices.contains(where: { objectives[$0].loss != losses[$0] }) {
            return primitives.count == losses.count
        }
        losses = objectives.map(\.loss)
        primitives = losses.compactMap { LossPrimitive<Scalar>($0, scale: 1) }
        upstream.deallocate()
        upstream = .allocate(capacity: losses.count)
        inputs.removeAll()
        return primitives.count == losses.count
    }

    /// Prepares the batch's targets and weights and points every shard's operands at them and at
    /// its program's outputs (the programs, bound for the step, run consecutive rows of the batch);
    /// each loss is scaled by `scale`, 1 over the batch's example count.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func prepare(_ objectives: [OutputObjective], targets batchTargets: [Tensor<Scalar>], sampleWeights: Tensor<Scalar>?,
                 programs: [CompiledProgram<Scalar>], rows: Int, scale: Scalar) {
        let count = objectives.count, weighted = sampleWeights != nil
        for index in 0..<count {
            primitives[index] = LossPrimitive(losses[index], scale: scale)!
            upstream[index] = Scalar(objectives[index].weight)
        }
        // Kept while a batch of fewer shards comes (an epoch's last), so that only weights make new shapes.
        if inputs.count < programs.count * count || (inputs.count > 0 && inputs[0].count == 3) != weighted {
            let empty = Operand<Scalar>(UnsafeMutableBufferPointer(start: nil, count: 0), shape: [0])
            inputs = Array(repeating: Array(repeating: empty, count: weighted ? 3 : 2), count: programs.count * count)
            gradients = Array(repeating: nil, count: programs.count * count)
        }
        if weighted, operandRows != rows {
            operandRows = rows
            weightShapes = programs.map { [$0.rows] }
        }
        if targets.count != count {
            for buffer in targets { buffer.deallocate() }
            targets = Array(repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: count)
        }
        if let sampleWeights {
            reserve(&weights, rows)
            sampleWeights.withUnsafeBufferPointer { _ = weights.update(fromContentsOf: $0) }
        }
        for index in 0..<count {
            let head = programs[0].output(index), width = head.count / Swift.max(1, head.shape[0]), elements = rows * width
            reserve(&targets[index], elements)
            let prepared = UnsafeMutableBufferPointer(rebasing: targets[index][..<elements])
            losses[index].prepareTargets(batchTargets[index], rows: rows, into: prepared)
            var row = 0
            for shard in programs.indices {
                let output = programs[shard].output(index), range = row..<(row + output.shape[0]), call = shard * count + index
                row = range.upperBound
                inputs[call][0] = output
                inputs[call][1] = Operand(UnsafeMutableBufferPointer(rebasing: prepared[(range.lowerBound * width)..<(range.upperBound * width)]),
                                          shape: output.shape)
                if weighted { inputs[call][2] = Operand(UnsafeMutableBufferPointer(rebasing: weights[range]), shape: weightShapes[shard]) }
                gradients[call] = programs[shard].outputGradient(index)
            }
        }
    }

    /// Runs shard `shard`'s losses after its forward pass: writes objective i's loss into
    /// `shardLosses[shard × objectives + i]` and its gradient into the program's output gradient.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func run(shard: Int, into shardLosses: UnsafeMutableBufferPointer<Scalar>) {
        for index in primitives.indices {
            let call = shard * primitives.count + index
            if let gradient = gradients[call] {
                shardLosses[call] = primitives[index].valueAndGradient(inputs[call], upstream: upstream[index], into: gradient.buffer)
            } else {
                primitives[index].forward(inputs[call], into: Operand(UnsafeMutableBufferPointer(rebasing: shardLosses[call...call]), shape: []), .serial)
            }
        }
    }

    /// Makes `buffer` hold at least `count` elements.
    private func reserve(_ buffer: inout UnsafeMutableBufferPointer<Scalar>, _ count: Int) {
        guard buffer.count < count else { return }
        buffer.deallocate()
        buffer = .allocate(capacity: count)
    }
}
