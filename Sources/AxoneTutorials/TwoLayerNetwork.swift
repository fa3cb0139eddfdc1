import Axone

/// Seed 004's network in Double: `X [n, d]` → tanh hidden layer → one sigmoid output, binary
/// cross-entropy, with its gradients written out in closed form (the note's chapter) beside
/// Axone's reverse-mode autodiff and finite differences.
struct TwoLayerNetwork {
    /// The parameters, in the order `W1, b1, W2, b2`.
    var parameters: [Tensor<Double>]
    let x: Tensor<Double>, y: Tensor<Double>
    static let names = ["dW1", "db1", "dW2", "db2"]

    /// `examples` points of `features` standard normal features, labelled 1 when the first two sum
    /// to more than 0; weights normal with standard deviation 0.5, biases zero — all from `seed`.
    init(examples: Int, features: Int, hidden: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let x = Tensor<Double>.randomNormal([examples, features], using: &rng)
        y = Tensor(shape: [examples, 1], scalars: (0..<examples).map { x[$0, 0] + x[$0, 1] > 0 ? 1 : 0 })
        self.x = x
        parameters = [Tensor<Double>.randomNormal([features, hidden], standardDeviation: 0.5, using: &rng), .zeros([hidden]),
                      Tensor<Double>.randomNormal([hidden, 1], standardDeviation: 0.5, using: &rng), .zeros([1])]
    }

    /// The loss `−(1/n) Σ [y·log A2 + (1 − y)·log(1 − A2)]` as a differentiable expression of `p`.
    func loss(_ p: [Variable<Double>]) -> (loss: Variable<Double>, a1: Variable<Double>, a2: Variable<Double>) {
        let a1 = (Variable.matmul(Variable(x), p[0]) + p[1]).tanh()
        let a2 = (Variable.matmul(a1, p[2]) + p[3]).sigmoid()
        let target = Variable(y)
        return (-(target * a2.log() + (1 - target) * (1 - a2).log()).mean(), a1, a2)
    }

    /// The loss at the current parameters.
    func loss() -> Double { withoutGradients { loss(parameters.map { Variable($0) }).loss.value.scalar } }

    /// The share of examples on the right side of 0.5.
    func accuracy() -> Double {
        let a2 = withoutGradients { loss(parameters.map { Variable($0) }).a2.value }
        let right = zip(a2.scalars, y.scalars).filter { ($0 >= 0.5) == ($1 == 1) }.count
        return Double(right) / Double(y.count)
    }

    /// The gradients from Axone's reverse-mode autodiff.
    func autodiffGradients() throws -> [Tensor<Double>] {
        let p = parameters.map { Variable($0, requiresGradient: true) }
        try loss(p).loss.backward()
        return p.map { $0.gradient! }
    }

    /// The gradients in closed form: in the standard form (SPEC §9) — dZ2 = A2 − Y,
    /// dW2 = (1/n)·A1ᵀ·dZ2, db2 = (1/n)·Σ dZ2, dA1 = dZ2·W2ᵀ, dZ1 = dA1 ⊙ (1 − A1²),
    /// dW1 = (1/n)·Xᵀ·dZ1, db1 = (1/n)·Σ dZ1 — or `asWritten` in the note: dZ2 = σ′(Z2) − Y and
    /// no g′(Z1) factor (dZ1 = dA1).
    func closedFormGradients(asWritten: Bool = false) -> [Tensor<Double>] {
        let (_, a1v, a2v) = withoutGradients { loss(parameters.map { Variable($0) }) }
        let (a1, a2) = (a1v.value, a2v.value)
        let scale = 1 / Double(x.shape[0])
        let dZ2 = asWritten ? a2 * (1 - a2) - y : a2 - y
        let dA1 = Tensor.matmul(dZ2, parameters[2], transposeB: true)
        let dZ1 = asWritten ? dA1 : dA1 * (1 - a1 * a1)
        return [Tensor.matmul(x, dZ1, transposeA: true) * scale, dZ1.sum(alongAxes: [0]) * scale,
                Tensor.matmul(a1, dZ2, transposeA: true) * scale, dZ2.sum(alongAxes: [0]) * scale]
    }

    /// The gradients by finite differences, one weight at a time moved by `step`.
    func numericGradients(step: Double, scheme: FiniteDifferenceScheme) -> [Tensor<Double>] {
        var network = self
        let base = loss()
        return parameters.indices.map { k in
            var gradient = Tensor<Double>.zeros(parameters[k].shape)
            for i in 0..<parameters[k].count {
                let original = parameters[k].scalars[i]
                network.parameters[k].withUnsafeMutableBufferPointer { $0[i] = original + step }
                let plus = network.loss()
                var slope = (plus - base) / step
                if scheme == .central {
                    network.parameters[k].withUnsafeMutableBufferPointer { $0[i] = original - step }
                    slope = (plus - network.loss()) / (2 * step)
                }
                network.parameters[k].withUnsafeMutableBufferPointer { $0[i] = original }
                gradient.withUnsafeMutableBufferPointer { $0[i] = slope }
            }
            return gradient
        }
    }

    /// One step of batch gradient descent with the closed-form gradients: `θ ← θ − α·dθ`.
    mutating func step(learningRate: Double) {
        let gradients = closedFormGradients()
        for k in parameters.indices { parameters[k] = parameters[k] - gradients[k] * learningRate }
    }

    /// max over elements of `|a − b| / max(|a|, |b|, 1e-8)`, the relative error ``GradientCheck`` reports.
    static func relativeError(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
        zip(a.scalars, b.scalars).map { abs($0 - $1) / max(abs($0), abs($1), 1e-8) }.max() ?? 0
    }

    /// max over elements of `|a − b|`.
    static func largestDifference(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }
}
