import Axone

/// Seed 002's deep network in Double, shared by the `vanishing-gradients` and `batch-normalization`
/// tutorials: a stack of equal Dense layers with one sigmoid output unit, on the two moons.
struct DeepStack {
    /// The hidden activation and its weights' initialiser.
    var activation: Activation
    var initializer: Initializer
    /// Whether a `BatchNormalization` follows each hidden layer (after its activation, as in the note's Keras code).
    var batchNormalization = false
    static let depth = 10, width = 32

    /// The data: 256 points of the two moons (noise 0.1), labels `[256, 1]`.
    static let moons: (x: Tensor<Double>, y: Tensor<Double>) = {
        let (points, labels): (Tensor<Double>, Tensor<Double>) = Synthetic2D.moons.generate(count: 256, noise: 0.1, seed: 1)
        return (points, labels.reshaped([256, 1]))
    }()

    /// A new network, 2 → `depth` × `width` → 1, compiled for binary cross-entropy with `optimizer`.
    func network(optimizer: Optimizer = SGD(learningRate: 0.1), seed: UInt64 = 0) throws -> Sequential<Double> {
        let model = try Sequential<Double>(inputShape: [2], seed: seed) {
            for _ in 0..<Self.depth {
                Dense(Self.width, activation: activation, kernelInitializer: initializer)
                if batchNormalization { try BatchNormalization() }
            }
            Dense(1, activation: .sigmoid)
        }
        model.compile(optimizer: optimizer, loss: .binaryCrossEntropy(), metrics: [.accuracy])
        return model
    }

    /// The Dense layers' weight matrices, input side first.
    static func weights(_ model: Sequential<Double>) -> [Variable<Double>] {
        model.layers.compactMap { ($0 as? Dense<Double>)?.weight }
    }

    /// ‖∂L/∂Wₗ‖/√(size of Wₗ) for each Dense layer — the gradient's norm per weight, so that the
    /// first layer (2 × `width`) and the output (`width` × 1) compare with the others — from one
    /// backward pass over the whole data set in training mode.
    static func weightGradientNorms(_ model: Sequential<Double>) throws -> [Double] {
        model.zeroGradients()
        try model.configuration!.loss(model(Variable(moons.x)), moons.y).backward()
        defer { model.zeroGradients() }
        return weights(model).map { norm($0.gradient!) / Double($0.value.count).squareRoot() }
    }

    /// The Frobenius norm √(Σ t²).
    static func norm(_ t: Tensor<Double>) -> Double { t.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
