import Testing
@testable import Axone

/// Reshape (Keras's `Reshape(target_shape)`): each example takes the target shape, elements in row-major order.
@Suite struct ReshapeTests {
    @Test func reshapesEachExampleAndItsGradientBack() throws {
        let layer = try built(Reshape<Double>(targetShape: [2, 3, 1]), inputShape: [6])
        let x = Tensor<Double>(shape: [2, 6], scalars: (0..<12).map(Double.init))
        let y = layer(Variable(x)).value
        #expect(y.shape == [2, 2, 3, 1] && y.scalars == x.scalars)
        try expectLayerGradientsMatch(layer, input: randomTensor([3, 6], seed: 60))
    }

    @Test func architectureJSONAndErrors() throws {
        let model = try Sequential<Float>(inputShape: [12], seed: 0) { Reshape(targetShape: [2, 2, 3]); Conv2D(filters: 1, kernelSize: 2) }
        let architecture = try model.architecture()
        #expect(architecture.json.contains(#""target_shape" : ["#))
        #expect(try Architecture(json: architecture.json) == architecture)
        #expect(try architecture.summaryRows().map(\.outputShapes) == [[[2, 2, 3]], [[1, 1, 1]]])
        #expect(throws: LayerError.self) { try Sequential<Float>(inputShape: [10], seed: 0) { Reshape(targetShape: [3, 3]) } }
        #expect(throws: LayerError.self) { try Sequential<Float>(inputShape: [0], seed: 0) { Reshape(targetShape: [0]) } }
        #expect(throws: LayerError.self) { try Architecture(json: #"{"input_shape":[4],"layers":[{"type":"Reshape"}]}"#).summary() }
    }
}
