import Testing
@testable import Axone

/// The demo's and the CNN benchmark's networks, and Fashion-MNIST served as image batches (on a
/// few synthetic images: full-data runs belong to the demo and the benchmark).
@Suite struct FashionMNISTNetworkTests {
    @Test func theTwoConvNetworkHasTheIssuesLayersAndParameters() throws {
        let model = try FashionMNISTNetwork.twoConv.model(seed: 0)
        let summary = model.summary()
        for row in ["(None, 26, 26, 32)", "(None, 13, 13, 32)", "(None, 11, 11, 64)", "(None, 5, 5, 64)", "(None, 1600)",
                    "(None, 128)", "(None, 10)", "Total params: 225,034", "compiled executor"] {
            #expect(summary.contains(row), "\(row) missing from\n\(summary)")
        }
        #expect(model.trainableParameterCount == 320 + 18_496 + 204_928 + 1_290)
    }

    @Test func leNet5HasItsLayersAndParameters() throws {
        let model = try FashionMNISTNetwork.leNet5.model(seed: 0)
        let summary = model.summary()
        for row in ["(None, 28, 28, 6)", "(None, 14, 14, 6)", "(None, 10, 10, 16)", "(None, 5, 5, 16)", "(None, 400)",
                    "(None, 120)", "(None, 84)", "Total params: 61,706"] {
            #expect(summary.contains(row), "\(row) missing from\n\(summary)")
        }
        #expect(model.trainableParameterCount == 156 + 2_416 + 48_120 + 10_164 + 850)
    }

    /// `dropout:` puts a Dropout after each pooling layer and each hidden Dense layer, at their
    /// rates; it adds no parameter.
    @Test(arguments: FashionMNISTNetwork.allCases)
    func dropoutFollowsEachPoolingAndHiddenDenseLayer(network: FashionMNISTNetwork) throws {
        let plain = try network.model(seed: 0), regularised = try network.model(seed: 0, dropout: .keras)
        let rates = regularised.layers.compactMap { ($0 as? Dropout<Float>)?.rate }
        #expect(rates == (network == .twoConv ? [0.25, 0.25, 0.5] : [0.25, 0.25, 0.5, 0.5]))
        #expect(regularised.layers.count == plain.layers.count + rates.count)
        #expect(regularised.trainableParameterCount == plain.trainableParameterCount)
        let featuresOnly = try network.model(seed: 0, dropout: .init(features: 0.1, hidden: 0))
        #expect(featuresOnly.layers.compactMap { ($0 as? Dropout<Float>)?.rate } == [0.1, 0.1])
        #expect(throws: (any Error).self) { try network.model(seed: 0, dropout: .uniform(1)) }
    }

    @Test func channelsLastBatchesHoldTheFlatBatchesPixels() throws {
        let pixels = (0..<(5 * 28 * 28)).map { UInt8($0 % 251) }
        let images = try LabeledImages(rows: 28, columns: 28, pixels: pixels, labels: [3, 1, 4, 1, 5], classCount: 10)
        let data = images.channelsLast
        #expect(data.featureShape == [28, 28, 1] && data.count == 5)
        var features = Tensor<Float>.zeros([0]), targets = Tensor<Float>.zeros([0])
        var storage: [UnsafePointer<Float>?] = []
        // The second batch reuses the first one's storage; a smaller last batch and a full one follow.
        for indices in [[4, 0, 2], [1, 3, 0], [2, 4], [0, 1, 2]] {
            data.batch(indices[...], features: &features, targets: &targets)
            let flat = images.batch(indices[...])
            #expect(features.shape == [indices.count, 28, 28, 1])
            #expect(features.scalars == flat.features.scalars && targets == flat.targets)
            storage.append(features.withUnsafeBufferPointer { $0.baseAddress })
        }
        #expect(storage[1] == storage[0])
        #expect(data.allImages().shape == [5, 28, 28, 1])
    }

    @Test func aSeedGivesTheSameWeightsAndAnotherSeedOthers() throws {
        func kernel(_ seed: UInt64) throws -> [Float] {
            try FashionMNISTNetwork.twoConv.model(seed: seed).trainableParameters[0].variable.value.scalars
        }
        #expect(try kernel(1) == kernel(1))
        #expect(try kernel(1) != kernel(2))
    }
}
