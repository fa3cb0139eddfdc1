import Testing
@testable import Axone

/// A fully connected stack `sizes[0] → sizes[1] → …` of sigmoid Dense layers.
private func stack(_ sizes: [Int]) throws -> Sequential<Float> {
    try Sequential<Float>(sizes.dropFirst().map { Dense($0, activation: .sigmoid) }, inputShape: [sizes[0]])
}

/// SPEC §8 (seed 001:235-376): the notes' parameter counts, including the general formulas
/// k → 5 → 1 = 5(k + 1) + 6 and k → 5 → 3 → 4 → 7 → 1 = 5(k + 1) + 18 + 16 + 35 + 8.
private let countCases: [([Int], Int)] = [([2, 3, 1], 13), ([2, 5, 1], 21)]
    + [1, 3, 10, 784].map { k in ([k, 5, 1], 5 * (k + 1) + 6) }
    + [2, 10, 64].map { k in ([k, 5, 3, 4, 7, 1], 5 * (k + 1) + 18 + 16 + 35 + 8) }

@Suite struct SequentialTests {
    @Test(arguments: countCases)
    func parameterCountsOfTheNotes(sizes: [Int], expected: Int) throws {
        let model = try stack(sizes)
        #expect(model.trainableParameterCount == expected)
        #expect(model.nonTrainableParameterCount == 0)
        #expect(model.outputShape == [1])
    }

    /// Keras `Dense(10, input_dim=784)` = 7,850 parameters (seed 003:1277); 7,840 without bias.
    @Test func mnistLogisticRegressionCount() throws {
        #expect(Dense<Float>(10, inputSize: 784, seed: 0).trainableParameterCount == 7850)
        #expect(Dense<Float>(10, inputSize: 784, useBias: false, seed: 0).trainableParameterCount == 7840)
        #expect(try Sequential<Float> { Dense(10, inputSize: 784, activation: .softmax) }.trainableParameterCount == 7850)
    }

    /// Parameters are named by module path (SPEC §10); layers without parameters keep their index.
    @Test func parameterNames() throws {
        let model = try Sequential<Float>(inputShape: [2]) { Dense(3); ActivationLayer(.relu); Dense(1) }
        let named = model.namedParameters()
        #expect(named.map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"])
        #expect(named.map(\.variable.shape) == [[2, 3], [3], [3, 1], [1]])
        #expect(model.layers[1].typeName == "Activation")
    }

    /// `add` builds the new layer from the model's current output; `pop` removes the last layer.
    @Test func addAndPop() throws {
        let model = try Sequential<Float>(inputShape: [2]) { Dense(3) }
        try model.add(Dense(1, activation: .sigmoid))
        #expect(model.trainableParameterCount == 13 && model.outputShape == [1])
        let popped = model.pop()
        #expect((popped as? Dense<Float>)?.units == 1)
        #expect(model.trainableParameterCount == 9 && model.outputShape == [3])
        try model.add(Dense(4))
        #expect(model.namedParameters().last?.variable.shape == [4] && model.outputShape == [4])
    }

    /// A failed `add` (wrong input size) names the layer and leaves the model as it was.
    @Test func failedAddLeavesTheModelUnchanged() throws {
        let model = try Sequential<Float>(inputShape: [2]) { Dense(3) }
        let error = #expect(throws: LayerError.self) { try model.add(Dense(1, inputSize: 7, name: "extra")) }
        #expect(error?.description.contains("extra") == true)
        #expect(model.layers.count == 1 && model.outputShape == [3])
        try model.add(Dense(1))
        #expect(model.trainableParameterCount == 13)
    }

    /// Freezing a layer (Keras `layer.trainable = False`) moves its parameters to non-trainable;
    /// they get no gradient and an optimiser step leaves them unchanged. Unfreezing restores all.
    @Test func freezingALayer() throws {
        let model = try Sequential<Double>(inputShape: [2]) { Dense(3, activation: .tanh); Dense(1) }
        model.layers[0].isTrainable = false
        #expect(model.trainableParameterCount == 4 && model.nonTrainableParameterCount == 9)
        #expect(model.trainableParameters.map(\.name) == ["layers.1.weight", "layers.1.bias"])
        let frozen = model.layers[0].namedParameters().map(\.variable.value)
        let loss = Loss.meanSquaredError(model(Variable(randomTensor([4, 2], seed: 40))), randomTensor([4, 1], seed: 41))
        try loss.backward()
        #expect(model.layers[0].namedParameters().allSatisfy { $0.variable.gradient == nil })
        #expect(model.layers[1].namedParameters().allSatisfy { $0.variable.gradient != nil })
        SGD(learningRate: 0.1).step(model.namedParameters())
        #expect(model.layers[0].namedParameters().map(\.variable.value) == frozen)
        model.layers[0].isTrainable = true
        #expect(model.trainableParameterCount == 13 && model.trainableParameters.count == 4)
    }

    /// A layer frozen before the model is built creates its parameters frozen.
    @Test func freezingBeforeBuild() throws {
        let hidden = Dense<Float>(5)
        hidden.isTrainable = false
        let model = try Sequential<Float>(inputShape: [3]) { hidden; Dense(1) }
        #expect(model.nonTrainableParameterCount == 20 && model.trainableParameterCount == 6)
    }

