import Axone
import Foundation

/// The `multi-task` tutorial's data: examples of 20 standard normal features with two targets that
/// depend on the same three directions `z = U·x` of the input (`U` fixed, rows of norm about 1):
/// the class `argmax(z₁, z₂, z₃)` and the value `tanh(z₁) + tanh(z₂) − tanh(z₃)` plus N(0, 0.1²) noise.
struct SharedFactors {
    /// The features `[count, 20]`.
    let x: Tensor<Double>
    /// The class indices `[count]` and the values `[count, 1]`.
    let classes: Tensor<Double>, values: Tensor<Double>
    var count: Int { x.shape[0] }

    /// The heads, in the order of the multi-task network's outputs.
    static let heads = ["class", "value"]

    /// `count` examples drawn from `seed` (`U` always from seed 0).
    init(count: Int, seed: UInt64) {
        var directions = SeededGenerator(seed: 0)
        let u = Tensor<Double>.randomNormal([20, 3], standardDeviation: 1 / 20.0.squareRoot(), using: &directions)
        var rng = SeededGenerator(seed: seed)
        x = Tensor<Double>.randomNormal([count, 20], using: &rng)
        let z = Tensor.matmul(x, u)
        classes = Tensor(shape: [count], scalars: (0..<count).map { i in Double((0..<3).max { z[i, $0] < z[i, $1] }!) })
        values = Tensor(shape: [count, 1], scalars: (0..<count).map { i in
            tanh(z[i, 0]) + tanh(z[i, 1]) - tanh(z[i, 2]) + 0.1 * rng.nextNormal()
        })
    }

    /// The targets of `heads`, in order.
    func targets(_ heads: [String]) -> [Tensor<Double>] { heads.map { $0 == "class" ? classes : values } }

    /// A trunk 20-32-8 (ReLU) shared by a linear head per name of `heads` — `class` (3 logits),
    /// `value` (1 unit) — with the functional API; the trunk's weights are the same for every `heads`.
    static func network(heads: [String]) throws -> Model<Double> {
        let inputs = Input<Double>(shape: [20], seed: 0)
        let hidden = try Dense(8, activation: .relu, name: "shared_2")(Dense(32, activation: .relu, name: "shared_1")(inputs))
        let outputs = try heads.map { try Dense($0 == "class" ? 3 : 1, name: $0)(hidden) }
        return try Model(inputs: [inputs], outputs: outputs, name: heads.count > 1 ? "multi_task" : heads[0])
    }

    /// Trains `model` (made by ``network(heads:)``) on these examples: cross-entropy for `class`,
    /// mean squared error for `value` with loss weight 0.5, Adam (lr 0.005), 60 epochs of batches
    /// of 20, validated on `validation`.
    func fit(_ model: Model<Double>, heads: [String], validation: SharedFactors) throws -> History {
        try model.compile(optimizer: Adam(learningRate: 0.005),
                          losses: ["class": .categoricalCrossEntropy(), "value": .meanSquaredError].filter { heads.contains($0.key) },
                          lossWeights: heads.count > 1 ? ["value": 0.5] : [:],
                          metrics: heads.contains("class") ? ["class": [.accuracy]] : [:])
        return try model.fit([x], targets(heads), epochs: 60, batchSize: 20,
                             validationData: ([validation.x], validation.targets(heads)), verbose: .silent, seed: 0)
    }
}
