import Testing
@testable import Axone

/// The planned (graph-free) pass must compute the same maths as the autodiff path.
@Suite struct PlannedPassTests {
    func model(seed: UInt64, activation: Activation, optimizer: Optimizer = Adam(learningRate: 0.01),
               frozen: Int? = nil) throws -> Sequential<Double> {
        let model = try Sequential<Double>(inputShape: [5], seed: seed) {
            Dense(7, activation: activation)
            Dense(6, activation: .tanh)
            Dense(4)
        }
        if let frozen { model[frozen].isTrainable = false }
        model.compile(optimizer: optimizer, loss: .categoricalCrossEntropy(labelSmoothing: 0.1),
                      metrics: [.accuracy], regularization: try Regularization(l1: 1e-3, l2: 1e-3))
        return model
    }

    /// ELU with α < 0 is positive on negative inputs too, so its derivative cannot be read from its output.
    @Test(arguments: [Activation.relu, .sigmoid, .softplus, .elu(), .elu(alpha: -0.5), .selu, .leakyRelu(alpha: 0.1), .linear])
    func plannedTrainingMatchesAutodiff(activation: Activation) throws {
        try expectPlanMatchesAutodiff(activation: activation, examples: 37, batchSize: 8)
    }

    /// A frozen layer is neither updated nor penalised by L1/L2, on both paths.
    @Test(arguments: [0, 1])
    func aFrozenLayerIsNotPenalisedOnEitherPath(frozen: Int) throws {
        try expectPlanMatchesAutodiff(activation: .relu, examples: 37, batchSize: 8, frozen: frozen)
    }

    /// Batches of 150 and 300 rows are split into 2 and 4 shards whose gradients are summed (by
    /// Adam's kernel, or before SGD's); the last batch of 90 rows is one shard.
    @Test(arguments: [Activation.relu, .softplus])
    func shardedTrainingMatchesAutodiff(activation: Activation) throws {
        for optimizer in [{ Adam(learningRate: 0.01) as Optimizer }, { SGD(learningRate: 0.05, momentum: 0.9) }] {
            try expectPlanMatchesAutodiff(activation: activation, examples: 390, batchSize: 150, optimizer: optimizer)
            try expectPlanMatchesAutodiff(activation: activation, examples: 300, batchSize: 300, optimizer: optimizer)
        }
    }

    func expectPlanMatchesAutodiff(activation: Activation, examples: Int, batchSize: Int,
                                   optimizer: () -> Optimizer = { Adam(learningRate: 0.01) }, frozen: Int? = nil,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        var rng = SeededGenerator(seed: 3)
        let x = Tensor<Double>.randomNormal([examples, 5], using: &rng)
        let y = Tensor<Double>(shape: [examples], scalars: (0..<examples).map { Double($0 % 4) })
        let planned = try model(seed: 9, activation: activation, optimizer: optimizer(), frozen: frozen)
        let taped = try model(seed: 9, activation: activation, optimizer: optimizer(), frozen: frozen)
        taped.usesPlannedPasses = false
        #expect(planned.densePlan() != nil)
        let a = try planned.fit(x, y, epochs: 3, batchSize: batchSize, classWeight: [1: 2], verbose: .silent)
        let b = try taped.fit(x, y, epochs: 3, batchSize: batchSize, classWeight: [1: 2], verbose: .silent)
        // Double, relative 1e-10: only the summation order of the gradients (bias sums, shards) differs.
        for key in a.keys {
            for (u, v) in zip(a[key], b[key]) { #expect(abs(u - v) <= 1e-10 * max(abs(v), 1), sourceLocation: sourceLocation) }
        }
        if let frozen {
            let untouched = try model(seed: 9, activation: activation, frozen: frozen)
            #expect(planned[frozen].state() == untouched[frozen].state(), sourceLocation: sourceLocation)
        }
        for (p, q) in zip(planned.namedParameters(), taped.namedParameters()) {
            expectClose(p.variable.value, q.variable.value, relative: 1e-10, absolute: 1e-12, sourceLocation: sourceLocation)
        }
        expectClose(try planned.predict(x, batchSize: 1000), try taped.predict(x), relative: 1e-10, absolute: 1e-12,
                    sourceLocation: sourceLocation)
    }

    @Test func layersOutsideThePlanFallBackToAutodiff() throws {
        let withDropout = try Sequential<Float>(inputShape: [3]) {
            Dense(4, activation: .relu)
            try Dropout(rate: 0.5)
            Dense(2)
        }
        #expect(withDropout.densePlan() == nil)
        let softmaxHead = try Sequential<Float>(inputShape: [3]) { Dense(2, activation: .softmax) }
        #expect(softmaxHead.densePlan() == nil)
        let dense = try Sequential<Float>(inputShape: [3]) { Dense(2) }
        #expect(dense.plannedStep(for: .meanSquaredError) == nil)
        #expect(dense.plannedStep(for: .categoricalCrossEntropy()) != nil)
        try dense.add(try Dropout(rate: 0.1))
        #expect(dense.densePlan() == nil)                 // the plan is dropped when layers change
    }
}
