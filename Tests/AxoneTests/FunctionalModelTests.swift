import Foundation
import Testing
@testable import Axone

/// Graph models made with the functional API: what they compute, their gradients, their summary,
/// their files, and training with several outputs.
@Suite struct FunctionalModelTests {
    /// Input [4] → trunk Dense(5, tanh) → heads `a` Dense(3) and `b` Dense(2, sigmoid), and `c`
    /// Dense(1) on the trunk concatenated with the input.
    static func threeHeads(seed: UInt64 = 0) throws -> Model<Double> {
        let inputs = Input<Double>(shape: [4], seed: seed)
        let trunk = try Dense(5, activation: .tanh, name: "trunk")(inputs)
        let a = try Dense(3, name: "a")(trunk)
        let b = try Dense(2, activation: .sigmoid, name: "b")(trunk)
        let c = try Dense(1, name: "c")(Concatenate()([trunk, inputs]))
        return try Model(inputs: [inputs], outputs: [a, b, c])
    }

    /// `x·W + b` with the layer's own weights, computed here with tensor products.
    static func affine(_ x: Tensor<Double>, _ layer: Layer<Double>) -> Tensor<Double> {
        let dense = layer as! Dense<Double>
        return Tensor.matmul(x, dense.weight!.value) + dense.bias!.value
    }

    @Test func aGraphComputesWhatItsLayersComputeInCallOrder() throws {
        let model = try Self.threeHeads()
        let x = randomTensor([7, 4], seed: 3)
        let outputs = try model.predict([x])
        let layers = model.namedChildren.map(\.layer)
        #expect(model.namedChildren.map(\.name) == ["layers.0", "layers.1", "layers.2", "layers.3", "layers.4"])
        #expect(layers.map(\.displayName) == ["trunk", "a", "b", "concatenate", "c"].map { $0 == "concatenate" ? "Concatenate" : $0 })
        // Reference: the same maths written with tensors (Double, relative 1e-12).
        let trunk = Variable(Self.affine(x, layers[0])).tanh().value
        expectClose(outputs[0], Self.affine(trunk, layers[1]), relative: 1e-12)
        expectClose(outputs[1], Variable(Self.affine(trunk, layers[2])).sigmoid().value, relative: 1e-12)
        expectClose(outputs[2], Self.affine(Tensor.concatenate([trunk, x], alongAxis: 1), layers[4]), relative: 1e-12)
        #expect(model.outputNames == ["a", "b", "c"])
        #expect(model.layerNames == ["trunk", "a", "b", "concatenate", "c"])
        #expect(try model.layer(named: "concatenate") === layers[3])
        #expect(model.trainableParameterCount == (4 * 5 + 5) + (5 * 3 + 3) + (5 * 2 + 2) + (9 * 1 + 1))
    }

    @Test func aSharedLayerHasOneSetOfWeightsWhoseGradientsAdd() throws {
        let left = Input<Double>(shape: [3], name: "left"), right = Input<Double>(shape: [3], name: "right")
        let shared = Dense<Double>(4, activation: .tanh, name: "shared")
        let sum = try Add()([shared(left), shared(right)])
        let model = try Model(inputs: [left, right], outputs: [Dense(2, name: "out")(sum)])
        #expect(model.namedParameters().map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"])
        #expect(model.trainableParameterCount == (3 * 4 + 4) + (4 * 2 + 2))
        // Finite differences of the whole graph (Double, central, relative 1e-6): the shared
        // weights' gradient is right only if both calls' contributions are added.
        let a = Variable(randomTensor([5, 3], seed: 1)), b = Variable(randomTensor([5, 3], seed: 2))
        let projection = Variable(randomTensor([5, 2], seed: 3))
        let report = try GradientCheck.run(parameters: model.namedParameters()) {
            (model.forward([a, b])[0] * projection).sum()
        }
        #expect(report.maxRelativeError < 1e-6, "\(report)")
        // The shared weight's gradient is the sum of what each call alone gives it.
        let oneCall = { (first: Variable<Double>, second: Variable<Double>) throws -> Tensor<Double> in
            model.zeroGradients()
            try (model.forward([first, second])[0] * projection).sum().backward()
            return shared.weight!.gradient!
        }
        let both = try oneCall(a, b)
        // Each call alone: the other call's input is held constant by replacing the layer's
        // output with a constant (a detached copy of the same values).
        model.zeroGradients()
        let leftOnly = shared(a)
        let rightConstant = Variable(shared(b).value)
        try (model.namedChildren[2].layer(leftOnly + rightConstant) * projection).sum().backward()
        let fromLeft = shared.weight!.gradient!
        model.zeroGradients()
        let leftConstant = Variable(shared(a).value)
        try (model.namedChildren[2].layer(leftConstant + shared(b)) * projection).sum().backward()
        expectClose(both, fromLeft + shared.weight!.gradient!, relative: 1e-12)
    }

