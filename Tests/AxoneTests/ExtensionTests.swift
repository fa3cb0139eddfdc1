import Foundation
import Testing
@testable import Axone

/// A user-defined layer: `y = x ⊙ α`, one trainable factor per feature.
final class Scale<Scalar: TensorScalar>: Layer<Scalar> {
    let initial: Double
    var factor: Variable<Scalar>?

    init(initial: Double = 1, name: String? = nil) {
        self.initial = initial
        super.init(name: name)
    }

    override func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        if factor == nil { factor = Variable(Tensor(shape: inputShape, repeating: Scalar(initial)), requiresGradient: isTrainable) }
        return inputShape
    }

    override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input * factor! }

    override var specification: LayerSpecification {
        var specification = super.specification
        specification.options = ["initial": "\(initial)"]
        return specification
    }
}

struct ScaleFactory: LayerFactory {
    func makeLayer<S: TensorScalar>(_ specification: LayerSpecification, as _: S.Type) throws -> Layer<S> {
        Scale<S>(initial: try specification.option("initial", as: Double.self) ?? 1)
    }
}

/// A user-defined layer that is never registered.
final class Unregistered<Scalar: TensorScalar>: Layer<Scalar> {}

/// log cosh(d) = d + softplus(−2d) − log 2 for d = ŷ − y, averaged over the outputs.
struct LogCosh: LossFunction {
    let name = "log_cosh"
    func perExample<S: TensorScalar>(_ predictions: Variable<S>, _ targets: Tensor<S>) -> Variable<S> {
        let d = predictions - Variable(targets)
        return (d + (d * -2).applying(.softplus) - S.log(2)).mean(alongAxes: [1])
    }
}

/// The mean of each example's largest output.
struct MeanLargestOutput: MetricFunction {
    let name = "mean_largest_output"
    func batchSum<S: TensorScalar>(outputs: Tensor<S>, targets: Tensor<S>) -> Double {
        Double(outputs.max(alongAxes: [1]).sum().scalar)
    }
}

/// Signum (Bernstein et al. 2018): m ← β·m + (1 − β)·g, w ← w − η·sign(m); one slot.
struct SignumUpdate: UpdateFunction {
    let learningRate: Double, beta: Double
    var slotCount: Int { 1 }
    func update<S: TensorScalar>(parameter: UnsafeMutableBufferPointer<S>, gradient: UnsafeBufferPointer<S>,
                                 slots: [UnsafeMutableBufferPointer<S>]) {
        let m = slots[0], beta = S(beta), step = S(learningRate)
        for i in parameter.indices {
            m[i] = beta * m[i] + (1 - beta) * gradient[i]
            parameter[i] -= step * (m[i] > 0 ? 1 : m[i] < 0 ? -1 : 0)
        }
    }
}

final class Signum: Optimizer {
    let beta: Double
    init(learningRate: Double, beta: Double = 0.9) {
        self.beta = beta
        super.init(learningRate: learningRate)
    }
    override var slotNames: [String] { ["momentum"] }
    override var options: [String: Double] { ["beta": beta] }
    override func rule(step t: Int) -> UpdateRule { .custom(SignumUpdate(learningRate: learningRate, beta: beta)) }
}

/// A layer, loss, metric and optimiser written outside the library train, summarise, save, load
/// and convert like built-in ones once registered; an unregistered one is a clear error.
@Suite struct ExtensionTests {
    init() {
        LayerSpecification.register(ScaleFactory(), as: "Scale")
        Loss.register(LogCosh())
        Metric.register(MeanLargestOutput())
        Optimizer.register(type: "Signum") { learningRate, options in Signum(learningRate: learningRate, beta: options["beta"] ?? 0.9) }
    }

    func model(seed: UInt64 = 0) throws -> Sequential<Double> {
        try Sequential<Double>(inputShape: [3], seed: seed) {
            Dense(4, activation: .tanh)
            Scale(initial: 0.5)
            Dense(2)
        }
    }

