import Axone

/// One way of training the `regularization` tutorial's 2-64-64-1 network: the regularisers it
/// adds to the plain network of `learning-curves`.
struct RegularizationRecipe {
    let name: String
    var penalty: Regularization?
    var maxNorm: MaxNormConstraint?
    /// The dropout rate after each hidden layer (0: none).
    var dropout = 0.0
    /// The standard deviation of the Gaussian noise added to the inputs in training (0: none).
    var inputNoise = 0.0
    /// Early stopping's patience on `val_loss`, restoring the best weights (`nil`: none).
    var patience: Int?
    /// Whether the weights figure draws this recipe's weights.
    var showsWeights = false

    /// The recipes of the tutorial's table, the plain network first.
    static let all: [RegularizationRecipe] = [
        .init(name: "none", showsWeights: true),
        .init(name: "L2 (l2: 1e-3)", penalty: try! Regularization(l2: 1e-3), showsWeights: true),
        .init(name: "L1 (l1: 1e-3)", penalty: try! Regularization(l1: 1e-3), showsWeights: true),
        .init(name: "dropout 0.5", dropout: 0.5),
        .init(name: "dropout 0.5 + max-norm 2", maxNorm: try! MaxNormConstraint(maxNorm: 2), dropout: 0.5),
        .init(name: "input noise σ = 0.2", inputNoise: 0.2),
        .init(name: "early stopping (patience 20)", patience: 20),
    ]

    /// What a training run measured.
    struct Run {
        /// The losses of the final (or, with early stopping, restored) weights on each set.
        var trainLoss: Double, validationLoss: Double
        /// The losses without penalty, in inference mode: on the training set after epoch 1 and every
        /// 5th (epochs counted from 1), on the validation set after every epoch.
        var curves: (train: [(epoch: Int, loss: Double)], validation: [Double])
        /// The penalised weights (the kernels, not the biases).
        var weights: [Double]
        /// A line on how training ended, for early stopping.
        var note: String?
    }

    /// The network, seeded as in `learning-curves`.
    func model() throws -> Sequential<Double> {
        try Sequential<Double>(inputShape: [2], seed: 0) {
            if inputNoise > 0 { try GaussianNoise(standardDeviation: inputNoise) }
            Dense(64, activation: .relu)
            if dropout > 0 { try Dropout(rate: dropout) }
            Dense(64, activation: .relu)
            if dropout > 0 { try Dropout(rate: dropout) }
            Dense(1, activation: .sigmoid)
        }
    }

    /// Trains the network with Adam (lr 0.01) for 200 full-batch epochs, measuring the training
    /// loss as validation is measured (inference mode, no penalty).
    func train(on data: (points: Tensor<Double>, labels: Tensor<Double>),
               validation: (points: Tensor<Double>, labels: Tensor<Double>)) throws -> Run {
        let model = try model()
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .binaryCrossEntropy(), regularization: penalty, maxNorm: maxNorm)
        var trainCurve: [(epoch: Int, loss: Double)] = []
        let measure = LambdaCallback<Double> { epoch, _, model in
            if epoch == 0 || (epoch + 1) % 5 == 0 { trainCurve.append((epoch + 1, try model.evaluate(data.points, data.labels)["loss"]!)) }
        }
        let stopping = patience.map { EarlyStopping<Double>(monitor: "val_loss", patience: $0, restoreBestWeights: true) }
        let history = try model.fit(data.points, data.labels, epochs: 200, batchSize: data.points.shape[0],
                                    validationData: (validation.points, validation.labels), callbacks: [measure] + (stopping.map { [$0] } ?? []),
                                    verbose: .silent, seed: 0)
        let note = stopping.flatMap { stopping in
            stopping.best.map { best in
                "stopped after epoch \(stopping.stoppedEpoch.map { $0 + 1 } ?? 200), weights of epoch \(best.epoch + 1) restored"
            }
        }
        return Run(trainLoss: try model.evaluate(data.points, data.labels)["loss"]!,
                   validationLoss: try model.evaluate(validation.points, validation.labels)["loss"]!,
                   curves: (trainCurve, history["val_loss"]),
                   weights: model.namedParameters().filter { Regularization.isPenalized($0.name) }.flatMap(\.variable.value.scalars),
                   note: note)
    }
}
