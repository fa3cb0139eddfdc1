import Testing
@testable import Axone

@Suite struct MetricTests {
    /// Hand-computed reference: targets [0,0,1,1,2,2], predictions [0,1,1,1,2,0].
    /// Confusion rows (target) × columns (predicted): [[1,1,0],[0,2,0],[1,0,1]].
    /// Precision per class: 1/2, 2/3, 1/1 → macro 0.7222…; recall: 1/2, 2/2, 1/2 → macro 0.6667;
    /// F1 per class: 0.5, 0.8, 0.6667 → macro 0.6556.
    @Test func classificationMetricsMatchHandComputedValues() {
        let predicted = [0, 1, 1, 1, 2, 0]
        var scores = Tensor<Double>.zeros([6, 3])
        for (i, p) in predicted.enumerated() { scores[i, p] = 1; scores[i, (p + 1) % 3] = 0.5 }
        let targets = Tensor<Double>(shape: [6], scalars: [0, 0, 1, 1, 2, 2])
        var accumulator = MetricAccumulator(metrics: [.accuracy, .precision, .recall, .f1, .topKAccuracy(2)],
                                            threshold: Loss.categoricalCrossEntropy().decisionThreshold)
        accumulator.add(outputs: scores.rows(0..<4), targets: targets.rows(0..<4))   // two batches
        accumulator.add(outputs: scores.rows(4..<6), targets: targets.rows(4..<6))
        #expect(accumulator.confusion == [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
        expectClose(accumulator.value(of: .accuracy), 4.0 / 6, absolute: 1e-12)
        expectClose(accumulator.value(of: .precision), (0.5 + 2.0 / 3 + 1) / 3, absolute: 1e-12)
        expectClose(accumulator.value(of: .recall), (0.5 + 1 + 0.5) / 3, absolute: 1e-12)
        expectClose(accumulator.value(of: .f1), (0.5 + 0.8 + 2.0 / 3) / 3, absolute: 1e-12)
        // Top-2 holds the prediction p and the runner-up (p + 1) % 3.
        let top2 = (0..<6).filter { i in [predicted[i], (predicted[i] + 1) % 3].contains(Int(targets.scalars[i])) }.count
        expectClose(accumulator.value(of: .topKAccuracy(2)), Double(top2) / 6, absolute: 1e-12)
    }

    @Test func regressionMetricsAndBinaryThreshold() {
        var regression = MetricAccumulator(metrics: [.meanSquaredError, .meanAbsoluteError], threshold: Loss.meanSquaredError.decisionThreshold)
        regression.add(outputs: Tensor<Float>([[1], [2]]), targets: Tensor<Float>([[0], [4]]))
        expectClose(regression.value(of: .meanSquaredError), 2.5, absolute: 1e-12)   // (1 + 4)/2
        expectClose(regression.value(of: .meanAbsoluteError), 1.5, absolute: 1e-12) // (1 + 2)/2
        var binary = MetricAccumulator(metrics: [.accuracy], threshold: Loss.binaryCrossEntropy().decisionThreshold)
        binary.add(outputs: Tensor<Float>([[0.9], [0.2], [0.6]]), targets: Tensor<Float>([[1], [0], [0]]))
        expectClose(binary.value(of: .accuracy), 2.0 / 3, absolute: 1e-12)
    }

    /// The single-output threshold comes from the loss, never from the batch's values: 0.5 on
    /// probabilities (Keras `BinaryAccuracy(threshold=0.5)`), 0 on logits and hinge scores
    /// (sigmoid(0) = 0.5, the same decision). By hand, outputs [0.2, 0.4, 0.9] then [−0.3, 0.1] against
    /// targets [0, 1, 1] then [0, 1]: threshold 0 predicts 1, 1, 1, 0, 1 (4 of 5 right); threshold 0.5
    /// predicts 0, 0, 1, 0, 0 (3 of 5). The old per-batch guess read the first batch, which lies in
    /// [0, 1], with 0.5 even for logits.
    @Test(arguments: [(Loss.binaryCrossEntropy(fromLogits: true), 0.0, 4.0 / 5), (Loss.binaryCrossEntropy(), 0.5, 3.0 / 5),
                      (Loss.hinge, 0.0, 4.0 / 5)])
    func binaryThresholdComesFromTheLoss(loss: Loss, threshold: Double, accuracy: Double) {
        #expect(loss.decisionThreshold == threshold)
        var metric = MetricAccumulator(metrics: [.accuracy], threshold: loss.decisionThreshold)
        metric.add(outputs: Tensor<Float>([[0.2], [0.4], [0.9]]), targets: Tensor<Float>([[0], [1], [1]]))
        metric.add(outputs: Tensor<Float>([[-0.3], [0.1]]), targets: Tensor<Float>([[0], [1]]))
        expectClose(metric.value(of: .accuracy), accuracy, absolute: 1e-12)
    }

