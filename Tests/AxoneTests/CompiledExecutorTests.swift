import Testing
@testable import Axone

/// The compiled executor must compute the same maths as the eager tape (Double, relative 1e-10:
/// only the summation order of gradients — bias sums, row shards — differs).
@Suite struct CompiledExecutorTests {
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
    func compiledTrainingMatchesTheTape(activation: Activation) throws {
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
    func shardedTrainingMatchesTheTape(activation: Activation) throws {
        for optimizer in [{ Adam(learningRate: 0.01) as Optimizer }, { SGD(learningRate: 0.05, momentum: 0.9) }] {
            try expectPlanMatchesAutodiff(activation: activation, examples: 390, batchSize: 150, optimizer: optimizer)
            try expectPlanMatchesAutodiff(activation: activation, examples: 300, batchSize: 300, optimizer: optimizer)
        }
    }

    /// The first layer's weight gradient is one product over the whole batch, computed by the
    /// update in one block of rows of `dW` per shard (260 inputs: blocks of 128 and 132 rows at batch
    /// 150, of 64, 64, 64 and 68 at 300), with and without a bias, with L1/L2 (the penalty's
    /// gradient written first, the product added on top) and with the layer above frozen. Below 64
    /// inputs per shard the shards keep their products. With 64 units, a shard's sum of the partial
    /// products runs in several tiles of rows (64 rows each, `LinearPrimitive.sumTileElements`), the
    /// last one partial (shards of 80 and 70 rows at batch 150).
    @Test(arguments: [true, false], [9, 64])
    func theFirstWeightGradientOverTheWholeBatchMatchesTheTape(useBias: Bool, units: Int) throws {
        #expect(LinearPrimitive<Double>.sumTileElements / 64 < 70)
        let x = randomTensor([390, 260], seed: 21)
        let y = Tensor<Double>(shape: [390], scalars: (0..<390).map { Double($0 % 3) })
        for (batchSize, shards, optimizer) in [(150, 2, { Adam(learningRate: 0.01) as Optimizer }), (300, 4, { SGD(learningRate: 0.05, momentum: 0.9) })] {
            let make = { (inputs: Int) in
                let model = try Sequential<Double>(inputShape: [inputs], seed: 22) {
                    Dense(units, activation: .relu, useBias: useBias)
                    Dense(6, activation: .tanh)
                    Dense(3)
                }
                model[1].isTrainable = false
                model.compile(optimizer: optimizer(), loss: .categoricalCrossEntropy(),
                              regularization: try Regularization(l1: 1e-3, l2: 1e-3))
                return model
            }
            #expect(try make(260).executor(training: true)?.deferredWeightName(rows: batchSize) == "layers.0.weight")
            #expect(try make(64 * shards - 1).executor(training: true)?.deferredWeightName(rows: batchSize) == nil)
            try expectCompiledMatchesTape({ try make(260) }, inputs: [x], targets: [y], batchSize: batchSize)
        }
    }

    /// In a graph of two inputs, the wide Dense on the second one is left to the update (the first
    /// is too narrow); a Dense called on two inputs (one weight, two calls) never is.
    @Test func theWideDenseOfASecondInputTrainsAsOnTheTape() throws {
        let narrow = randomTensor([300, 8], seed: 23), wide = randomTensor([300, 200], seed: 24), y = randomTensor([300, 3], seed: 25)
        let make = {
            let left = Input<Double>(shape: [8], name: "left", seed: 26), right = Input<Double>(shape: [200], name: "right")
            let merged = try Concatenate()([Dense(4, activation: .tanh)(left), Dense(6, activation: .relu)(right)])
            let model = try Model(inputs: [left, right], outputs: [Dense(3)(merged)])
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .meanSquaredError)
            return model
        }
        #expect(try make().executor(training: true)?.deferredWeightName(rows: 150) == "layers.1.weight")
        try expectCompiledMatchesTape(make, inputs: [narrow, wide], targets: [y], batchSize: 150)

        let first = Input<Double>(shape: [200]), second = Input<Double>(shape: [200]), shared = Dense<Double>(6)
        let twice = try Model(inputs: [first, second], outputs: [Add()([shared(first), shared(second)])])
        twice.compile(optimizer: Adam(), loss: .meanSquaredError)
        #expect(try #require(twice.executor(training: true)).deferredWeightName(rows: 150) == nil)
    }

