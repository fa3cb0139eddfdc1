import Foundation
import Testing
@testable import Axone

/// Values a user passes to the library are refused with typed errors, never with a trap.
@Suite struct InputValidationTests {
    @Test func regularizationAndMaxNormRefuseOutOfRangeCoefficients() throws {
        for (l1, l2) in [(-0.1, 0.0), (0.0, -1.0), (Double.nan, 0.0), (0.0, Double.infinity)] {
            #expect(throws: TrainingError.self) { try Regularization(l1: l1, l2: l2) }
        }
        #expect(try Regularization(l1: 0.1, l2: 0).l1 == 0.1)
        for maxNorm in [0, -1, Double.nan] {
            #expect(throws: TrainingError.self) { try MaxNormConstraint(maxNorm: maxNorm) }
        }
        #expect(try MaxNormConstraint(maxNorm: 3).maxNorm == 3)
    }

    /// Each optimiser with one hyper-parameter out of range, and the parameter the error names.
    static let badOptimizers: [(make: @Sendable () -> Optimizer, parameter: String)] = [
        ({ SGD(learningRate: -1) }, "learning rate"), ({ SGD(learningRate: .infinity) }, "learning rate"),
        ({ SGD(learningRate: .nan) }, "learning rate"), ({ SGD(momentum: 1) }, "momentum"),
        ({ SGD(momentum: -0.5) }, "momentum"), ({ SGD(weightDecay: -1) }, "weight decay"),
        ({ Adam(beta1: 1) }, "beta1"), ({ Adam(beta2: -0.1) }, "beta2"), ({ Adam(epsilon: 0) }, "epsilon"),
        ({ AdamW(weightDecay: .nan) }, "weight decay"), ({ Nadam(beta1: 1.5) }, "beta1"),
        ({ Nadam(momentumDecay: -1) }, "momentum decay"), ({ RMSProp(alpha: 1) }, "alpha"),
        ({ RMSProp(epsilon: -1e-8) }, "epsilon"), ({ AdaDelta(rho: 1.1) }, "rho"), ({ AdaDelta(epsilon: 0) }, "epsilon"),
        ({ Adagrad(epsilon: .nan) }, "epsilon"), ({ Adagrad(initialAccumulatorValue: -0.1) }, "initial accumulator value"),
    ]

    @Test(arguments: badOptimizers.indices)
    func optimizerValidationNamesTheParameterOutOfRange(index: Int) throws {
        let (make, parameter) = Self.badOptimizers[index]
        let optimizer = make()
        let error = try #require(throws: OptimizerError.self) { try optimizer.validate() }
        guard case .outOfRange(_, let named, _, _) = error else { Issue.record("\(error)"); return }
        #expect(named == parameter)
        #expect(error.description.contains(parameter) && !error.description.contains("\n"))
    }

    @Test func defaultOptimizersAreValidAndNesterovNeedsMomentum() throws {
        for optimizer in [SGD(), SGD(momentum: 0.9, nesterov: true), Adam(), AdamW(), Nadam(), RMSProp(), AdaDelta(), Adagrad()] {
            try optimizer.validate()
        }
        #expect(throws: OptimizerError.nesterovWithoutMomentum) { try SGD(nesterov: true).validate() }
    }

    func planned(seed: UInt64 = 1) throws -> (Sequential<Float>, Tensor<Float>, Tensor<Float>) {
        let model = try Sequential<Float>(inputShape: [3], seed: seed) {
            Dense(4, activation: .relu)
            Dense(2)
        }
        model.compile(optimizer: SGD(learningRate: 0.1), loss: .categoricalCrossEntropy())
        var rng = SeededGenerator(seed: 2)
        return (model, Tensor.randomNormal([8, 3], using: &rng), Tensor(shape: [8], scalars: (0..<8).map { Float($0 % 2) }))
    }

    @Test func fitRefusesAnInvalidOptimizerBeforeTouchingTheWeights() throws {
        let (model, x, y) = try planned()
        model.compile(optimizer: Adam(beta1: 2), loss: .categoricalCrossEntropy())
        let before = model.state()
        #expect(throws: OptimizerError.self) { try model.fit(x, y, epochs: 1, verbose: .silent) }
        #expect(model.state() == before)
    }

    @Test func evaluateRefusesAnEmptyBatchAndASchedulerWithoutValuesStopsFit() throws {
        let (model, x, y) = try planned()
        #expect(throws: TrainingError.self) { try model.evaluate(x, y, batchSize: 0) }
        let empty = LearningRateScheduler<Float>(.piecewiseConstant(boundaries: [], values: []))
        let error = try #require(throws: OptimizerError.self) { try model.fit(x, y, epochs: 1, callbacks: [empty], verbose: .silent) }
        #expect(error.description.hasPrefix("SGD: learning rate must be a finite number ≥ 0, got nan"))
    }