    @Test func aModelCalledAsALayerRunsItsGraphAndNamesItsWeightsByPath() throws {
        let innerInput = Input<Double>(shape: [3], seed: 5)
        let inner = try Model(inputs: innerInput, outputs: Dense(2, name: "inner_out")(Dense(4, activation: .relu)(innerInput)),
                              name: "encoder")
        let x = Input<Double>(shape: [3], seed: 6)
        let outer = try Model(inputs: x, outputs: Dense(1, name: "score")(inner(x)))
        #expect(outer.namedParameters().map(\.name)
                == ["layers.0.layers.0.weight", "layers.0.layers.0.bias", "layers.0.layers.1.weight", "layers.0.layers.1.bias",
                    "layers.1.weight", "layers.1.bias"])
        let data = randomTensor([6, 3], seed: 7)
        let expected = Self.affine(try inner.predict(data), outer.namedChildren[1].layer)
        expectClose(try outer.predict(data), expected, relative: 1e-12)
        try expectLayerGradientsMatch(outer, input: data)
    }

    @Test func theSummaryHasKerasConnectedToColumn() throws {
        let summary = try Self.threeHeads().summary()
        let lines = summary.split(separator: "\n").map { String($0) }
        #expect(lines[0] == "Model: \"functional\"")
        #expect(lines[2].hasPrefix(" Layer (type)") && lines[2].hasSuffix("Connected to"))
        func row(_ label: String) -> String? { lines.first { $0.hasPrefix(" \(label) (") } }
        #expect(row("input_layer")?.contains("(None, 4)") == true && row("input_layer")?.hasSuffix("   -") == true)
        #expect(row("trunk")?.hasSuffix("25   input_layer[0][0]") == true)
        #expect(row("concatenate")?.contains("(None, 9)") == true && row("concatenate")?.hasSuffix("trunk[0][0]") == true)
        let concatenateLine = lines.firstIndex { $0.hasPrefix(" concatenate (") }!
        #expect(lines[concatenateLine + 1].trimmingCharacters(in: .whitespaces) == "input_layer[0][0]")
        #expect(row("c")?.hasSuffix("10   concatenate[0][0]") == true)
        #expect(lines.contains(" Total params: 65"))   // (4·5+5) + (5·3+3) + (5·2+2) + (9·1+1)
    }

    @Test func aSharedLayerIsListedOnceWithEveryCall() throws {
        let left = Input<Float>(shape: [3], name: "left"), right = Input<Float>(shape: [3], name: "right")
        let shared = Dense<Float>(4, name: "shared")
        let model = try Model(inputs: [left, right], outputs: [Add()([shared(left), shared(right)])])
        let lines = model.summary().split(separator: "\n").map { String($0) }
        let index = lines.firstIndex { $0.hasPrefix(" shared (Dense)") }!
        #expect(lines[index].hasSuffix("left[0][0]"))
        #expect(lines[index + 1].trimmingCharacters(in: .whitespaces) == "right[0][0]")
        #expect(lines.first { $0.hasPrefix(" add (Add)") }?.hasSuffix("shared[0][0]") == true)
        #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces) == "shared[1][0]" })
    }

    @Test func aGraphModelFileLoadsToTheSameModel() throws {
        let x = Input<Float>(shape: [3], seed: 1)
        let innerHidden = Dense<Float>(4, activation: .relu, name: "inner_hidden")
        let inner = try Model(inputs: x, outputs: Dense(3, name: "inner_head")(innerHidden(x)), name: "inner")
        let shared = Dense<Float>(4, activation: .relu, name: "shared")
        let chain = try Sequential<Float>(inputShape: [3], seed: 4, name: "chain") {
            Dense(2, activation: .relu)
            try BatchNormalization()
        }
        let input = Input<Float>(shape: [3], seed: 2)
        let merged = try Concatenate()([inner(input), shared(input), chain(input), shared(input)])
        let model = try Model(inputs: [input], outputs: [Dense(2, name: "head")(merged), BatchNormalization(name: "norm")(merged)],
                              name: "outer")
        let path = NSTemporaryDirectory() + "axone-graph-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, to: path)
        let loaded = try ModelFile.load(from: path, as: Float.self).model
        #expect(try loaded.graphArchitecture() == model.graphArchitecture())
        #expect(loaded.namedParameters().map(\.name) == model.namedParameters().map(\.name))
        let data = Tensor<Float>(shape: [5, 3], scalars: (0..<15).map { Float($0) / 7 - 1 })
        #expect(try loaded.predict([data]) == model.predict([data]))
        #expect(try model.clone().predict([data]) == model.predict([data]))
        #expect(loaded.summary() == model.summary())
    }

    /// A graph converts to another scalar type call by call: shared layers stay shared, nested
    /// models nested, and it computes the same function.
    @Test func aGraphConvertsToFloatWithItsSharingAndNesting() throws {
        let x = Input<Double>(shape: [3], seed: 1)
        let inner = try Model(inputs: x, outputs: Dense(2, name: "inner_head")(Dense<Double>(4, activation: .tanh)(x)))
        let shared = Dense<Double>(4, activation: .tanh, name: "shared")
        let input = Input<Double>(shape: [3], seed: 2)
        let model = try Model(inputs: [input], outputs: [Add()([shared(input), shared(input)]), inner(input)])
        model.namedChildren[0].layer.isTrainable = false
        let twin = try model.converted(to: Float.self)
        #expect(twin.namedParameters().map(\.name) == model.namedParameters().map(\.name))
        #expect(twin.trainableParameterCount == model.trainableParameterCount)
        #expect(try twin.graphArchitecture() == model.graphArchitecture())
        let data = randomTensor([5, 3], seed: 3)
        // Float against Double: relative and absolute 1e-5.
        for (a, b) in zip(try twin.predict([data.converted(to: Float.self)]), try model.predict([data])) {
            #expect(a.isClose(to: b.converted(to: Float.self), relative: 1e-5, absolute: 1e-5))
        }
    }

    /// A layer inside a nested model may not also be called directly: a file names each layer by
    /// one path, so that sharing could not be saved. The error says which layer and where.
    @Test func aLayerInsideANestedModelCannotAlsoBeCalledDirectly() throws {
        let x = Input<Double>(shape: [3], seed: 1)
        let shared = Dense<Double>(2, name: "shared")
        let inner = try Model(inputs: x, outputs: shared(x), name: "inner")
        let input = Input<Double>(shape: [3], seed: 2)
        let sum = try Add()([inner(input), shared(input)])
        #expect { try Model(inputs: [input], outputs: [sum]) } throws: { error in
            "\(error)".contains("'shared' is used inside 'inner' and again in 'shared'")
        }
    }

    /// Reading a Sequential's symbolic inputs and outputs records its chain without touching its
    /// layers (a random layer's generator is not reseeded).
    @Test func readingASequentialsOutputsLeavesItsGeneratorsAlone() throws {
        let model = try Sequential<Float>(inputShape: [3], seed: 5) {
            Dense(4)
            try Dropout(rate: 0.5)
        }
        let states = model.generatorStates().mapValues { [$0.state.0, $0.state.1, $0.state.2, $0.state.3] }
        _ = try Model(inputs: model.inputs, outputs: [Dense<Float>(1)(model.output())])
        #expect(model.generatorStates().mapValues { [$0.state.0, $0.state.1, $0.state.2, $0.state.3] } == states)
    }

    @Test func outputNamesAreUniqueAndSingleTensorCallsRefuseSeveralOutputs() throws {
        let x = Input<Float>(shape: [2])
        let a = try Dense<Float>(3, name: "a")(x)
        let model = try Model(inputs: [x], outputs: [a, a, Dense<Float>(1, name: "a_1")(x)])
        #expect(model.outputNames == ["a", "a_2", "a_1"])
        #expect(throws: TrainingError.self) { try model.predict(Tensor<Float>.zeros([1, 2])) }
        #expect(throws: TrainingError.self) { try model.predictMonteCarlo(Tensor<Float>.zeros([1, 2]), samples: 2) }
        #expect(try model.predict([Tensor<Float>.zeros([1, 2])]).count == 3)
    }

    /// Progress saved for a model with one output does not resume a model with two.
    @Test func progressOfAnotherOutputCountIsRefused() throws {
        let single = try Sequential<Double>(inputShape: [2], seed: 1) { Dense(2) }
        single.compile(optimizer: SGD(), loss: .categoricalCrossEntropy())
        let x = randomTensor([8, 2], seed: 1), y = Tensor<Double>(shape: [8], scalars: (0..<8).map { Double($0 % 2) })
        var progress: EpochProgress?
        do { try single.fit(x, y, epochs: 1, batchSize: 2, callbacks: [StopAfter(steps: 1)], verbose: .silent) } catch TrainingError.interrupted(let saved) {
            progress = saved
        }
        let inputs = Input<Double>(shape: [2])
        let twoHeads = try Model(inputs: [inputs], outputs: [Dense(2, name: "p")(inputs), Dense(2, name: "q")(inputs)])
        twoHeads.compile(optimizer: SGD(), loss: .categoricalCrossEntropy())
        #expect(throws: TrainingError.self) { try twoHeads.fit([x], [y, y], epochs: 1, batchSize: 2, verbose: .silent, progress: progress) }
    }

    /// A model rebuilt from its architecture draws every nested model's weights from its seed.
    @Test func nestedModelsFollowTheSeedOfTheArchitecture() throws {
        let x = Input<Float>(shape: [3])
        let inner = try Model(inputs: x, outputs: Dense<Float>(2)(x), name: "inner")
        let input = Input<Float>(shape: [3])
        let architecture = try Model(inputs: [input], outputs: [Dense<Float>(1)(inner(input))]).graphArchitecture()
        func innerWeight(_ seed: UInt64) throws -> Tensor<Float> {
            try Model<Float>(architecture: architecture, seed: seed).namedParameters()[0].variable.value
        }
        #expect(try Model<Float>(architecture: architecture).namedParameters()[0].name == "layers.0.layers.0.weight")
        #expect(try innerWeight(1) == innerWeight(1))
        #expect(try innerWeight(1) != innerWeight(2))
    }

    @Test func mistakesInAGraphAreClearErrors() throws {
        let x = Input<Float>(shape: [3]), other = Input<Float>(shape: [2], name: "other")
        let joined = try Concatenate()([x, other])
        #expect(throws: LayerError.self) { try Model(inputs: [x], outputs: [joined]) }
        do {
            _ = try Model(inputs: [x], outputs: [joined])
        } catch let error as LayerError {
            #expect(error.description.contains("'other'") && error.description.contains("not among the model's inputs"))
        }
        #expect(throws: LayerError.self) { try Model(inputs: [x, x], outputs: [Dense<Float>(1)(x)]) }
        #expect(throws: LayerError.self) {
            try Model(inputs: [x], outputs: [Dense<Float>(1, name: "same")(Dense<Float>(2, name: "same")(x))])
        }
        let dense = Dense<Float>(4, inputSize: 5)
        #expect(throws: LayerError.self) { try dense(x) }
        #expect(throws: LayerError.self) { try Add<Float>()([x, other]) }
        #expect(throws: LayerError.self) { try Concatenate<Float>(axis: 2)([x, x]) }
        let model = try Model(inputs: [x], outputs: [Dense<Float>(2, name: "p")(x), Dense<Float>(3, name: "q")(x)])
        #expect(throws: TrainingError.self) { try model.compile(optimizer: SGD(), losses: ["p": .meanSquaredError]) }
        #expect(throws: TrainingError.self) {
            try model.compile(optimizer: SGD(), losses: ["p": .meanSquaredError, "q": .meanSquaredError, "r": .meanSquaredError])
        }
        try model.compile(optimizer: SGD(), losses: ["p": .meanSquaredError, "q": .categoricalCrossEntropy()])
        let data = Tensor<Float>.zeros([4, 3])
        #expect(throws: TrainingError.self) { try model.fit([data], [Tensor.zeros([4, 2])], verbose: .silent) }
        #expect(throws: TrainingError.self) { try model.fit([data], [Tensor.zeros([4, 2]), Tensor(shape: [4], repeating: 3)], verbose: .silent) }
        #expect(throws: TrainingError.self) { try model.predict([data, data]) }
    }

    /// A chain written with the functional API trains exactly as the same chain in a `Sequential`
    /// on the autodiff path (same weights, same data, same seed: the same bits).
    @Test func aChainGraphTrainsBitIdenticallyToTheSequentialChain() throws {
        let sequential = try Sequential<Double>(inputShape: [4], seed: 3) {
            Dense(6, activation: .relu)
            Dense(3)
        }
        sequential.usesCompiledPasses = false
        let copy = try sequential.clone()
        let graph = try Model(inputs: copy.inputs, outputs: copy.outputs)
        let x = randomTensor([40, 4], seed: 4)
        let y = Tensor<Double>(shape: [40], scalars: (0..<40).map { Double($0 % 3) })
        var histories: [History] = []
        for model in [sequential, graph] as [Model<Double>] {
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
            histories.append(try model.fit(x, y, epochs: 3, batchSize: 8, validationSplit: 0.25, verbose: .silent, seed: 9))
        }
        #expect(histories[0].keys == histories[1].keys)
        for key in histories[0].keys { #expect(histories[0][key] == histories[1][key], "\(key)") }
        #expect(try sequential.predict(x) == graph.predict(x))
    }

    /// A functional chain of Dense layers takes the compiled pass as a `Sequential` does (the same
    /// bits), and so does a graph with several heads.
    @Test func aFunctionalDenseChainTrainsOnTheCompiledPass() throws {
        let sequential = try Sequential<Double>(inputShape: [4], seed: 5) {
            Dense(6, activation: .relu)
            Dense(3)
        }
        let copy = try sequential.clone()
        let chain = try Model(inputs: copy.inputs, outputs: copy.outputs)
        #expect(chain.executor(training: true) != nil && sequential.executor(training: true) != nil)
        #expect(try Self.threeHeads().executor(training: true) != nil)
        let x = randomTensor([50, 4], seed: 6)
        let y = Tensor<Double>(shape: [50], scalars: (0..<50).map { Double($0 % 3) })
        var histories: [History] = []
        for model in [sequential, chain] as [Model<Double>] {
            model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
            histories.append(try model.fit(x, y, epochs: 2, batchSize: 16, verbose: .silent, seed: 2))
        }
        for key in histories[0].keys { #expect(histories[0][key] == histories[1][key], "\(key)") }
        #expect(try sequential.predict(x) == chain.predict(x))
    }

    /// Two heads on one trunk, trained on a task where both are learnable: the logs are named per
    /// output as in Keras, the total is the weighted sum of the heads' losses, and both heads learn.
    @Test func twoHeadsTrainWithALossAndMetricsEach() throws {
        var rng = SeededGenerator(seed: 11)
        let x = Tensor<Double>.randomNormal([300, 2], using: &rng)
        // classes: the quadrant (4); side: whether x₀ > 0 (2, as 0/1 targets of a sigmoid unit).
        let classes = Tensor<Double>(shape: [300], scalars: (0..<300).map { i in Double((x[i, 0] > 0 ? 1 : 0) + (x[i, 1] > 0 ? 2 : 0)) })
        let side = Tensor<Double>(shape: [300], scalars: (0..<300).map { i in x[i, 0] > 0 ? 1 : 0 })
        let inputs = Input<Double>(shape: [2], seed: 4)
        let trunk = try Dense(16, activation: .tanh)(inputs)
        let model = try Model(inputs: [inputs], outputs: [Dense(4, name: "quadrant")(trunk), Dense(1, activation: .sigmoid, name: "side")(trunk)])
        try model.compile(optimizer: Adam(learningRate: 0.03),
                          losses: ["quadrant": .categoricalCrossEntropy(), "side": .binaryCrossEntropy()],
                          lossWeights: ["side": 0.5], metrics: ["quadrant": [.accuracy], "side": [.accuracy]])
        let history = try model.fit([x], [classes, side], epochs: 30, batchSize: 32, validationSplit: 0.2, verbose: .silent, seed: 1)
        #expect(history.keys == ["loss", "quadrant_loss", "quadrant_accuracy", "side_loss", "side_accuracy",
                                 "val_loss", "val_quadrant_loss", "val_quadrant_accuracy", "val_side_loss", "val_side_accuracy", "lr"])
        let logs = try model.evaluate([x], [classes, side])
        // The total is Σ weight·loss (Double, relative 1e-12), and each head's loss is its loss
        // computed here from the predictions.
        expectClose(logs["loss"]!, logs["quadrant_loss"]! + 0.5 * logs["side_loss"]!, absolute: 1e-12)
        let predictions = try model.predict([x])
        let quadrantLoss = withoutGradients { Loss.categoricalCrossEntropy()(Variable(predictions[0]), classes).value.scalar }
        expectClose(logs["quadrant_loss"]!, quadrantLoss, absolute: 1e-12)
        #expect(logs["quadrant_accuracy"]! > 0.9 && logs["side_accuracy"]! > 0.9, "\(logs)")
        #expect(history["quadrant_loss"].last! < history["quadrant_loss"].first! / 2)
        // The learning curves follow the keys: one chart per quantity, each with its val_ curve.
        let charts = LearningCurves.charts(history: history)
        #expect(charts.map(\.title) == ["Loss", "quadrant_loss", "quadrant_accuracy", "side_loss", "side_accuracy"])
        #expect(charts.allSatisfy { $0.series.map(\.dashed) == [false, true] })
    }

    /// A diverging two-head graph is reported once, naming the first layer whose output is not
    /// finite (the trunk, which feeds both heads), as for a Sequential.
    @Test func aDivergingGraphNamesItsFirstNonFiniteLayer() throws {
        let x = Tensor<Float>([[1], [2], [3]])
        let inputs = Input<Float>(shape: [1])
        let trunk = try Dense(1, name: "trunk")(inputs)
        let model = try Model(inputs: [inputs], outputs: [Dense(1, name: "p")(trunk), Dense(1, name: "q")(trunk)])
        model.compile(optimizer: SGD(learningRate: 1e30), loss: .meanSquaredError)
        var warnings: [DivergenceWarning] = []
        model.divergenceHandler = { warnings.append($0) }
        try model.fit([x], [x, x], epochs: 10, batchSize: 3, verbose: .silent)
        let warning = try #require(warnings.first)
        #expect(warnings.count == 1 && !warning.loss.isFinite)
        #expect(warning.nonFiniteLayer == "trunk")
    }

    /// An interrupted multi-output epoch resumes to the same bits as an uninterrupted run.
    @Test func anInterruptedTwoHeadEpochResumesExactly() throws {
        func make() throws -> Model<Double> {
            let inputs = Input<Double>(shape: [3], seed: 8)
            let trunk = try Dense(5, activation: .relu)(inputs)
            let model = try Model(inputs: [inputs], outputs: [Dense(2, name: "p")(trunk), Dense(1, name: "q")(trunk)])
            try model.compile(optimizer: SGD(learningRate: 0.05), losses: ["p": .categoricalCrossEntropy(), "q": .meanSquaredError],
                              metrics: ["p": [.accuracy], "q": [.meanAbsoluteError]])
            return model
        }
        let x = randomTensor([50, 3], seed: 2), q = randomTensor([50, 1], seed: 3)
        let p = Tensor<Double>(shape: [50], scalars: (0..<50).map { Double($0 % 2) })
        let whole = try make().fit([x], [p, q], epochs: 2, batchSize: 8, verbose: .silent, seed: 5)
        let model = try make()
        let stopper = StopAfter(steps: 3)
        var progress: EpochProgress?
        do {
            try model.fit([x], [p, q], epochs: 2, batchSize: 8, callbacks: [stopper], verbose: .silent, seed: 5)
        } catch TrainingError.interrupted(let saved) {
            progress = saved
        }
        #expect(progress?.step == 3)
        let rest = try model.fit([x], [p, q], epochs: 2, batchSize: 8, verbose: .silent, seed: 5, progress: progress)
        for key in whole.keys { #expect(rest[key] == whole[key], "\(key)") }
    }
}

/// Asks for an interruption after a number of steps of the first epoch.
private final class StopAfter: Callback<Double> {
    let steps: Int
    init(steps: Int) { self.steps = steps }
    override func batchDidEnd(_ step: Int, logs: Logs, model: Model<Double>) throws {
        if step + 1 == steps { model.requestInterruption() }
    }
}
