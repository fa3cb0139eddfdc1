import Foundation
import Testing
@testable import Axone

@Suite struct DiagnosticsStatisticsTests {
    /// A 2 → 3 ReLU layer with hand-set weights, so every statistic can be worked out by hand.
    func handMadeReLUModel() throws -> Sequential<Double> {
        let model = try Sequential<Double>(inputShape: [2]) {
            Dense(3, activation: .relu, useBias: false)
            Dense(2, activation: .tanh)
        }
        (model[0] as! Dense<Double>).weight!.value = Tensor([[1, 0, -1], [0, 1, 0]])
        return model
    }

    @Test func layerOutputStatisticsMatchAHandComputation() throws {
        let model = try handMadeReLUModel()
        // z = x·W = [[1, -1, -1], [2, 0.5, -2]]; ReLU keeps [[1, 0, 0], [2, 0.5, 0]].
        let stats = try NetworkStatistics.measure(model, input: Tensor([[1, -1], [2, 0.5]]))
        #expect(stats.layers.count == 2)
        let relu = stats.layers[0]
        #expect(relu.name == "layers.0" && relu.typeName == "Dense" && relu.activation == .relu)
        expectClose(relu.output.mean, 3.5 / 6, absolute: 1e-12)
        let outputs: [Double] = [1, 0, 0, 2, 0.5, 0]
        let mean = 3.5 / 6
        let variance = outputs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
        expectClose(relu.output.standardDeviation, variance.squareRoot(), absolute: 1e-12)
        #expect(relu.deadFraction == 0.5 && relu.saturatedFraction == nil)
        #expect(relu.output.minimum == 0 && relu.output.maximum == 2 && relu.output.histogram.total == 6)
        #expect(stats.layers[1].activation == .tanh && stats.layers[1].deadFraction == nil)
        #expect(stats.layers[1].output.histogram.lower == -1 && stats.layers[1].output.histogram.upper == 1)
        #expect(relu.outputGradient == nil && stats.parameters.allSatisfy { $0.gradient == nil } && stats.loss == nil)
        #expect(stats.input.count == 4)
    }

    @Test func saturationCountsTanhOutputsNearPlusOrMinusOne() throws {
        let model = try Sequential<Double>(inputShape: [1]) { Dense(4, activation: .tanh, useBias: false); ActivationLayer(.sigmoid) }
        (model[0] as! Dense<Double>).weight!.value = Tensor([[100, -100, 0.1, 0]])
        let stats = try NetworkStatistics.measure(model, input: Tensor([[1], [2]]))
        #expect(stats.layers[0].saturatedFraction == 0.5)        // ±100, ±200 saturate; 0.1x and 0 do not
        #expect(stats.layers[1].typeName == "Activation" && stats.layers[1].saturatedFraction == 0)   // σ(tanh) ∈ (0.26, 0.74)
    }

    @Test func gradientStatisticsMatchAPlainBackwardPass() throws {
        let model = try Sequential<Double>(inputShape: [4], seed: 3) {
            Dense(5, activation: .tanh)
            Dense(3)
        }
        model.compile(optimizer: SGD(), loss: .categoricalCrossEntropy())
        let x = randomTensor([6, 4], seed: 5)
        let y = Tensor<Double>(shape: [6], scalars: [0, 1, 2, 0, 1, 2])
        let stats = try NetworkStatistics.measure(model, input: x, targets: y)

        let loss = Loss.categoricalCrossEntropy()(model(Variable(x)), y)
        try loss.backward()
        expectClose(stats.loss!, loss.value.scalar, absolute: 1e-12)
        #expect(stats.parameters.map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
        for (p, (_, variable)) in zip(stats.parameters, model.namedParameters()) {
            let expected = try ValueStatistics(variable.gradient!)
            expectClose(p.gradient!.mean, expected.mean, absolute: 1e-12)
            expectClose(p.gradient!.standardDeviation, expected.standardDeviation, absolute: 1e-12)
        }
        // The gradient reaching the logits of a mean softmax cross-entropy is (softmax − onehot)/n: each row sums to 0.
        #expect(stats.layers[1].outputGradient!.count == 18)
        expectClose(stats.layers[1].outputGradient!.mean, 0, absolute: 1e-12)
        #expect(stats.layers[0].outputGradient!.standardDeviation > 0)
        model.zeroGradients()
        _ = try NetworkStatistics.measure(model, input: x, targets: y)
        #expect(model.namedParameters().allSatisfy { $0.variable.gradient == nil })   // measuring leaves no gradients behind
        #expect(throws: TrainingError.self) { try NetworkStatistics.measure(model, input: randomTensor([2, 3])) }
        let uncompiled = try Sequential<Double>(inputShape: [4]) { Dense(3) }
        #expect(throws: TrainingError.notCompiled) { try NetworkStatistics.measure(uncompiled, input: x, targets: y) }
    }

    @Test func histogramsSVGHasOneSmallHistogramPerLayer() throws {
        let model = try Sequential<Float>(inputShape: [8], seed: 1) {
            Dense(16, activation: .tanh); Dense(16, activation: .relu); Dense(4)
        }
        model.compile(optimizer: SGD(), loss: .categoricalCrossEntropy())
        var rng = SeededGenerator(seed: 2)
        let x = Tensor<Float>.randomNormal([32, 8], using: &rng)
        let y = Tensor<Float>(shape: [32], scalars: (0..<32).map { Float($0 % 4) })
        let stats = try NetworkStatistics.measure(model, input: x, targets: y, bins: 20)
        for (source, panels) in [(NetworkStatistics.HistogramSource.activations, 3), (.activationGradients, 3), (.parameterGradients, 6)] {
            let parsed = try #require(ParsedSVG.parse(stats.histogramsSVG(source)))
            #expect(parsed.count("rect", class: "plot-area") == panels)
            #expect(parsed.count("rect", class: "bar") >= panels)
        }
        let table = stats.description
        #expect(table.contains("layers.0 Dense(tanh)") && table.contains("layers.2.bias") && table.contains("loss"))
    }

    @Test func recorderTakesASnapshotEveryNEpochs() throws {
        let (x, y): (Tensor<Float>, Tensor<Float>) = Synthetic2D.xor.generate(count: 32, seed: 1)
        let model = try Sequential<Float>(inputShape: [2]) { Dense(4, activation: .tanh); Dense(2) }
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy())
        let recorder = StatisticsRecorder(input: x, targets: y, every: 2)
        try model.fit(x, y, epochs: 7, batchSize: 8, callbacks: [recorder], verbose: .silent)
        #expect(recorder.snapshots.map(\.epoch) == [1, 3, 5])
        #expect(recorder.snapshots.allSatisfy { $0.statistics.layers.count == 2 && $0.statistics.loss != nil })
        #expect(recorder.snapshots[0].statistics.parameters[0].value != recorder.snapshots[2].statistics.parameters[0].value)

        let activationsOnly = StatisticsRecorder<Float>(input: x, every: 3)
        try model.fit(x, y, epochs: 3, batchSize: 8, callbacks: [activationsOnly], verbose: .silent)
        #expect(activationsOnly.snapshots.count == 1 && activationsOnly.snapshots[0].statistics.loss == nil)
    }
}
