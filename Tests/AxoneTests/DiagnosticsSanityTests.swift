import Foundation
import Testing
@testable import Axone

/// tanh whose pullback forgets the factor 1 − tanh²(x): a wrong gradient rule for the gradient check to catch.
final class TanhWithWrongGradient<Scalar: TensorScalar>: Layer<Scalar>, ScalarConvertibleLayer {
    override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        Variable(input.value.mapped(.tanh), inputs: [input]) { [$0] }
    }

    func unbuiltTwin<Other: TensorScalar>(_: Other.Type) throws -> Layer<Other> { TanhWithWrongGradient<Other>() }
}

/// A layer the Double conversion does not know.
final class OpaqueLayer<Scalar: TensorScalar>: Layer<Scalar> {}

@Suite struct DiagnosticsSanityTests {
    /// Random 10-class data, as the notes' CIFAR-10 sanity checks: 100 examples of 20 features from
    /// N(0, 1) with random labels — nothing to learn, everything to memorise.
    let data: (points: Tensor<Float>, labels: Tensor<Float>) = {
        var rng = SeededGenerator(seed: 7)
        return (Tensor<Float>.randomNormal([100, 20], using: &rng),
                Tensor(shape: [100], scalars: (0..<100).map { _ in Float(rng.nextIndex(below: 10)) }))
    }()

