import Testing
@testable import Axone

/// Per-column mean and biased variance, by plain loops (the test's own reference).
private func columnMoments(_ x: Tensor<Double>) -> [(mean: Double, variance: Double)] {
    let (n, d) = (x.shape[0], x.shape[1])
    return (0..<d).map { j in
        let mean = (0..<n).map { x[$0, j] }.reduce(0, +) / Double(n)
        return (mean, (0..<n).map { (x[$0, j] - mean) * (x[$0, j] - mean) }.reduce(0, +) / Double(n))
    }
}

@Suite struct BatchNormalizationTests {
    /// Train mode with γ = 1, β = 0: every feature of the output has mean 0 and (biased) variance
    /// σ²/(σ² + ε), σ² the batch's biased variance (Ioffe & Szegedy 2015). ε = 0.5 makes the
    /// shrinkage visible. Tolerance: Double, absolute 1e-5 (the issue's bound; actual error ~1e-15).
    @Test(arguments: [1e-5, 0.5])
    func trainModeNormalizesEachFeature(epsilon: Double) throws {
        let bn = try built(BatchNormalization<Double>(epsilon: epsilon), inputShape: [3])
        let x = randomTensor([8, 3], seed: 20) * Tensor(shape: [3], scalars: [0.5, 2, 10])
            + Tensor(shape: [3], scalars: [-1, 3, 100])
        let y = bn(Variable(x)).value
        for (input, output) in zip(columnMoments(x), columnMoments(y)) {
            expectClose(output.mean, 0, absolute: 1e-5)
            expectClose(output.variance, input.variance / (input.variance + epsilon), absolute: 1e-5)
        }
    }

    /// PyTorch's convention: running ← 0.9·running + 0.1·batch, with the unbiased variance.
    /// By hand, from (mean 0, var 1): batch 1 columns [1…5] (mean 3, s² 2.5) and [2, 4, …, 10]
    /// (mean 6, s² 10) give means (0.3, 0.6), variances (0.9 + 0.25, 0.9 + 1) = (1.15, 1.9);
    /// batch 2 columns [0, 0, 0, 0, 10] (mean 2, s² 80/4 = 20) and [−1, 1, −1, 1, 0] (mean 0, s² 1)
    /// give means (0.27 + 0.2, 0.54) = (0.47, 0.54), variances (1.035 + 2, 1.71 + 0.1) = (3.035, 1.81).
    /// Double, absolute 1e-12.
    @Test func runningStatisticsUseMomentumAndUnbiasedVariance() throws {
        let bn = try built(BatchNormalization<Double>(), inputShape: [2])
        _ = bn(Variable(Tensor([[1, 2], [2, 4], [3, 6], [4, 8], [5, 10]])))
        expectClose(bn.runningMean!.value, Tensor(shape: [2], scalars: [0.3, 0.6]), relative: 0, absolute: 1e-12)
        expectClose(bn.runningVariance!.value, Tensor(shape: [2], scalars: [1.15, 1.9]), relative: 0, absolute: 1e-12)
        _ = bn(Variable(Tensor([[0, -1], [0, 1], [0, -1], [0, 1], [10, 0]])))
        expectClose(bn.runningMean!.value, Tensor(shape: [2], scalars: [0.47, 0.54]), relative: 0, absolute: 1e-12)
        expectClose(bn.runningVariance!.value, Tensor(shape: [2], scalars: [3.035, 1.81]), relative: 0, absolute: 1e-12)
    }

    /// Eval mode: y = γ·(x − running mean)/√(running var + ε) + β, row by row (a single example
    /// gives the same output as inside a batch), and the running statistics stay put.
    /// Reference computed by loops in the test; Double, relative 1e-14.
    @Test func evalModeUsesRunningStatistics() throws {
        let bn = try built(BatchNormalization<Double>(epsilon: 1e-3), inputShape: [2])
        bn.runningMean!.value = Tensor(shape: [2], scalars: [0.5, -1])
        bn.runningVariance!.value = Tensor(shape: [2], scalars: [4, 0.25])
        bn.gamma!.value = Tensor(shape: [2], scalars: [2, 1])
        bn.beta!.value = Tensor(shape: [2], scalars: [0.1, 0])
        bn.eval()
        let x = Tensor<Double>([[2.5, 0], [-1, 3]])
        let (mean, variance, gamma, beta) = ([0.5, -1.0], [4.0, 0.25], [2.0, 1.0], [0.1, 0.0])
        let expected = Tensor<Double>(shape: [2, 2], scalars: (0..<4).map { k in
            let (i, j) = (k / 2, k % 2)
            return gamma[j] * (x[i, j] - mean[j]) / (variance[j] + 1e-3).squareRoot() + beta[j]
        })
        expectClose(bn(Variable(x)).value, expected, relative: 1e-14, absolute: 0)
        expectClose(bn(Variable(x.rows(1..<2))).value, expected.rows(1..<2), relative: 1e-14, absolute: 0)
        #expect(bn.runningMean!.value.scalars == mean && bn.runningVariance!.value.scalars == variance)
    }

