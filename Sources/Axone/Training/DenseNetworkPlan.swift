/// A forward and backward pass planned once for a ``Sequential`` made only of ``Dense`` layers with
/// element-wise activations, trained with softmax cross-entropy from logits — the shape of most MLPs.
///
/// It computes exactly the maths of the autodiff path without building a graph: every buffer
/// (pre-activations, activations, deltas, gradients) is allocated once per batch size and reused,
/// each layer's bias is copied into the output rows and BLAS adds `x·W` on top (β = 1), the loss is
/// fused with its gradient `(softmax − y)/n`, weight gradients `Aᵀ·dZ` and input gradients `dZ·Wᵀ`
/// are single GEMMs with transpose flags, and the optimiser updates each parameter in one kernel
/// call. Inference (`predict`, `evaluate`) uses the same forward pass.
final class DenseNetworkPlan<Scalar: TensorScalar> {
    private struct LayerPlan {
        let dense: Dense<Scalar>
        let function: ElementwiseFunction<Scalar>
        /// Whether the derivative needs the pre-activation (softplus); every other activation's
        /// derivative follows from its output (x > 0 ⇔ y > 0 for the ReLU family).
        let keepsPreActivation: Bool
        let inputSize: Int
        let units: Int
        let weightName: String
        let biasName: String
    }

    private let layers: [LayerPlan]
    private var capacity = 0
    private var preActivations: [UnsafeMutableBufferPointer<Scalar>] = []
    private var activations: [UnsafeMutableBufferPointer<Scalar>] = []
    private var deltas: [UnsafeMutableBufferPointer<Scalar>] = []
    /// Where GEMMs write before an element-wise pass: kernels reading and writing the same buffer
    /// are not vectorised (LLVM's overlap check fails), so no pass runs in place.
    private var scratch = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    private var targetDistribution = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    private let weightGradients: [UnsafeMutableBufferPointer<Scalar>]
    private let biasGradients: [UnsafeMutableBufferPointer<Scalar>]

    /// Plans `model`, or returns `nil` when a layer is not a built `Dense` with an element-wise activation.
    init?(_ model: Sequential<Scalar>) {
        var plans: [LayerPlan] = []
        for (index, layer) in model.layers.enumerated() {
            guard let dense = layer as? Dense<Scalar>, let weight = dense.weight,
                  let function = dense.activation.elementwise(Scalar.self) else { return nil }
            if case .leakyRelu(let alpha) = dense.activation, alpha <= 0 { return nil }
            let keeps = if case .softplus = dense.activation { true } else { false }
            plans.append(LayerPlan(dense: dense, function: function, keepsPreActivation: keeps,
                                   inputSize: weight.shape[0], units: weight.shape[1],
                                   weightName: "layers.\(index).weight", biasName: "layers.\(index).bias"))
        }
        guard !plans.isEmpty else { return nil }
        layers = plans
        weightGradients = plans.map { .allocate(capacity: $0.inputSize * $0.units) }
        biasGradients = plans.map { .allocate(capacity: $0.units) }
    }

    deinit {
        for buffer in preActivations + activations + deltas + weightGradients + biasGradients { buffer.deallocate() }
        targetDistribution.deallocate()
        scratch.deallocate()
    }

    /// Makes room for batches of `rows` examples (buffers only grow).
    private func reserve(rows: Int) {
        guard rows > capacity else { return }
        for buffer in preActivations + activations + deltas { buffer.deallocate() }
        targetDistribution.deallocate()
        scratch.deallocate()
        scratch = .allocate(capacity: rows * layers.map { Swift.max($0.inputSize, $0.units) }.max()!)
        preActivations = layers.map { .allocate(capacity: $0.keepsPreActivation ? rows * $0.units : 0) }
        activations = layers.map { .allocate(capacity: rows * $0.units) }
        deltas = layers.map { .allocate(capacity: rows * $0.units) }
        targetDistribution = .allocate(capacity: rows * layers.last!.units)
        capacity = rows
    }

    private func slice(_ buffer: UnsafeMutableBufferPointer<Scalar>, _ count: Int) -> UnsafeMutableBufferPointer<Scalar> {
        UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
    }

    /// Runs the network on `rows` examples; returns the last layer's activations (valid until the next call).
    func forward(_ input: UnsafeBufferPointer<Scalar>, rows: Int) -> UnsafeBufferPointer<Scalar> {
        reserve(rows: rows)
        var x = input
        for (l, layer) in layers.enumerated() {
            let a = slice(activations[l], rows * layer.units)
            let z = layer.function == .identity ? a
                : slice(layer.keepsPreActivation ? preActivations[l] : scratch, rows * layer.units)
            layer.dense.bias?.value.withUnsafeBufferPointer { b in
                for r in 0..<rows { copyElements(from: b.baseAddress!, to: z.baseAddress! + r * layer.units, count: layer.units) }
            } ?? Scalar.fill(0, into: z)
            layer.dense.weight!.value.withUnsafeBufferPointer { w in
                Scalar.gemm(transposeA: false, transposeB: false, m: rows, n: layer.units, k: layer.inputSize, alpha: 1,
                            a: x.baseAddress!, lda: layer.inputSize, b: w.baseAddress!, ldb: layer.units,
                            beta: 1, c: z.baseAddress!, ldc: layer.units)
            }
            if layer.function != .identity { Scalar.apply(layer.function, UnsafeBufferPointer(z), into: a) }
            x = UnsafeBufferPointer(a)
        }
        return x
    }