    /// A small healthy ReLU classifier: He initialisation, small weights on the output layer as the
    /// notes' ln C remark assumes.
    func healthyModel(hidden: Layer<Float>? = nil, outputInitializer: Initializer = .normal(standardDeviation: 0.01)) throws -> Sequential<Float> {
        let model = try Sequential<Float>(inputShape: [20], seed: 11) {
            Dense(32, activation: .relu, kernelInitializer: .heNormal)
            if let hidden { hidden }
            Dense(32, activation: .relu, kernelInitializer: .heNormal)
            Dense(10, kernelInitializer: outputInitializer)
        }
        model.compile(optimizer: Adam(), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        return model
    }

    @Test func aHealthyModelPassesEveryCheckAndIsLeftUntouched() throws {
        let model = try healthyModel()
        let before = model.namedParameters().map(\.variable.value)
        let report = try SanityChecks.run(model: model, features: data.points, labels: data.labels)
        print(report)
        #expect(report.allPassed, "\(report)")
        #expect(report.results.map(\.check) == SanityChecks.Check.allCases)
        let initial = try #require(report[.initialLoss])
        expectClose(initial.numbers["expected"]!, log(10.0), absolute: 1e-12)
        expectClose(initial.numbers["loss"]!, log(10.0), absolute: 0.02)
        #expect(report[.regularizationRaisesLoss]!.numbers["lossWithRegularization"]! > initial.numbers["loss"]!)
        #expect(report[.overfitSmallSubset]!.numbers["accuracy"] == 1)
        #expect(report[.gradientCheck]!.numbers["maxRelativeError"]! < 1e-4)
        #expect(model.namedParameters().map(\.variable.value) == before)
        #expect(report.description.contains("[PASS] initial loss ≈ ln C") && !report.description.contains("FAIL"))
    }

    @Test func aHugeLearningRateFailsTheOverfitCheckWithAdvice() throws {
        let options = SanityChecks.Options(checks: [.overfitSmallSubset], overfitSteps: 100, overfitLearningRate: 100)
        let report = try SanityChecks.run(model: try healthyModel(), features: data.points, labels: data.labels, options: options)
        print(report)
        let result = try #require(report[.overfitSmallSubset])
        #expect(result.status == .failed)
        #expect(result.numbers["accuracy"]! < 1)
        #expect(result.advice?.contains("learning rate") == true)
        #expect(report.results.count == 1 && !report.allPassed)
    }

    @Test func hugeInitialWeightsFailTheInitialLossCheck() throws {
        let model = try healthyModel(outputInitializer: .normal(standardDeviation: 10))
        let report = try SanityChecks.run(model: model, features: data.points, labels: data.labels,
                                          options: .init(checks: [.initialLoss, .regularizationRaisesLoss]))
        print(report)
        let result = try #require(report[.initialLoss])
        #expect(result.status == .failed && result.numbers["loss"]! > 2 * log(10.0))
        #expect(result.advice?.contains("too large") == true)
        #expect(report[.regularizationRaisesLoss]?.passed == true)
    }

    @Test func aWrongGradientRuleFailsTheGradientCheck() throws {
        let model = try healthyModel(hidden: TanhWithWrongGradient())
        let report = try SanityChecks.run(model: model, features: data.points, labels: data.labels, options: .init(checks: [.gradientCheck]))
        print(report)
        let result = try #require(report[.gradientCheck])
        #expect(result.status == .failed && result.numbers["maxRelativeError"]! > 1e-2)
        // Only the parameters below the broken layer receive wrong gradients.
        #expect(result.advice?.contains("layers.0.weight") == true && result.advice?.contains("layers.3.weight") == false)
    }

    @Test func zeroWeightsFailTheRegularizationCheck() throws {
        let model = try Sequential<Float>(inputShape: [20]) { Dense(10, kernelInitializer: .zeros) }
        model.compile(optimizer: SGD(), loss: .categoricalCrossEntropy())
        let report = try SanityChecks.run(model: model, features: data.points, labels: data.labels,
                                          options: .init(checks: [.initialLoss, .regularizationRaisesLoss]))
        #expect(report[.initialLoss]?.passed == true)            // all-zero logits: exactly ln 10
        #expect(report[.regularizationRaisesLoss]?.status == .failed)
        #expect(report[.regularizationRaisesLoss]?.advice?.contains("zero") == true)
    }

    @Test func checksThatDoNotApplyAreSkipped() throws {
        let regression = try Sequential<Float>(inputShape: [20]) { Dense(1) }
        regression.compile(optimizer: SGD(), loss: .meanSquaredError)
        let report = try SanityChecks.run(model: regression, features: data.points, labels: data.labels.reshaped([-1, 1]),
                                          options: .init(checks: [.initialLoss]))
        #expect(report[.initialLoss]?.status == .skipped && report.allPassed)

        let opaque = try healthyModel(hidden: OpaqueLayer())
        let gradient = try SanityChecks.run(model: opaque, features: data.points, labels: data.labels, options: .init(checks: [.gradientCheck]))
        #expect(gradient[.gradientCheck]?.status == .skipped)
        #expect(gradient[.gradientCheck]?.advice?.contains("ScalarConvertibleLayer") == true)
    }

    @Test func unusableInputsThrow() throws {
        let uncompiled = try Sequential<Float>(inputShape: [20]) { Dense(10) }
        #expect(throws: TrainingError.notCompiled) { try SanityChecks.run(model: uncompiled, features: data.points, labels: data.labels) }
        #expect(throws: TrainingError.self) {
            try SanityChecks.run(model: try healthyModel(), features: Tensor<Float>.zeros([4, 5]), labels: .zeros([4]))
        }
        #expect(throws: TrainingError.self) {
            try SanityChecks.run(model: try healthyModel(), features: data.points, labels: data.labels, options: .init(overfitExamples: 0))
        }
    }

    @Test func doubleTwinComputesTheSameFunction() throws {
        let model = try Sequential<Float>([Dense(8, activation: .relu, name: "hidden"), try BatchNormalization(),
                                           try Dropout(rate: 0.5), Dense(3)], inputShape: [20], seed: 3)
        model[0].isTrainable = false
        let twin = try #require(try model.converted(to: Double.self) as? Sequential<Double>)   // a Sequential stays one
        #expect(twin.namedParameters().map { $0.name } == model.namedParameters().map { $0.name })
        #expect(twin.namedBuffers().map { $0.name } == model.namedBuffers().map { $0.name })
        #expect(twin[0].name == "hidden" && !twin[0].isTrainable && twin.trainableParameters.count == model.trainableParameters.count)
        let expected = try model.predict(data.points).converted(to: Double.self)
        expectClose(try twin.predict(data.points.converted(to: Double.self)), expected, relative: 1e-5, absolute: 1e-5)
        let opaque = try Sequential<Float>([OpaqueLayer()], inputShape: [20])
        #expect(throws: LayerError.self) { try opaque.converted(to: Double.self) }
    }
}
