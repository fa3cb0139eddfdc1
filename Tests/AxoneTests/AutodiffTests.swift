import Testing
@testable import Axone

@Suite struct AutodiffTests {
    /// SPEC §8 (seed 003:1104): f = (x + y)·z at x = −2, y = 5, z = −4.
    @Test func seedExampleOfAComputationGraph() throws {
        let x = Variable(Tensor<Double>(-2), requiresGradient: true)
        let y = Variable(Tensor<Double>(5), requiresGradient: true)
        let z = Variable(Tensor<Double>(-4), requiresGradient: true)
        let q = x + y
        let f = q * z
        #expect(q.value.scalar == 3)
        #expect(f.value.scalar == -12)
        try f.backward()
        #expect(x.gradient?.scalar == -4)
        #expect(y.gradient?.scalar == -4)
        #expect(z.gradient?.scalar == 3)
    }

    @Test func gradientsAccumulateOverEveryUse() throws {
        let x = Variable(Tensor<Double>(3), requiresGradient: true)
        let f = x * x + x          // f′ = 2x + 1 = 7
        try f.backward()
        #expect(x.gradient?.scalar == 7)
        try f.backward()           // a second backward adds to the stored gradient
        #expect(x.gradient?.scalar == 14)
        x.zeroGradient()
        #expect(x.gradient == nil)
    }

    @Test func backwardOfANonScalarNeedsASeed() throws {
        let x = Variable(Tensor<Double>.ones([2, 2]), requiresGradient: true)
        let y = x * 2
        #expect(throws: TensorError.nonScalarBackward(shape: [2, 2])) { try y.backward() }
        #expect(throws: TensorError.self) { try y.backward(seed: .ones([3])) }
        try y.backward(seed: .ones([2, 2]))
        #expect(x.gradient == Tensor(shape: [2, 2], repeating: 2))
    }

    @Test func noGraphIsRecordedWithoutGradients() {
        let w = Variable(Tensor<Double>.ones([2, 2]), requiresGradient: true)
        let y = withoutGradients { (w * w).relu() }
        #expect(!y.requiresGradient)
        #expect(y.inputs.isEmpty)
        #expect((w * w).requiresGradient)
    }

    @Test func frozenVariablesReceiveNoGradient() throws {
        let w = Variable(Tensor<Double>(2), requiresGradient: false)
        let x = Variable(Tensor<Double>(3), requiresGradient: true)
        try (w * x).backward()
        #expect(w.gradient == nil)
        #expect(x.gradient?.scalar == 2)
    }

    // Every differentiable op against central finite differences in Double.
    // Tolerance: relative error < 1e-6 (Double, step 1e-6), as GradientCheck defines it.

    @Test(arguments: [
        ("exp", ElementwiseFunction<Double>.exp), ("sigmoid", .sigmoid), ("tanh", .tanh), ("relu", .relu),
        ("square", .square), ("abs", .abs), ("negate", .negate), ("leakyRelu", .leakyRelu(alpha: 0.01)),
        ("elu", .elu(alpha: 1)), ("selu", .selu), ("softplus", .softplus), ("scale", .scale(-3)),
        ("shift", .shift(2)), ("identity", .identity),
    ])
    func elementwiseFunctionGradients(name: String, function: ElementwiseFunction<Double>) throws {
        // Keep inputs away from the kinks of relu/abs/leakyRelu/elu/selu, where no derivative exists.
        let x = randomTensor([3, 4], seed: 5).mapped(.abs).mapped(.shift(0.05))
            * Tensor(shape: [3, 4], scalars: (0..<12).map { $0 % 2 == 0 ? 1 : -1 })
        try expectGradientsMatch(inputs: [x]) { $0[0].applying(function) }
    }

    @Test func positiveDomainFunctionGradients() throws {
        let x = randomTensor([3, 4], seed: 6).mapped(.abs).mapped(.shift(0.5))
        try expectGradientsMatch(inputs: [x]) { $0[0].log() }
        try expectGradientsMatch(inputs: [x]) { $0[0].squareRoot() }
        try expectGradientsMatch(inputs: [x]) { $0[0].applying(.reciprocal) }
    }

