import Foundation
import Testing
@testable import Axone

/// Per-channel mean and biased variance of channels-last images `[n, h, w, c]` over the batch,
/// the height and the width, by plain loops (the test's own reference).
private func channelMoments(_ x: Tensor<Double>) -> [(mean: Double, variance: Double)] {
    let channels = x.shape[3], values = x.count / channels
    return (0..<channels).map { c in
        let column = stride(from: c, to: x.count, by: channels).map { x.scalars[$0] }
        let mean = column.reduce(0, +) / Double(values)
        return (mean, column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values))
    }
}

/// BatchNormalization on channels-last images (Keras `axis=-1`, PyTorch `BatchNorm2d`): one γ, β,
/// running mean and running variance per channel, statistics over batch × height × width.
@Suite struct ChannelBatchNormalizationTests {
    /// Images whose channels have very different scales and offsets.
    private static func images(_ shape: [Int] = [4, 3, 5, 3], seed: UInt64 = 40) -> Tensor<Double> {
        randomTensor(shape, seed: seed) * Tensor(shape: [3], scalars: [0.5, 2, 10]) + Tensor(shape: [3], scalars: [-1, 3, 100])
    }

    /// Train mode with γ = 1, β = 0: each channel of the output has mean 0 and biased variance
    /// σ²/(σ² + ε) over its 4·3·5 = 60 values (Ioffe & Szegedy 2015), against loops in the test.
    /// Double, absolute 1e-9 (actual ~1e-15).
    @Test(arguments: [1e-5, 0.5])
    func trainModeNormalizesEachChannelOverBatchHeightAndWidth(epsilon: Double) throws {
        let bn = try built(BatchNormalization<Double>(epsilon: epsilon), inputShape: [3, 5, 3])
        #expect(bn.gamma?.shape == [3] && bn.runningMean?.value.shape == [3])
        let x = Self.images()
        let y = bn(Variable(x)).value
        #expect(y.shape == x.shape)
        for (input, output) in zip(channelMoments(x), channelMoments(y)) {
            expectClose(output.mean, 0, absolute: 1e-9)
            expectClose(output.variance, input.variance / (input.variance + epsilon), absolute: 1e-9)
        }
    }

    /// Running statistics with PyTorch's `BatchNorm2d` rule: running ← 0.9·running + 0.1·batch,
    /// the variance unbiased over n = batch·h·w values (n/(n − 1)·σ²). Reference: the loops above.
    /// Double, absolute 1e-12.
    @Test func runningStatisticsCountEveryPixel() throws {
        let bn = try built(BatchNormalization<Double>(), inputShape: [3, 5, 3])
        let x = Self.images()
        _ = bn(Variable(x))
        let moments = channelMoments(x), n = 60.0
        expectClose(bn.runningMean!.value, Tensor(shape: [3], scalars: moments.map { 0.1 * $0.mean }), relative: 0, absolute: 1e-12)
        expectClose(bn.runningVariance!.value, Tensor(shape: [3], scalars: moments.map { 0.9 + 0.1 * n / (n - 1) * $0.variance }),
                    relative: 0, absolute: 1e-12)
    }

    /// Inference: y = γ·(x − running mean)/√(running var + ε) + β per channel, pixel by pixel (a
    /// single image gives what it gives inside a batch); the running statistics stay put.
    /// Reference: loops in the test; Double, relative 1e-13.
    @Test func inferenceUsesRunningStatisticsPerChannel() throws {
        let bn = try built(BatchNormalization<Double>(epsilon: 1e-3), inputShape: [2, 2, 3])
        let (mean, variance, gamma, beta) = ([0.5, -1.0, 3], [4.0, 0.25, 9], [2.0, 1.0, -0.5], [0.1, 0.0, 2])
        bn.runningMean!.value = Tensor(shape: [3], scalars: mean)
        bn.runningVariance!.value = Tensor(shape: [3], scalars: variance)
        bn.gamma!.value = Tensor(shape: [3], scalars: gamma)
        bn.beta!.value = Tensor(shape: [3], scalars: beta)
        bn.eval()
        let x = randomTensor([2, 2, 2, 3], seed: 41, scale: 3)
        let expected = Tensor<Double>(shape: x.shape, scalars: x.scalars.enumerated().map { index, value in
            let c = index % 3
            return gamma[c] * (value - mean[c]) / (variance[c] + 1e-3).squareRoot() + beta[c]
        })
        expectClose(bn(Variable(x)).value, expected, relative: 1e-13, absolute: 0)
        expectClose(bn(Variable(x.rows(1..<2))).value, expected.rows(1..<2), relative: 1e-13, absolute: 0)
        #expect(bn.runningMean!.value.scalars == mean && bn.runningVariance!.value.scalars == variance)
    }