    func expectPlanMatchesAutodiff(activation: Activation, examples: Int, batchSize: Int,
                                   optimizer: () -> Optimizer = { Adam(learningRate: 0.01) }, frozen: Int? = nil,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        var rng = SeededGenerator(seed: 3)
        let x = Tensor<Double>.randomNormal([examples, 5], using: &rng)
        let y = Tensor<Double>(shape: [examples], scalars: (0..<examples).map { Double($0 % 4) })
        let planned = try model(seed: 9, activation: activation, optimizer: optimizer(), frozen: frozen)
        let taped = try model(seed: 9, activation: activation, optimizer: optimizer(), frozen: frozen)
        taped.usesCompiledPasses = false
        #expect(planned.executor(training: true) != nil)
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

    /// The compiled step keeps the optimiser's slot buffers between steps and asks for them again
    /// only when the optimiser's slots change: an optimiser reset at the start of the second epoch
    /// (its moments forgotten, new buffers made) trains as on the tape, which asks every step
    /// (Double, relative 1e-10; 2 shards of Adam at batch 150).
    @Test func anOptimizerResetBetweenEpochsTrainsAsOnTheTape() throws {
        var rng = SeededGenerator(seed: 5)
        let x = Tensor<Double>.randomNormal([300, 5], using: &rng)
        let y = Tensor<Double>(shape: [300], scalars: (0..<300).map { Double($0 % 4) })
        let reset = LambdaCallback<Double>(onEpochStart: { epoch, model in
            if epoch == 1 { model.configuration?.optimizer.reset() }
        }, onEpochEnd: { _, _, _ in })
        let compiled = try model(seed: 9, activation: .relu), taped = try model(seed: 9, activation: .relu)
        taped.usesCompiledPasses = false
        #expect(compiled.executor(training: true) != nil)
        let a = try compiled.fit(x, y, epochs: 3, batchSize: 150, callbacks: [reset], verbose: .silent)
        let b = try taped.fit(x, y, epochs: 3, batchSize: 150, callbacks: [reset], verbose: .silent)
        let (compiledLosses, tapedLosses): ([Double], [Double]) = (a["loss"], b["loss"])
        #expect(compiledLosses.count == 3)
        for (u, v) in zip(compiledLosses, tapedLosses) { #expect(abs(u - v) <= 1e-10 * Swift.max(abs(v), 1)) }
        for (p, q) in zip(compiled.namedParameters(), taped.namedParameters()) {
            expectClose(p.variable.value, q.variable.value, relative: 1e-10, absolute: 1e-12)
        }
        // Without the reset the weights end elsewhere, so the comparison above sees it.
        let unreset = try model(seed: 9, activation: .relu)
        _ = try unreset.fit(x, y, epochs: 3, batchSize: 150, verbose: .silent)
        let moved = zip(unreset.namedParameters(), compiled.namedParameters()).map { p, q in
            zip(p.variable.value.scalars, q.variable.value.scalars).map { abs($0 - $1) }.max() ?? 0
        }.max() ?? 0
        #expect(moved > 1e-6)
    }

    @Test func layersOutsideTheExecutorFallBackToTheTape() throws {
        // Batch normalisation in training mixes the rows of a batch (its statistics): on the tape.
        let normalized = try Sequential<Float>(inputShape: [3]) {
            Dense(4, activation: .relu)
            try BatchNormalization()
            Dense(2)
        }
        #expect(normalized.executor(training: true) == nil)
        #expect(normalized.compilation.contains("BatchNormalization"))
        #expect(ForwardMode.$override.withValue(.inference) { normalized.executor(training: false) } == nil)   // its statistics change as it trains
        // Dropout compiles in training and in inference, but not in Monte-Carlo passes.
        let withDropout = try Sequential<Float>(inputShape: [3]) {
            Dense(4, activation: .relu)
            try Dropout(rate: 0.5)
            Dense(2)
        }
        #expect(withDropout.executor(training: true) != nil)
        #expect(ForwardMode.$override.withValue(.inference) { withDropout.executor(training: false) } != nil)
        #expect(ForwardMode.$override.withValue(.inferenceWithDropout) { withDropout.executor(training: false) } == nil)
        let dense = try Sequential<Float>(inputShape: [3]) { Dense(2) }
        #expect(dense.executor(training: true) != nil)
        try dense.add(try BatchNormalization())
        #expect(dense.executor(training: true) == nil)           // the executor is dropped when layers change
    }

    /// Dropout (both styles), Gaussian noise and RReLU draw their tensors from their generators
    /// before each compiled step, in the tape's order: same masks, same training (batches of 150
    /// rows in 2 shards of 80 and 70, so each shard reads its rows of the batch's mask).
    @Test func randomLayersTrainAsOnTheTape() throws {
        let x = randomTensor([300, 6], seed: 12)
        let y = Tensor<Double>(shape: [300], scalars: (0..<300).map { Double($0 % 3) })
        try expectCompiledMatchesTape({
            let model = try Sequential<Double>(inputShape: [6], seed: 13) {
                Dense(8, activation: .tanh)
                try Dropout(rate: 0.3)
                try GaussianNoise(standardDeviation: 0.1)
                Dense(8)
                try RReLU()
                try Dropout(rate: 0.2, style: .vanilla)
                Dense(3)
            }
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy())
            return model
        }, inputs: [x], targets: [y], batchSize: 150)
    }

    /// A user layer that draws noise in inference too: training compiles, inference runs on the tape.
    final class AlwaysNoisy: StochasticLayer<Double> {
        override var isTraceable: Bool { true }
        override func forward(_ input: Variable<Double>) -> Variable<Double> {
            input + drawRandom(input.shape, .normal(mean: 0, standardDeviation: 0.1))
        }
    }

    @Test func aUserLayerThatDrawsInInferenceTrainsCompiledAndInfersOnTheTape() throws {
        let x = randomTensor([100, 4], seed: 16), y = randomTensor([100, 2], seed: 17)
        let make = {
            let model = try Sequential<Double>(inputShape: [4], seed: 18) {
                Dense(5, activation: .tanh)
                AlwaysNoisy()
                Dense(2)
            }
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .meanSquaredError)
            return model
        }
        try expectCompiledMatchesTape(make, inputs: [x], targets: [y], batchSize: 50)
        let model = try make()
        #expect(ForwardMode.$override.withValue(.inference) { model.executor(training: false)?.infer([x]) } == nil)
        #expect(try model.predict(x) != model.predict(x))   // fresh noise on every pass
    }

