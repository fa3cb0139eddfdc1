import Foundation
import Testing
@testable import Axone

/// SpatialDropout2D (Keras's semantics: noise shape `(batch, 1, 1, channels)`, inverted scaling).
@Suite struct SpatialDropout2DTests {
    private func layer(_ rate: Double, seed: UInt64 = 0, shape: [Int] = [4, 5, 200]) throws -> SpatialDropout2D<Double> {
        try built(SpatialDropout2D<Double>(rate: rate), inputShape: shape, seed: seed)
    }

    /// On ones `[50, 4, 5, 200]` (10,000 channels of 20 elements): every channel is either all 0
    /// or all exactly 1/(1 − p) (Double, relative 1e-15); the dropped fraction of channels is p
    /// within 0.025 (5 standard errors: √(p(1−p)/10,000) ≤ 0.005); the mean output is 1 within 5
    /// standard errors, 5·√(p/(1−p)/10,000) (expectation preserved; 0.1 at p = 0.8, 0.025 at
    /// p = 0.2); inference is the identity.
    @Test(arguments: [0.2, 0.5, 0.8])
    func dropsWholeChannelsAndKeepsTheExpectation(rate: Double) throws {
        let dropout = try layer(rate)
        let y = dropout(Variable(Tensor<Double>.ones([50, 4, 5, 200]))).value
        let scale = 1 / (1 - rate)
        var dropped = 0
        for example in 0..<50 {
            for channel in 0..<200 {
                let values = (0..<20).map { pixel in y.scalars[(example * 20 + pixel) * 200 + channel] }
                #expect(values.allSatisfy { $0 == 0 } || values.allSatisfy { abs($0 - scale) <= 1e-15 * scale },
                        "example \(example), channel \(channel): \(Set(values))")
                if values[0] == 0 { dropped += 1 }
            }
        }
        #expect(abs(Double(dropped) / 10_000 - rate) < 0.025, "dropped \(dropped) of 10,000 channels")
        #expect(abs(y.scalars.reduce(0, +) / Double(y.count) - 1) < 5 * (rate / (1 - rate) / 10_000).squareRoot())

        dropout.eval()
        let x = randomTensor([3, 4, 5, 200], seed: 50)
        #expect(dropout(Variable(x)).value == x)
    }

    /// Each example draws its own channels: with p = 0.5 two examples drop the same 200 channels
    /// with probability 2⁻²⁰⁰. The gradient is the mask: 1/(1 − p) where kept, 0 where dropped.
    @Test func masksArePerExampleAndTheGradientFollowsThem() throws {
        let dropout = try layer(0.5, shape: [2, 2, 200])
        let x = Variable(randomTensor([2, 2, 2, 200], seed: 51), requiresGradient: true)
        let y = dropout(x)
        let kept = { (example: Int) in (0..<200).map { y.value.scalars[example * 800 + $0] != 0 } }
        #expect(kept(0) != kept(1))
        try y.sum().backward()
        #expect(zip(x.gradient!.scalars, y.value.scalars).allSatisfy { g, value in value == 0 ? g == 0 : g == 2 })
    }

    /// The same seed gives the same masks; another seed, and the next call, others.
    @Test func masksFollowTheSeed() throws {
        let x = Variable(Tensor<Double>.ones([4, 2, 2, 100]))
        let a = try layer(0.5, seed: 7, shape: [2, 2, 100]), b = try layer(0.5, seed: 7, shape: [2, 2, 100])
        let c = try layer(0.5, seed: 8, shape: [2, 2, 100])
        let first = a(x).value
        #expect(first == b(x).value && first != c(x).value && first != a(x).value)
    }

    /// Monte-Carlo dropout keeps it active, as it does ``Dropout``; `predict` does not.
    @Test func monteCarloKeepsItActive() throws {
        let model = try Sequential<Float>(inputShape: [2, 2, 50], seed: 3) {
            try SpatialDropout2D(rate: 0.5)
            GlobalAveragePooling2D()
        }
        let x = Tensor<Float>.ones([4, 2, 2, 50])
        #expect(try model.predict(x) == .ones([4, 50]))
        let sampled = try model.predictMonteCarlo(x, samples: 1)
        #expect(sampled.scalars.contains(0) && sampled.scalars.contains(2))
    }

    /// Architecture JSON `{"type": "SpatialDropout2D", "rate": 0.3}` and model files round-trip; a
    /// model file's generator state resumes the masks.
    @Test func architectureJSONAndModelFile() throws {
        let model = try Sequential<Float>(inputShape: [5, 5, 2], seed: 4) {
            Conv2D(filters: 3, kernelSize: 3, activation: .relu)
            try SpatialDropout2D(rate: 0.3, name: "drop")
            Flatten()
            Dense(2)
        }
        let architecture = try model.architecture()
        #expect(architecture.layers[1].type == "SpatialDropout2D" && architecture.layers[1].rate == 0.3)
        #expect(architecture.json.contains(#""type" : "SpatialDropout2D""#))
        let rebuilt = try Sequential<Float>(architecture: Architecture(json: architecture.json), seed: 4)
        #expect(try rebuilt.architecture() == architecture)
        #expect(try architecture.summaryRows().map(\.outputShapes) == [[[3, 3, 3]], [[3, 3, 3]], [[27]], [[2]]])

        let path = NSTemporaryDirectory() + "axone-sdrop-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, to: path)
        let loaded = try ModelFile.load(from: path, as: Float.self).model
        var generator = SeededGenerator(seed: 5)
        let x = Tensor<Float>.randomNormal([3, 5, 5, 2], using: &generator)
        #expect(try loaded.predict(x) == model.predict(x))
        let drop = try #require(try loaded.layer(named: "drop") as? SpatialDropout2D<Float>)
        #expect(drop.rate == 0.3)
    }

    @Test func badRatesAndShapesAreRefused() throws {
        for rate in [-0.1, 1.0, .nan] {
            let error = #expect(throws: LayerError.self) { try SpatialDropout2D<Float>(rate: rate) }
            guard case .invalidArgument(let layer, _)? = error else { Issue.record("expected invalidArgument"); continue }
            #expect(layer == "SpatialDropout2D")
        }
        #expect(throws: LayerError.self) { try Sequential<Float>(inputShape: [10], seed: 0) { try SpatialDropout2D(rate: 0.5) } }
        #expect(throws: LayerError.self) {
            try Architecture(json: #"{"input_shape":[4,4,1],"layers":[{"type":"SpatialDropout2D"}]}"#).summary()
        }
    }
}
