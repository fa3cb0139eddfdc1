import Testing
@testable import Axone

/// `cnn:` presets (``Architecture/init(preset:)``): the layers they make, their summary, and the
/// errors for malformed strings.
@Suite struct ArchitecturePresetTests {
    /// Issue 15's 2-conv network. Counts by hand: 3·3·1·32 + 32 = 320; 3·3·32·64 + 64 = 18,496;
    /// 5·5·64 = 1,600 features; 1,600·128 + 128 = 204,928; 128·10 + 10 = 1,290; total 225,034
    /// (Keras's summary of the same network agrees).
    @Test func twoConvNetwork() throws {
        let architecture = try Architecture(preset: "cnn:28x28x1-c32-p-c64-p-d128-10")
        #expect(architecture.inputShape == [784])
        #expect(architecture.layers.map(\.type) == ["Reshape", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"])
        #expect(architecture.layers[0].targetShape == [28, 28, 1])
        #expect(architecture.layers[1].filters == 32 && architecture.layers[1].kernelSize == [3, 3])
        #expect(architecture.layers[1].padding == .mode("valid") && architecture.layers[1].activation == "relu")
        #expect(architecture.layers.map(\.activation) == [nil, "relu", nil, "relu", nil, nil, "relu", nil])
        let rows = try architecture.summaryRows()
        #expect(rows.map(\.outputShapes) == [[[28, 28, 1]], [[26, 26, 32]], [[13, 13, 32]], [[11, 11, 64]], [[5, 5, 64]],
                                              [[1600]], [[128]], [[10]]])
        #expect(rows.map(\.trainable) == [0, 320, 0, 18_496, 0, 0, 204_928, 1_290])
        let summary = try architecture.summary()
        #expect(summary.contains(" Total params: 225,034"))
        // Keras's automatic names: no underscore before the D of 2D.
        #expect(summary.contains(" conv2d (Conv2D) ") && summary.contains(" max_pooling2d_1 (MaxPooling2D) "))

        // It builds, and reads flat images.
        let model = try Sequential<Float>(architecture: architecture, seed: 0)
        var generator = SeededGenerator(seed: 1)
        #expect(try model.predict(Tensor<Float>.randomUniform([3, 784], using: &generator)).shape == [3, 10])
    }

    /// LeNet-5 with `same` padding, 5×5 kernels, average pooling, tanh; and the other tokens.
    @Test func leNetAndTheOtherTokens() throws {
        let lenet = try Architecture(preset: "cnn:28x28x1-c6k5same-a-c16k5-a-d120-d84-10:tanh")
        #expect(try lenet.summaryRows().map(\.outputShapes) == [[[28, 28, 1]], [[28, 28, 6]], [[14, 14, 6]], [[10, 10, 16]],
                                                                 [[5, 5, 16]], [[400]], [[120]], [[84]], [[10]]])
        #expect(lenet.layers[1].activation == "tanh" && lenet.layers[1].padding == .mode("same") && lenet.layers[1].kernelSize == [5, 5])

        let other = try Architecture(preset: "cnn:8x8x3-c4-bn-sd0.25-p3-g-dr0.5-2")
        #expect(other.inputShape == [192])
        #expect(other.layers.map(\.type) == ["Reshape", "Conv2D", "BatchNormalization", "SpatialDropout2D", "MaxPooling2D",
                                             "GlobalAveragePooling2D", "Dropout", "Dense"])
        #expect(other.layers[3].rate == 0.25 && other.layers[4].poolSize == [3, 3] && other.layers[6].rate == 0.5)
        #expect(try other.summaryRows().map(\.outputShapes).last == [[2]])
        // A convolution straight into the output gets a Flatten.
        #expect(try Architecture(preset: "cnn:4x4x1-c2-3").layers.map(\.type) == ["Reshape", "Conv2D", "Flatten", "Dense"])
    }

    @Test(arguments: ["cnn:28x28-c32-10", "cnn:28x28x1-c32", "cnn:28x28x1-q3-10", "cnn:28x28x1-c0-10", "cnn:28x28x1-ck3-10",
                      "cnn:28x28x1-sd1.5-10", "cnn:28x28x1-dr-10", "cnn:28x28x1-p0-10", "cnn:", "cnn:28x28x1-c32-10:nope",
                      "cnn:28x28x1-c32-10:relu:x", "rnn:28-10", "mlp:784", "mlp:784--10"])
    func malformedPresetsAreRefused(_ preset: String) {
        #expect(throws: LayerError.self) { try Architecture(preset: preset) }
    }

    /// A preset that cannot be built (a convolution after a Dense layer) is refused when summarised.
    @Test func presetsThatDoNotFitAreRefusedWhenSummarised() throws {
        let architecture = try Architecture(preset: "cnn:8x8x1-d4-c2-2")
        #expect(throws: LayerError.self) { try architecture.summary() }
    }
}