    /// Spatial dropout's mask, one draw per example and channel, broadcast over the feature map.
    @Test func spatialDropoutTrainsAsOnTheTape() throws {
        let x = randomTensor([150, 6, 6, 2], seed: 14)
        let y = Tensor<Double>(shape: [150], scalars: (0..<150).map { Double($0 % 2) })
        try expectCompiledMatchesTape({
            let model = try Sequential<Double>(inputShape: [6, 6, 2], seed: 15) {
                Conv2D(filters: 4, kernelSize: 3, activation: .relu)
                try SpatialDropout2D(rate: 0.5)
                Flatten()
                try Dropout(rate: 0.25)
                Dense(2)
            }
            model.compile(optimizer: SGD(learningRate: 0.05), loss: .categoricalCrossEntropy())
            return model
        }, inputs: [x], targets: [y], batchSize: 150)
    }

    /// Trains `make()` twice from the same weights, compiled and on the tape, and compares the
    /// histories, the weights and the predictions (Double, relative 1e-10, absolute 1e-12).
    func expectCompiledMatchesTape(_ make: () throws -> Model<Double>, inputs: [Tensor<Double>], targets: [Tensor<Double>],
                                   batchSize: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let compiled = try make(), taped = try make()
        taped.usesCompiledPasses = false
        #expect(compiled.executor(training: true) != nil, "\(compiled.compilation)", sourceLocation: sourceLocation)
        let a = try compiled.fit(inputs, targets, epochs: 3, batchSize: batchSize, verbose: .silent)
        let b = try taped.fit(inputs, targets, epochs: 3, batchSize: batchSize, verbose: .silent)
        #expect(a.keys == b.keys, sourceLocation: sourceLocation)
        for key in a.keys {
            for (u, v) in zip(a[key], b[key]) {
                #expect(abs(u - v) <= 1e-10 * max(abs(v), 1), "\(key): \(u) vs \(v)", sourceLocation: sourceLocation)
            }
        }
        for (p, q) in zip(compiled.namedParameters(), taped.namedParameters()) {
            expectClose(p.variable.value, q.variable.value, relative: 1e-10, absolute: 1e-12, sourceLocation: sourceLocation)
        }
        for (p, q) in zip(try compiled.predict(inputs), try taped.predict(inputs)) {
            expectClose(p, q, relative: 1e-10, absolute: 1e-12, sourceLocation: sourceLocation)
        }
    }