    @Test func metricNames() throws {
        #expect(try Metric(name: "top3_accuracy") == .topKAccuracy(3))
        #expect(try Metric(name: "acc") == .accuracy)
        #expect(throws: LayerError.self) { try Metric(name: "speed") }
    }
}

@Suite struct SummaryAndArchitectureTests {
    /// Seed 003:1277 (Keras logistic regression): Dense(10, input_dim=784) has 7,850 parameters.
    @Test func summaryReadsLikeKeras() throws {
        let model = try Sequential<Float>([Dense(10, inputSize: 784, name: "fc1"), ActivationLayer(.softmax)])
        let text = model.summary()
        #expect(text.contains(" fc1 (Dense)"))
        #expect(text.contains(" activation (Activation)"))
        #expect(text.contains("(None, 10)"))
        #expect(text.contains(" Total params: 7,850"))
        #expect(text.contains(" Trainable params: 7,850"))
        #expect(text.contains(" Non-trainable params: 0"))
        let withNorm = try Sequential<Float>(inputShape: [4]) {
            Dense(3)
            try BatchNormalization()
            Dense(2)
        }
        // Dense 4·3+3 = 15, BatchNorm 4·3 = 12 (6 non-trainable), Dense 3·2+2 = 8.
        #expect(withNorm.summary().contains(" Total params: 35"))
        #expect(withNorm.summary().contains(" Non-trainable params: 6"))
        #expect(withNorm.summary().contains(" dense_1 (Dense)"))
        #expect(groupedThousands(138_357_544) == "138,357,544")
    }

    @Test func architectureRoundTripsThroughJSON() throws {
        let model = try Sequential<Float>(inputShape: [6], seed: 4) {
            Dense(5, activation: .leakyRelu(alpha: 0.2), kernelInitializer: .heNormal)
            try BatchNormalization(momentum: 0.2)
            try Dropout(rate: 0.3, style: .vanilla)
            PReLU(perUnit: false)
            try Maxout(4, pieces: 3)
            try RReLU()
            try GaussianNoise(standardDeviation: 0.1)
            ActivationLayer(.elu(alpha: 0.5))
            Dense(2, useBias: false, kernelInitializer: .normal(mean: 0, standardDeviation: 0.02))
        }
        let json = try model.architecture().json
        let decoded = try Architecture(json: json)
        #expect(decoded == (try model.architecture()))
        let rebuilt = try Sequential<Float>(architecture: decoded, seed: 4)
        #expect(rebuilt.namedParameters().map(\.name) == model.namedParameters().map(\.name))
        #expect(weights(rebuilt) == weights(model))              // same seed, same initialisers
        var generator = SeededGenerator(seed: 123)
        let x = Tensor<Float>.randomNormal([5, 6], using: &generator)
        #expect(try rebuilt.predict(x) == model.predict(x))
    }

    @Test func presetsAndBadArchitectures() throws {
        let preset = try Architecture(preset: "mlp:784-256-128-10")
        #expect(preset.inputShape == [784])
        #expect(preset.layers.map(\.units) == [256, 128, 10])
        #expect(preset.layers.map(\.activation) == ["relu", "relu", nil])
        #expect(try Architecture(preset: "mlp:2-4-1:tanh").layers[0].activation == "tanh")
        #expect(throws: LayerError.self) { try Architecture(preset: "mlp:784-x-10") }
        // The built-in types come first; types other suites register may follow.
        let unknown = #expect(throws: LayerError.self) {
            try Sequential<Float>(architecture: Architecture(json: #"{"input_shape":[2],"layers":[{"type":"Conv9D"}]}"#))
        }
        guard case let .unknownName(kind, name, known)? = unknown else { Issue.record("\(String(describing: unknown))"); return }
        #expect(kind == "layer type" && name == "Conv9D" && Array(known.prefix(LayerSpecification.types.count)) == LayerSpecification.types)
        do {
            _ = try Architecture(json: #"{"input_shape":[2],"layers":[{"units":3}]}"#)
            Issue.record("a layer without a type must be rejected")
        } catch let error as LayerError {
            #expect(error.description.contains("missing 'type'"))
        }
        #expect(throws: LayerError.self) { try Activation(name: "leaky_relu:abc") }
        #expect(try Activation(name: "leaky_relu:0.2") == .leakyRelu(alpha: 0.2))
        #expect(try Initializer(name: Initializer.normal(mean: 0, standardDeviation: 0.02).description) == .normal(mean: 0, standardDeviation: 0.02))
    }

    @Test func layersThatDoNotChainNameTheLayer() throws {
        do {
            _ = try Sequential<Float>(inputShape: [3]) { Dense(4, inputSize: 5, name: "hidden") }
            Issue.record("expected a shape error")
        } catch let error as LayerError {
            #expect(error.description == "hidden(5→4) expects [5], got input of shape [3]")
        }
    }
}