    /// One training step on `rows` examples: forward, loss and its gradient, backward, then the
    /// optimiser's update of every trainable parameter. Returns the mean loss (with the penalty)
    /// and the logits.
    func trainStep(_ input: UnsafeBufferPointer<Scalar>, rows: Int, targets: Tensor<Scalar>, smoothing: Scalar,
                   sampleWeights: Tensor<Scalar>?, optimizer: Optimizer, regularization: Regularization?) -> (loss: Scalar, outputs: Tensor<Scalar>) {
        let logits = forward(input, rows: rows)
        let classes = layers.last!.units
        let distribution = Loss.targetDistribution(targets, classes: classes, smoothing: smoothing)
        let last = layers.count - 1
        let inverseCount = 1 / Scalar(Swift.max(rows, 1))
        var loss = distribution.withUnsafeBufferPointer { t in
            func run(_ w: UnsafeBufferPointer<Scalar>?) -> Scalar {
                Scalar.softmaxCrossEntropy(logits: logits, targets: t, weights: w, rows: rows, columns: classes,
                                           gradientScale: inverseCount, gradient: slice(deltas[last], rows * classes))
            }
            return sampleWeights.map { $0.withUnsafeBufferPointer(run) } ?? run(nil)
        } * inverseCount
        let outputs = Tensor<Scalar>(shape: [rows, classes]) { copyElements(from: logits.baseAddress!, to: $0.baseAddress!, count: $0.count) }
        for l in stride(from: last, through: 0, by: -1) {
            let layer = layers[l]
            let delta = slice(deltas[l], rows * layer.units)
            let previous = l == 0 ? input : UnsafeBufferPointer(slice(activations[l - 1], rows * layer.inputSize))
            Scalar.gemm(transposeA: true, transposeB: false, m: layer.inputSize, n: layer.units, k: rows, alpha: 1,
                        a: previous.baseAddress!, lda: layer.inputSize, b: delta.baseAddress!, ldb: layer.units,
                        beta: 0, c: weightGradients[l].baseAddress!, ldc: layer.units)
            Scalar.reduce(.sum, UnsafeBufferPointer(delta), outer: 1, count: rows, inner: layer.units, into: biasGradients[l])
            if l > 0 {
                layer.dense.weight!.value.withUnsafeBufferPointer { w in
                    Scalar.gemm(transposeA: false, transposeB: true, m: rows, n: layer.inputSize, k: layer.units, alpha: 1,
                                a: delta.baseAddress!, lda: layer.units, b: w.baseAddress!, ldb: layer.units,
                                beta: 0, c: scratch.baseAddress!, ldc: layer.inputSize)
                }
                // dZ = dA ⊙ f′(Z) for the layer below; Z is only kept where the output does not determine f′.
                let below = layers[l - 1], count = rows * below.units
                let y = UnsafeBufferPointer(slice(activations[l - 1], count))
                let x = below.keepsPreActivation ? UnsafeBufferPointer(slice(preActivations[l - 1], count)) : y
                Scalar.applyDerivative(below.function, x: x, y: y, upstream: UnsafeBufferPointer(slice(scratch, count)),
                                       into: slice(deltas[l - 1], count))
            }
        }
        if let regularization { loss += addPenaltyGradients(regularization) }
        let rule = optimizer.beginStep()
        for (l, layer) in layers.enumerated() {
            if let weight = layer.dense.weight, weight.requiresGradient {
                optimizer.update(layer.weightName, rule, parameter: &weight.value, gradient: UnsafeBufferPointer(weightGradients[l]))
            }
            if let bias = layer.dense.bias, bias.requiresGradient {
                optimizer.update(layer.biasName, rule, parameter: &bias.value, gradient: UnsafeBufferPointer(biasGradients[l]))
            }
        }
        return (loss, outputs)
    }

    /// Adds the L1/L2 penalty's gradient (`l1·sign(w) + 2·l2·w`) to the weight gradients; returns the penalty.
    private func addPenaltyGradients(_ regularization: Regularization) -> Scalar {
        var penalty: Scalar = 0
        for (l, layer) in layers.enumerated() {
            guard let weight = layer.dense.weight else { continue }
            let gradient = UnsafeBufferPointer(weightGradients[l])
            if regularization.l1 > 0 {
                let c = Scalar(regularization.l1)
                penalty += c * weight.value.mapped(.abs).sum().scalar
                let signs = weight.value.mapped(.sign) * c
                signs.withUnsafeBufferPointer { s in
                    Scalar.combine(.add, gradient, strides: [1], s, strides: [1], shape: [gradient.count],
                                   into: weightGradients[l])
                }
            }
            if regularization.l2 > 0 {
                let c = Scalar(regularization.l2)
                penalty += c * weight.value.mapped(.square).sum().scalar
                let scaled = weight.value * (2 * c)
                scaled.withUnsafeBufferPointer { s in
                    Scalar.combine(.add, gradient, strides: [1], s, strides: [1], shape: [gradient.count], into: weightGradients[l])
                }
            }
        }
        return penalty
    }
}