    /// Gradients with respect to the input, γ and β in both modes (Double, relative error < 1e-6).
    @Test(arguments: [true, false])
    func gradients(training: Bool) throws {
        let bn = try built(BatchNormalization<Double>(), inputShape: [3])
        bn.gamma!.value = randomTensor([3], seed: 21)
        bn.beta!.value = randomTensor([3], seed: 22)
        bn.runningVariance!.value = Tensor(shape: [3], scalars: [0.5, 2, 1.5])
        bn.setTraining(training)
        try expectLayerGradientsMatch(bn, input: randomTensor([6, 3], seed: 23))
    }

    /// 4·units parameters, 2·units of them (running mean and variance) non-trainable, saved under
    /// `layers.<i>.runningMean` / `runningVariance` (SPEC §10).
    @Test(arguments: [1, 4, 300])
    func parameterCounts(units: Int) throws {
        let model = try Sequential<Float>(inputShape: [5]) { Dense(units); try BatchNormalization() }
        #expect(model.layers[1].trainableParameterCount == 2 * units)
        #expect(model.layers[1].nonTrainableParameterCount == 2 * units)
        #expect(model.nonTrainableParameterCount == 2 * units)
        #expect(model.trainableParameterCount == 6 * units + 2 * units)
        #expect(model.namedBuffers().map(\.name) == ["layers.1.runningMean", "layers.1.runningVariance"])
        #expect(throws: LayerError.self) { try BatchNormalization<Float>(momentum: 1.5) }
    }
}

@Suite struct DropoutTests {
    private func dropout(_ rate: Double, style: Dropout<Double>.Style = .inverted, seed: UInt64 = 0) throws -> Dropout<Double> {
        try built(Dropout<Double>(rate: rate, style: style), inputShape: [1000], seed: seed)
    }

    /// Inverted dropout keeps the expected value: over 500,000 units of ones the mean output is
    /// within 1 % of 1 (its standard error is √(p/(1−p))/707 ≤ 0.3 %), kept units are scaled by exactly
    /// 1/(1 − p) (Double, relative 1e-15), the dropped fraction is p within 0.005; eval is the identity.
    @Test(arguments: [0.2, 0.5, 0.8])
    func invertedDropoutKeepsTheExpectedValue(rate: Double) throws {
        let layer = try dropout(rate)
        let ones = Tensor<Double>.ones([500, 1000])
        let y = layer(Variable(ones)).value.scalars
        #expect(abs(y.reduce(0, +) / Double(y.count) - 1) < 0.01)
        #expect(y.allSatisfy { $0 == 0 || abs($0 - 1 / (1 - rate)) <= 1e-15 / (1 - rate) })
        #expect(abs(Double(y.filter { $0 == 0 }.count) / Double(y.count) - rate) < 0.005)
        layer.eval()
        let x = randomTensor([4, 1000], seed: 30)
        #expect(layer(Variable(x)).value == x)
    }

    /// The notes' vanilla form: no scaling in training, × keep probability (1 − p) at test time (SPEC §9).
    @Test func vanillaDropoutScalesAtTestTime() throws {
        let layer = try dropout(0.25, style: .vanilla)
        let x = randomTensor([3, 1000], seed: 31)
        let y = layer(Variable(x)).value
        #expect(zip(y.scalars, x.scalars).allSatisfy { $0 == 0 || $0 == $1 })
        layer.eval()
        expectClose(layer(Variable(x)).value, x * 0.75, relative: 1e-15, absolute: 0)
    }

    /// The same seed gives the same masks; another seed, and the next call, give other masks.
    @Test func masksFollowTheSeed() throws {
        let x = Variable(Tensor<Double>.ones([2, 1000]))
        let a = try dropout(0.5, seed: 7), b = try dropout(0.5, seed: 7), c = try dropout(0.5, seed: 8)
        let first = a(x).value
        #expect(first == b(x).value)
        #expect(first != c(x).value)
        #expect(first != a(x).value)
    }