    @Test func denseWithoutUnitsOrInputsThrowsWhenBuilt() throws {
        #expect(throws: LayerError.invalidArgument(layer: "Dense", message: "units must be positive, got 0")) {
            try Sequential<Float>(inputShape: [3]) { Dense(0) }
        }
        #expect(throws: LayerError.self) { try Sequential<Float>([Dense(-2, inputSize: 3, seed: 1)]) }
        #expect(throws: LayerError.self) { try Sequential<Float>(inputShape: [0]) { Dense(2) } }
        let unbuilt = Dense<Float>(0, inputSize: 3, seed: 1)
        #expect(unbuilt.weight == nil)
        #expect(throws: LayerError.notBuilt(layer: "Dense")) { try unbuilt.validateParameters() }
        let model = try Sequential<Float>([Dense(0)])   // no input shape: nothing built, so fit refuses
        model.compile(optimizer: SGD(), loss: .meanSquaredError)
        #expect(throws: TrainingError.notBuilt) { try model.fit(Tensor<Float>.zeros([2, 3]), Tensor<Float>.zeros([2, 1])) }
    }

    @Test(arguments: [true, false])
    func aWeightOfAnotherShapeIsRefusedBeforeAnyPass(planned usesPlan: Bool) throws {
        let (model, x, y) = try planned()
        model.usesCompiledPasses = usesPlan
        try model.fit(x, y, epochs: 1, verbose: .silent)   // plans the passes with the built shapes
        let first = try #require(model[0] as? Dense<Float>)
        first.weight!.value = Tensor.zeros([30, 40])
        let expected = LayerError.parameterShape(layer: "Dense", parameter: "weight", expected: [3, 4], got: [30, 40])
        #expect(throws: expected) { try model.fit(x, y, epochs: 1, verbose: .silent) }
        #expect(throws: expected) { try model.predict(x) }
        #expect(throws: expected) { try model.evaluate(x, y) }
        first.weight = Variable(Tensor.zeros([3, 4]))
        (model[1] as! Dense<Float>).bias = Variable(Tensor.zeros([7]))
        #expect(throws: LayerError.parameterShape(layer: "Dense", parameter: "bias", expected: [2], got: [7])) {
            try model.predict(x)
        }
        (model[1] as! Dense<Float>).bias = Variable(Tensor.zeros([2]))
        #expect(try model.predict(x).shape == [8, 2])
        first.weight = nil
        #expect(throws: LayerError.notBuilt(layer: "Dense")) { try model.predict(x) }
    }

    /// Gives the last layer a narrower weight after the first batch.
    final class ShrinkAfterFirstBatch: Callback<Float> {
        override func batchDidEnd(_ batch: Int, logs: Logs, model: Model<Float>) throws {
            if batch == 0 { ((model as! Sequential<Float>)[1] as! Dense<Float>).weight!.value = Tensor.zeros([4, 1]) }
        }
    }

    @Test(arguments: [true, false])
    func aWeightChangedByACallbackDuringFitIsRefusedAtTheNextStep(planned usesPlan: Bool) throws {
        let (model, x, y) = try planned()
        model.usesCompiledPasses = usesPlan
        #expect(throws: LayerError.parameterShape(layer: "Dense", parameter: "weight", expected: [4, 2], got: [4, 1])) {
            try model.fit(x, y, epochs: 1, batchSize: 2, callbacks: [ShrinkAfterFirstBatch()], verbose: .silent)
        }
    }

    @Test func architecturesAreCheckedBeforeAnyWeightIsCreated() throws {
        #expect(throws: LayerError.self) { try Sequential<Float>(architecture: Architecture(json: #"{"input_shape":[0],"layers":[{"type":"Dense","units":2}]}"#)) }
        #expect(throws: LayerError.self) { try Sequential<Float>(architecture: Architecture(json: #"{"input_shape":[4],"layers":[{"type":"Dense","units":-1}]}"#)) }
        let huge = try Architecture(json: #"{"input_shape":[1000000],"layers":[{"type":"Dense","units":1000000}]}"#)
        let error = try #require(throws: LayerError.self) { try Sequential<Float>(architecture: huge) }
        #expect(error == .tooLarge(layer: "the model", bytes: 4_000_004_000_000, available: ProcessInfo.processInfo.physicalMemory))
        #expect(error.description.hasPrefix("the model needs 4.0 TB for its parameters; this machine has "))
        #expect(try huge.summary().contains(" Total params: 1,000,001,000,000"))
        let overflowing = Architecture(inputShape: [1 << 40], layers: [{ var s = LayerSpecification(type: "Dense"); s.units = 1 << 40; return s }()])
        #expect(throws: LayerError.tooLarge(layer: "dense", bytes: nil, available: ProcessInfo.processInfo.physicalMemory)) {
            try overflowing.summary()
        }
    }

    @Test func theSummaryFromTheSpecificationMatchesTheBuiltModel() throws {
        let model = try ModelFileTests().everyLayerModel()
        model.layers[2].isTrainable = false
        // The built model's summary adds one line: how it trains.
        #expect(try model.architecture().summary() + model.compilationLine == model.summary())
    }

    @Test func aCheckpointWithAnOptimizerOutOfRangeIsRefused() throws {
        let (model, x, y) = try planned()
        try model.fit(x, y, epochs: 1, verbose: .silent)
        let path = temporaryPath("bad-optimizer.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, to: path, training: TrainingCheckpoint(optimizer: RMSProp(alpha: 3), epoch: 1, seed: 0))
        #expect(throws: OptimizerError.outOfRange(optimizer: "RMSProp", parameter: "alpha", value: 3, allowed: "in [0, 1)")) {
            try ModelFile.load(from: path, as: Float.self)
        }
        var specification = OptimizerSpecification(Nadam())
        specification.iterations = -1
        #expect(throws: OptimizerError.self) { try specification.makeOptimizer() }
        specification.iterations = OptimizerSpecification.maximumIterations
        let nadam = try specification.makeOptimizer()
        _ = nadam.beginStep()   // recomputes Π μᵢ without looping 2⁵³ times
        #expect((nadam as! Nadam).muProduct < 1e-300)
    }
}