    /// `eval()`/`train()` reach every sub-layer.
    @Test func trainingFlagPropagates() throws {
        let model = try Sequential<Float>(inputShape: [3]) { Dense(3); try Dropout(rate: 0.5) }
        model.eval()
        #expect(model.layers.allSatisfy { !$0.isTraining })
        let x = Variable(Tensor<Float>.ones([2, 3]))
        #expect(model(x).value == model.layers[0](x).value)   // dropout is the identity in eval
        model.train()
        #expect(model.layers.allSatisfy { $0.isTraining })
    }

    /// Shape mismatches between layers are errors that name the offending layer (its name, or its type).
    @Test func shapeMismatchNamesTheLayer() throws {
        let first = #expect(throws: LayerError.self) { try Sequential<Float>(inputShape: [3]) { Dense(4, inputSize: 5) } }
        #expect(first == .shapeMismatch(layer: "Dense(5→4)", expected: "[5]", got: [3]))
        #expect(first?.description == "Dense(5→4) expects [5], got input of shape [3]")
        let second = #expect(throws: LayerError.self) {
            try Sequential<Float>(inputShape: [3]) { Dense(4); Dense(2, inputSize: 5, name: "head") }
        }
        #expect(second?.description.contains("head") == true && second?.description.contains("[4]") == true)
        let third = #expect(throws: LayerError.self) {
            try Sequential<Float>(inputShape: [2, 3]) { try BatchNormalization(name: "bn1") }
        }
        #expect(third?.description.hasPrefix("bn1 expects [features]") == true)
    }
}

@Suite struct RegularizationTests {
    /// A 2 → 2 → 1 model with hand-set weights and (unpenalised) biases.
    private func model() throws -> Sequential<Double> {
        let model = try Sequential<Double>(inputShape: [2]) { Dense(2); Dense(1) }
        let values: [Tensor<Double>] = [Tensor([[1, -2], [0.5, -0.25]]), Tensor(shape: [2], scalars: [3, 3]),
                                        Tensor([[-1], [2]]), Tensor(shape: [1], scalars: [5])]
        for ((_, p), v) in zip(model.namedParameters(), values) { p.value = v }
        return model
    }

    /// By hand: Σ|w| = 1 + 2 + 0.5 + 0.25 + 1 + 2 = 6.75, Σw² = 1 + 4 + 0.25 + 0.0625 + 1 + 4 = 10.3125,
    /// so 0.01·6.75 + 0.1·10.3125 = 1.09875 (biases excluded). Gradient α₁·sign(w) + 2α₂·w on weights,
    /// none on biases. Double, absolute 1e-15.
    @Test func penaltyValueAndGradient() throws {
        let model = try model()
        let penalty = try #require(try Regularization(l1: 0.01, l2: 0.1).penalty(model.namedParameters()))
        expectClose(penalty.value.scalar, 1.09875, absolute: 1e-15)
        try penalty.backward()
        for (name, p) in model.namedParameters() {
            if Regularization.isPenalized(name) {
                let expected = p.value.scalars.map { 0.01 * ($0 > 0 ? 1 : -1) + 0.2 * $0 }
                expectClose(p.gradient!, Tensor(shape: p.shape, scalars: expected), relative: 0, absolute: 1e-15)
            } else {
                #expect(p.gradient == nil, "\(name) must not be penalised")
            }
        }
        #expect(try Regularization().penalty(model.namedParameters()) == nil)
        #expect(["layers.1.gamma", "alpha", "layers.0.bias"].allSatisfy { !Regularization.isPenalized($0) })
    }

    /// SPEC §7: PyTorch's `weight_decay = λ` equals a loss term (λ/2)·Σw². One SGD step both ways
    /// from w, on L = Σ cᵢwᵢ; by hand both give w − η·(c + λ·w). Double, absolute 1e-15.
    @Test func weightDecayEqualsHalfL2() throws {
        let (w0, c): ([Double], [Double]) = ([1, -2, 0.5], [0.3, 0.1, -0.7])
        func step(weightDecay: Double, l2: Double) throws -> [Double] {
            let w = Variable(Tensor(shape: [3], scalars: w0), requiresGradient: true)
            var loss = (w * Variable(Tensor(shape: [3], scalars: c))).sum()
            if let penalty = try Regularization(l2: l2).penalty([("weight", w)]) { loss = loss + penalty }
            try loss.backward()
            SGD(learningRate: 0.1, weightDecay: weightDecay).step([("weight", w)])
            return w.value.scalars
        }
        let expected = w0.indices.map { w0[$0] - 0.1 * (c[$0] + 0.2 * w0[$0]) }
        for result in [try step(weightDecay: 0.2, l2: 0), try step(weightDecay: 0, l2: 0.1)] {
            #expect(zip(result, expected).allSatisfy { abs($0 - $1) <= 1e-15 })
        }
    }

    /// Max-norm: columns (a unit's incoming weights) longer than c are rescaled to length c. By hand:
    /// columns (3, 4) and (0.3, 0.4) have norms 5 and 0.5; with c = 2 the first becomes (1.2, 1.6),
    /// the second stays; the bias is untouched. Double, absolute 1e-15.
    @Test func maxNormRescalesLongColumns() throws {
        let layer = try built(Dense<Double>(2), inputShape: [2])
        layer.weight!.value = Tensor([[3, 0.3], [4, 0.4]])
        layer.bias!.value = Tensor(shape: [2], scalars: [10, 10])
        try MaxNormConstraint(maxNorm: 2).apply(to: layer.namedParameters())
        expectClose(layer.weight!.value, Tensor([[1.2, 0.3], [1.6, 0.4]]), relative: 0, absolute: 1e-15)
        #expect(layer.bias!.value.scalars == [10, 10])
    }
}