    @Test func aUserLayerHasItsParametersGradientsSummaryAndFile() throws {
        let model = try model()
        #expect(model.namedParameters().map(\.name).contains("layers.1.factor"))
        #expect(model.summary().contains(" scale (Scale)") && model.trainableParameterCount == 16 + 4 + 10)
        // Double, central differences, relative 1e-6.
        try expectLayerGradientsMatch(model, input: randomTensor([5, 3], seed: 4))
        let path = NSTemporaryDirectory() + "axone-user-layer-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        (model[1] as! Scale<Double>).factor!.value = Tensor(shape: [4], scalars: [0.1, 0.2, 0.3, 0.4])
        try ModelFile.save(model, to: path)
        let loaded = try ModelFile.load(from: path, as: Double.self).model
        let x = randomTensor([6, 3], seed: 5)
        #expect(try loaded.predict(x) == model.predict(x))
        #expect(((loaded as! Sequential<Double>)[1] as! Scale<Double>).initial == 0.5)
        #expect(try model.converted(to: Float.self).predict(x.converted(to: Float.self)).isClose(to: model.predict(x).converted(to: Float.self)))
    }

    @Test func anUnregisteredLayerIsAClearErrorWhenLoaded() throws {
        let model = try Sequential<Float>([Dense(2), Unregistered()], inputShape: [3])
        let path = NSTemporaryDirectory() + "axone-unregistered-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, to: path)
        #expect { try ModelFile.load(from: path, as: Float.self) } throws: { error in
            "\(error)".contains("unknown layer type 'Unregistered'") && "\(error)".contains("Scale")
        }
    }

    @Test func aUserLossAndMetricTrainAndReport() throws {
        #expect(try Loss(name: "log_cosh") == .custom(LogCosh()) && (try Loss(name: "Log_Cosh")) == .custom(LogCosh()))
        #expect(throws: LayerError.self) { try Loss(name: "log_cosh(delta=2)") }   // a registered loss takes no parameters
        #expect(try Metric(name: "mean_largest_output") == .custom(MeanLargestOutput()))
        let model = try model(seed: 2)
        model.usesCompiledPasses = false
        model.compile(optimizer: Adam(learningRate: 0.02), loss: .custom(LogCosh()), metrics: [.custom(MeanLargestOutput()), .meanSquaredError])
        let x = randomTensor([64, 3], seed: 6)
        let y = Tensor<Double>(shape: [64, 2], scalars: (0..<64).flatMap { i in [x[i, 0] - x[i, 1], x[i, 2]] })
        let history = try model.fit(x, y, epochs: 40, batchSize: 16, verbose: .silent)
        #expect(history["loss"].last! < history["loss"].first! / 3)
        // The logs are the formulas, computed here from the predictions (Double, absolute 1e-12).
        let logs = try model.evaluate(x, y), predictions = try model.predict(x)
        let d = (predictions - y).scalars
        let logCosh = d.map { Foundation.log(Foundation.cosh($0)) }.reduce(0, +) / Double(d.count)
        expectClose(logs["loss"]!, logCosh, absolute: 1e-12)
        let largest = (0..<64).map { Swift.max(predictions[$0, 0], predictions[$0, 1]) }.reduce(0, +) / 64
        expectClose(logs["mean_largest_output"]!, largest, absolute: 1e-12)
    }

    /// Signum's state (one slot) goes into the checkpoint and comes back through its factory:
    /// one epoch, save, load, one more epoch gives the bits of two epochs in a row.
    @Test func aUserOptimizerResumesExactlyFromACheckpoint() throws {
        let x = randomTensor([48, 3], seed: 7)
        let y = Tensor<Double>(shape: [48], scalars: (0..<48).map { Double($0 % 2) })
        let whole = try model(seed: 3)
        whole.compile(optimizer: Signum(learningRate: 0.01, beta: 0.8), loss: .categoricalCrossEntropy())
        try whole.fit(x, y, epochs: 2, batchSize: 16, verbose: .silent, seed: 1)

        let first = try model(seed: 3)
        let optimizer = Signum(learningRate: 0.01, beta: 0.8)
        first.compile(optimizer: optimizer, loss: .categoricalCrossEntropy())
        try first.fit(x, y, epochs: 1, batchSize: 16, verbose: .silent, seed: 1)
        let path = NSTemporaryDirectory() + "axone-signum-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(first, to: path, training: TrainingCheckpoint(optimizer: optimizer, epoch: 1, seed: 1))
        let (resumed, training) = try ModelFile.load(from: path, as: Double.self)
        let restored = try #require(training?.optimizer as? Signum)
        #expect(restored.beta == 0.8 && restored.iterations == 3 && restored.stateTensors(Double.self).count == 5)
        resumed.compile(optimizer: restored, loss: .categoricalCrossEntropy())
        try resumed.fit(x, y, epochs: 2, batchSize: 16, verbose: .silent, seed: 1, initialEpoch: 1)
        #expect(resumed.state() == whole.state())
    }
}
