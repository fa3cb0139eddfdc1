import Testing
@testable import Axone

/// A built-in loss on a model whose outputs suit it, with targets of the kind it reads.
struct CompiledLossCase: Sendable, CustomTestStringConvertible {
    let loss: Loss
    /// The model's outputs per example.
    let outputs: Int
    /// The output layer's activation.
    var activation = Activation.linear
    /// Whether the targets are labels (class indices, or 0/1 for one output), weighted by class; else real values.
    var labels = true

    var testDescription: String { "\(loss), \(outputs) output(s)" }

    /// The model (same weights for the same seed).
    func model() throws -> Sequential<Double> {
        let model = try Sequential<Double>(inputShape: [5], seed: 21) {
            Dense(8, activation: .tanh)
            Dense(outputs, activation: activation)
        }
        model.compile(optimizer: Adam(learningRate: 0.01), loss: loss)
        return model
    }

    /// `examples` targets.
    func targets(_ examples: Int) -> Tensor<Double> {
        guard labels else { return randomTensor([examples, outputs], seed: 22) }
        return Tensor(shape: [examples], scalars: (0..<examples).map { Double(($0 * 7 + 1) % Swift.max(outputs, 2)) })
    }
}

private let compiledCases: [CompiledLossCase] = [
    .init(loss: .meanSquaredError, outputs: 3, labels: false),
    .init(loss: .meanAbsoluteError, outputs: 3, labels: false),
    .init(loss: .binaryCrossEntropy(fromLogits: false), outputs: 1, activation: .sigmoid),
    .init(loss: .binaryCrossEntropy(fromLogits: true), outputs: 1),
    .init(loss: .categoricalCrossEntropy(fromLogits: true), outputs: 4),
    .init(loss: .categoricalCrossEntropy(fromLogits: true, labelSmoothing: 0.1), outputs: 4),
    .init(loss: .categoricalCrossEntropy(fromLogits: false, labelSmoothing: 0.05), outputs: 4, activation: .softmax),
    .init(loss: .hinge, outputs: 1),
    .init(loss: .categoricalHinge, outputs: 4),
    .init(loss: .multiclassHinge(margin: 0.5), outputs: 4),
    .init(loss: .perceptron, outputs: 4),
    .init(loss: .perceptron, outputs: 1),
]

@Suite struct CompiledLossTests {
    /// Every built-in loss trains the same on the compiled executor as on the tape (Double,
    /// relative 1e-10, absolute 1e-12: only the summation order over row shards differs): 390
    /// examples in batches of 150 (two shards) and 90 (one), labels weighted by class (sample weights).
    @Test(arguments: compiledCases)
    func compiledTrainingMatchesTheTape(_ c: CompiledLossCase) throws {
        let x = randomTensor([390, 5], seed: 20), y = c.targets(390)
        let compiled = try c.model(), taped = try c.model()
        taped.usesCompiledPasses = false
        let classWeight: [Int: Double]? = c.labels ? [1: 2] : nil
        let a = try compiled.fit(x, y, epochs: 3, batchSize: 150, classWeight: classWeight, verbose: .silent)
        let b = try taped.fit(x, y, epochs: 3, batchSize: 150, classWeight: classWeight, verbose: .silent)
        #expect(compiled.compilation.hasPrefix("compiled executor"), "\(compiled.compilation)")
        #expect(a.keys == b.keys)
        for key in a.keys {
            for (u, v) in zip(a[key], b[key]) { #expect(abs(u - v) <= 1e-10 * max(abs(v), 1), "\(key): \(u) vs \(v)") }
        }
        for (p, q) in zip(compiled.namedParameters(), taped.namedParameters()) {
            expectClose(p.variable.value, q.variable.value, relative: 1e-10, absolute: 1e-12)
        }
    }

    /// Binary cross-entropy from logits and the hinge now train on the compiled executor: its step
    /// runs (it returned `nil`, falling back to the tape, before the losses were primitives), and
    /// the model says so; a custom loss still trains on the tape, and the model says that too.
    @Test(arguments: [Loss.binaryCrossEntropy(fromLogits: true), .hinge, .custom(LogCosh())])
    func theModelTrainsWhereItSays(_ loss: Loss) throws {
        let model = try CompiledLossCase(loss: loss, outputs: 1).model()
        let x = randomTensor([40, 5], seed: 23), y = CompiledLossCase(loss: loss, outputs: 1).targets(40)
        try model.fit(x, y, epochs: 1, batchSize: 40, verbose: .silent)
        var outputLosses: [Double] = []
        let step = model.executor(training: true)!.trainStep([x], [y], sampleWeights: nil, configuration: model.configuration!,
                                                              outputLosses: &outputLosses)
        if case .custom = loss {
            #expect(step == nil)
            #expect(model.compilation == "eager tape: the custom loss log_cosh runs as tape operations")
        } else {
            #expect(step != nil)
            #expect(model.compilation.hasPrefix("compiled executor"), "\(model.compilation)")
        }
    }
}