    /// Gradient through the mask: dL/dx = mask/(1 − p) where kept, 0 where dropped (by hand).
    @Test func gradientFollowsTheMask() throws {
        let layer = try dropout(0.4)
        let x = Variable(randomTensor([2, 1000], seed: 32), requiresGradient: true)
        let y = layer(x)
        try y.sum().backward()
        #expect(zip(x.gradient!.scalars, zip(y.value.scalars, x.value.scalars)).allSatisfy { g, pair in
            pair.0 == 0 ? g == 0 : abs(g - 1 / 0.6) < 1e-15
        })
    }

    @Test(arguments: [-0.1, 1.0, 1.5])
    func invalidRatesAreRejected(rate: Double) {
        let error = #expect(throws: LayerError.self) { try Dropout<Float>(rate: rate) }
        guard case .invalidArgument(let layer, _)? = error else { Issue.record("expected invalidArgument"); return }
        #expect(layer == "Dropout")
    }
}

@Suite struct SimpleLayerTests {
    /// Gaussian noise: identity in eval; in training x + N(0, σ²) — over 100,000 draws the noise has
    /// |mean| < 0.01·σ and std within 2 % of σ; seeded through build.
    @Test func gaussianNoise() throws {
        let layer = try built(GaussianNoise<Double>(standardDeviation: 0.3), inputShape: [1000], seed: 3)
        let x = randomTensor([100, 1000], seed: 33)
        let noise = (layer(Variable(x)).value - x).scalars
        let (mean, variance) = columnMoments(Tensor(shape: [noise.count, 1], scalars: noise))[0]
        #expect(abs(mean) < 0.01 * 0.3)
        #expect(abs(variance.squareRoot() - 0.3) < 0.02 * 0.3)
        let twin = try built(GaussianNoise<Double>(standardDeviation: 0.3), inputShape: [1000], seed: 3)
        #expect(twin(Variable(x)).value - x == Tensor(shape: x.shape, scalars: noise))
        layer.eval()
        #expect(layer(Variable(x)).value == x)
        #expect(throws: LayerError.self) { try GaussianNoise<Double>(standardDeviation: -1) }
    }

    /// Flatten: [batch, 2, 3] → [batch, 6], row-major order kept; its gradient reshapes back.
    @Test func flatten() throws {
        let layer = Flatten<Double>()
        var generator = SeededGenerator(seed: 0)
        #expect(try layer.build(inputShape: [2, 3], generator: &generator) == [6])
        let x = Tensor<Double>(shape: [2, 2, 3], scalars: (0..<12).map(Double.init))
        let y = layer(Variable(x)).value
        #expect(y.shape == [2, 6] && y.scalars == x.scalars)
        try expectLayerGradientsMatch(layer, input: randomTensor([2, 2, 3], seed: 34))
    }

    /// Dense y = g(x·W + b), W stored [in, out]. By hand: x = [1, 0, −1], W = [[1, 2], [3, 4], [5, 6]],
    /// b = [0.5, −1] → x·W + b = [1 − 5 + 0.5, 2 − 6 − 1] = [−3.5, −5] (exact in Double).
    @Test func denseForwardByHand() throws {
        let layer = try built(Dense<Double>(2), inputShape: [3])
        layer.weight!.value = Tensor([[1, 2], [3, 4], [5, 6]])
        layer.bias!.value = Tensor(shape: [2], scalars: [0.5, -1])
        #expect(layer(Variable(Tensor([[1, 0, -1]]))).value == Tensor([[-3.5, -5]]))
        let noBias = try built(Dense<Double>(2, useBias: false), inputShape: [3])
        #expect(noBias.namedParameters().map(\.name) == ["weight"])
        #expect(noBias.trainableParameterCount == 6)
    }

    /// Dense gradients (input, weight, bias) through tanh and softmax outputs (Double, relative < 1e-6).
    @Test(arguments: [Activation.tanh, .softmax, .linear])
    func denseGradients(_ activation: Activation) throws {
        let layer = try built(Dense<Double>(4, activation: activation), inputShape: [3], seed: 35)
        layer.bias!.value = randomTensor([4], seed: 36)
        try expectLayerGradientsMatch(layer, input: randomTensor([5, 3], seed: 37))
    }
}