    /// Three heads (one through a concatenation) with a loss each and loss weights.
    @Test func aMultiOutputGraphTrainsAsOnTheTape() throws {
        let x = randomTensor([150, 4], seed: 1)
        let targets = [Tensor<Double>(shape: [150], scalars: (0..<150).map { Double($0 % 3) }),
                       randomTensor([150, 2], seed: 2), randomTensor([150, 1], seed: 3)]
        try expectCompiledMatchesTape({
            let model = try FunctionalModelTests.threeHeads(seed: 4)
            try model.compile(optimizer: Adam(learningRate: 0.01),
                              losses: ["a": .categoricalCrossEntropy(), "b": .meanSquaredError, "c": .meanSquaredError],
                              lossWeights: ["a": 1, "b": 0.5, "c": 2], metrics: ["a": [.accuracy]])
            return model
        }, inputs: [x], targets: targets, batchSize: 64)
    }

    /// A layer called twice shares its weights: their gradients add.
    @Test func aSharedLayerTrainsAsOnTheTape() throws {
        let x = randomTensor([90, 3], seed: 5), y = randomTensor([90, 3], seed: 6)
        try expectCompiledMatchesTape({
            let inputs = Input<Double>(shape: [3], seed: 7)
            let shared = Dense<Double>(3, activation: .tanh, name: "shared")
            let twice = try shared(try shared(inputs))
            let model = try Model(inputs: [inputs], outputs: [try Add<Double>()([twice, inputs])])
            model.compile(optimizer: SGD(learningRate: 0.1, momentum: 0.5), loss: .meanSquaredError,
                          regularization: try Regularization(l2: 1e-3))
            return model
        }, inputs: [x], targets: [y], batchSize: 32)
    }

    /// Dense without a bias, a softmax layer, PReLU, and every optimiser, with max-norm.
    @Test(arguments: 0..<8)
    func everyOptimizerTrainsAsOnTheTape(_ optimizer: Int) throws {
        let optimizers: [() -> Optimizer] = [
            { SGD(learningRate: 0.05) }, { SGD(learningRate: 0.05, momentum: 0.9, nesterov: true) },
            { Adagrad(learningRate: 0.05, weightDecay: 1e-3) }, { RMSProp(learningRate: 0.01) }, { AdaDelta() },
            { Adam(learningRate: 0.01) }, { Nadam() }, { AdamW(learningRate: 0.01) },
        ]
        let x = randomTensor([70, 5], seed: 8)
        let y = Tensor<Double>(shape: [70], scalars: (0..<70).map { Double($0 % 4) })
        try expectCompiledMatchesTape({
            let model = try Sequential<Double>(inputShape: [5], seed: 9) {
                Dense(6, useBias: false)
                PReLU()
                Dense(4, activation: .selu)
                Dense(4, activation: .logSoftmax)
            }
            model.compile(optimizer: optimizers[optimizer](), loss: .categoricalCrossEntropy(),
                          maxNorm: try MaxNormConstraint(maxNorm: 1))
            return model
        }, inputs: [x], targets: [y], batchSize: 16)
    }

    /// A small CNN (convolutions with strides, padding and dilation, both poolings, flatten) in
    /// row shards (batches of 150 rows: 2 shards of 80 and 70 rows).
    @Test func aConvolutionalNetworkTrainsAsOnTheTape() throws {
        let x = randomTensor([300, 9, 8, 2], seed: 10)
        let y = Tensor<Double>(shape: [300], scalars: (0..<300).map { Double($0 % 3) })
        try expectCompiledMatchesTape({
            let model = try Sequential<Double>(inputShape: [9, 8, 2], seed: 11) {
                Conv2D(filters: 4, kernelSize: 3, padding: .same, activation: .relu)
                MaxPooling2D(poolSize: 2, padding: .same)
                Conv2D(filters: 3, kernelSize: 2, strides: 1, dilation: 2, activation: .tanh)
                AveragePooling2D(poolSize: 2, strides: 1)
                Flatten()
                Dense(3)
            }
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy())
            return model
        }, inputs: [x], targets: [y], batchSize: 150)
    }
}