    @Test(arguments: [BinaryOperator.add, .subtract, .multiply, .divide, .maximum, .minimum])
    func binaryOperatorGradientsWithBroadcasting(op: BinaryOperator) throws {
        let a = randomTensor([4, 3], seed: 1)
        let b = randomTensor([3], seed: 2).mapped(.abs).mapped(.shift(0.5))   // bias row, away from 0 for divide
        let column = randomTensor([4, 1], seed: 3).mapped(.abs).mapped(.shift(0.5))
        try expectGradientsMatch(inputs: [a, b]) { Variable.combine($0[0], $0[1], op) }
        try expectGradientsMatch(inputs: [a, column]) { Variable.combine($0[0], $0[1], op) }
        try expectGradientsMatch(inputs: [b, a]) { Variable.combine($0[0], $0[1], op) }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulGradients(transposeA: Bool, transposeB: Bool) throws {
        let a = randomTensor(transposeA ? [3, 4] : [4, 3], seed: 1)
        let b = randomTensor(transposeB ? [5, 3] : [3, 5], seed: 2)
        try expectGradientsMatch(inputs: [a, b]) {
            Variable.matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB)
        }
    }

    @Test func reductionGradients() throws {
        let x = randomTensor([2, 3, 4], seed: 4)
        try expectGradientsMatch(inputs: [x]) { $0[0].sum() }
        try expectGradientsMatch(inputs: [x]) { $0[0].sum(alongAxes: [1]) }
        try expectGradientsMatch(inputs: [x]) { $0[0].mean(alongAxes: [0, 2], keepingDimensions: true) }
        try expectGradientsMatch(inputs: [x]) { $0[0].mean(alongAxes: [-1]) }
    }

    @Test func softmaxGradients() throws {
        let x = randomTensor([5, 4], seed: 7)
        try expectGradientsMatch(inputs: [x]) { $0[0].softmax() }
        try expectGradientsMatch(inputs: [x]) { $0[0].logSoftmax() }
    }

    @Test func shapeOpGradients() throws {
        let x = randomTensor([4, 3], seed: 8), y = randomTensor([2, 3], seed: 9)
        try expectGradientsMatch(inputs: [x]) { $0[0].reshaped([3, -1]) }
        try expectGradientsMatch(inputs: [x]) { $0[0].transposed() }
        try expectGradientsMatch(inputs: [x]) { $0[0].rows(1..<3) }
        try expectGradientsMatch(inputs: [x, y]) { Variable.concatenate($0) }
        try expectGradientsMatch(inputs: [x, x]) { Variable.concatenate($0, alongAxis: 1) }
    }

    /// The notes' procedure (seed 001:2071-2202): forward differences with h = 1e-4 agree with
    /// backprop to O(h); central differences are far closer on the same function.
    @Test func forwardDifferencesAsInTheNotes() throws {
        let w = Variable(randomTensor([3, 2], seed: 10), requiresGradient: true)
        let x = Variable(randomTensor([5, 3], seed: 11))
        let loss = { Variable.matmul(x, w).tanh().squared().mean() }
        let forward = try GradientCheck.run(parameters: [("w", w)], step: 1e-4, scheme: .forward, loss: loss)
        let central = try GradientCheck.run(parameters: [("w", w)], step: 1e-4, scheme: .central, loss: loss)
        #expect(forward.maxRelativeError < 1e-2)
        #expect(central.maxRelativeError < 1e-6)
        #expect(central.maxRelativeError < forward.maxRelativeError / 100)
    }

    @Test func gradientCheckDetectsAWrongRule() throws {
        // A deliberately wrong op: forward x², pullback claims 3x instead of 2x.
        let x = Variable(randomTensor([4], seed: 12), requiresGradient: true)
        let wrong = { Variable(x.value.mapped(.square), inputs: [x]) { g in [g * x.value * 3] }.sum() }
        let report = try GradientCheck.run(parameters: [("x", x)], loss: wrong)
        expectClose(report.maxRelativeError, 1.0 / 3.0, absolute: 1e-6)
    }
}