    /// Backpropagation against central finite differences (step 1e-6) for the input, γ and β, in
    /// training (batch statistics, whose gradient couples every pixel of a channel) and inference.
    /// State in Double; tolerance: relative error < 1e-6 where the derivative is above 1e-8 in size
    /// (``GradientCheck``'s relative error divides by max(|analytic|, |numeric|, 1e-8)).
    @Test(arguments: [true, false])
    func gradientsMatchFiniteDifferences(training: Bool) throws {
        let bn = try built(BatchNormalization<Double>(), inputShape: [3, 2, 3])
        bn.gamma!.value = randomTensor([3], seed: 42)
        bn.beta!.value = randomTensor([3], seed: 43)
        bn.runningMean!.value = randomTensor([3], seed: 44)
        bn.runningVariance!.value = Tensor(shape: [3], scalars: [0.5, 2, 1.5])
        bn.setTraining(training)
        try expectLayerGradientsMatch(bn, input: randomTensor([2, 3, 2, 3], seed: 45, scale: 2), tolerance: 1e-6)
    }

    /// In a CNN: 4·channels parameters (2·channels non-trainable), the summary computed from the
    /// architecture alone agrees, the architecture JSON round-trips, and a model file restores the
    /// running statistics (predictions identical after a training step moved them).
    @Test func countsArchitectureJSONAndModelFile() throws {
        let model = try Sequential<Float>(inputShape: [6, 6, 2], seed: 1) {
            Conv2D(filters: 4, kernelSize: 3)
            try BatchNormalization(momentum: 0.2, epsilon: 1e-3)
            ActivationLayer(.relu)
            Flatten()
            Dense(2)
        }
        #expect(model.layers[1].trainableParameterCount == 8 && model.layers[1].nonTrainableParameterCount == 8)
        let architecture = try model.architecture()
        #expect(try architecture.summaryRows().map(\.trainable) == [76, 8, 0, 0, 130])
        #expect(try architecture.summaryRows().map(\.nonTrainable) == [0, 8, 0, 0, 0])
        let decoded = try Architecture(json: architecture.json)
        #expect(decoded == architecture && decoded.layers[1].momentum == 0.2 && decoded.layers[1].epsilon == 1e-3)

        var generator = SeededGenerator(seed: 2)
        let x = Tensor<Float>.randomNormal([8, 6, 6, 2], using: &generator)
        let y = Tensor<Float>(shape: [8], scalars: (0..<8).map { Float($0 % 2) })
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy())
        try model.fit(x, y, epochs: 2, batchSize: 4, verbose: .silent)
        let norm = try #require(model.layers[1] as? BatchNormalization<Float>)
        #expect(norm.runningMean!.value != .zeros([4]))
        let path = NSTemporaryDirectory() + "axone-bn2d-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, to: path)
        let loaded = try ModelFile.load(from: path, as: Float.self).model
        #expect(try loaded.predict(x) == model.predict(x))
        #expect(loaded.namedBuffers().map(\.name) == ["layers.1.runningMean", "layers.1.runningVariance"])
    }

    /// Inputs other than `[features]` and `[height, width, channels]`, and empty ones, are refused,
    /// as is a number of channels other than the one the layer was built with.
    @Test func otherShapesAreRefused() throws {
        var generator = SeededGenerator(seed: 0)
        #expect(throws: LayerError.self) { try BatchNormalization<Float>().build(inputShape: [], generator: &generator) }
        #expect(throws: LayerError.self) { try BatchNormalization<Float>().build(inputShape: [2, 3], generator: &generator) }
        #expect(throws: LayerError.self) { try Architecture(json: #"{"input_shape":[2,3],"layers":[{"type":"BatchNormalization"}]}"#).summary() }
        #expect(throws: LayerError.self) { try BatchNormalization<Float>().build(inputShape: [4, 0, 3], generator: &generator) }
        let norm = try BatchNormalization<Float>()
        _ = try norm.build(inputShape: [4, 4, 3], generator: &generator)
        #expect(throws: LayerError.self) { try norm.build(inputShape: [4, 4, 5], generator: &generator) }
    }
}
