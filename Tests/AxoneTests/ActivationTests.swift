import Testing
@testable import Axone

/// Probe inputs for the forward checks, away from 0 where relu/step/leaky/elu have their kink.
private let probe: [Double] = [-3, -1, -0.25, 0.5, 2]

/// An element-wise activation and its values at `probe`. Every reference below was computed with
/// numpy 2.4 (float64) from the textbook formula, e.g. `1/(1+np.exp(-x))`, `np.tanh(x)`,
/// `np.where(x>0, x, a*x)`, `np.where(x>0, x, a*np.expm1(x))`, SELU `lam*np.where(x>0, x,
/// alp*np.expm1(x))` with lam = 1.0507009873554805, alp = 1.6732632423543772, softplus `np.log1p(np.exp(x))`.
struct ElementwiseCase: Sendable, CustomTestStringConvertible {
    let activation: Activation
    let expected: [Double]
    var testDescription: String { "\(activation)" }
}

private let elementwiseCases: [ElementwiseCase] = [
    .init(activation: .linear, expected: probe),
    .init(activation: .step, expected: [0, 0, 0, 1, 1]),   // Heaviside (seed 001 perceptron), by hand
    .init(activation: .sigmoid, expected: [0.04742587317756678, 0.2689414213699951, 0.43782349911420193,
                                           0.6224593312018546, 0.8807970779778823]),
    .init(activation: .tanh, expected: [-0.9950547536867305, -0.7615941559557649, -0.24491866240370913,
                                        0.46211715726000974, 0.9640275800758169]),
    .init(activation: .relu, expected: [0, 0, 0, 0.5, 2]),
    .init(activation: .leakyRelu(), expected: [-0.03, -0.01, -0.0025, 0.5, 2]),
    .init(activation: .leakyRelu(alpha: 0.2), expected: [-0.6000000000000001, -0.2, -0.05, 0.5, 2]),
    .init(activation: .elu(), expected: [-0.950212931632136, -0.6321205588285577, -0.22119921692859512, 0.5, 2]),
    .init(activation: .elu(alpha: 0.5), expected: [-0.475106465816068, -0.31606027941427883, -0.11059960846429756,
                                                   0.5, 2]),
    .init(activation: .selu, expected: [-1.6705687287671118, -1.1113307378125625, -0.3888901974781189,
                                        0.5253504936777402, 2.101401974710961]),
    .init(activation: .softplus, expected: [0.04858735157374206, 0.31326168751822286, 0.5759394198788436,
                                            0.9740769841801067, 2.1269280110429727]),
]

/// Inputs for gradient checks: |x| ≥ 0.05 with alternating signs, so no element sits on a kink.
private func offKinkInput(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    randomTensor(shape, seed: seed).mapped(.abs).mapped(.shift(0.05))
        * Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { $0 % 2 == 0 ? 1 : -1 })
}

@Suite struct ActivationTests {
    /// Tolerances: Double relative 1e-12 (+1e-15 absolute); Float relative 1e-6 (+1e-7 absolute).
    @Test(arguments: elementwiseCases)
    func forwardMatchesReference(_ c: ElementwiseCase) {
        let x = Tensor<Double>(shape: [5], scalars: probe), expected = Tensor<Double>(shape: [5], scalars: c.expected)
        expectClose(c.activation(x), expected, relative: 1e-12, absolute: 1e-15)
        expectClose(c.activation(Variable(x)).value, expected, relative: 1e-12, absolute: 1e-15)
        expectClose(c.activation(x.converted(to: Float.self)), expected.converted(to: Float.self),
                    relative: 1e-6, absolute: 1e-7)
    }

    /// Softmax and log-softmax of two rows; numpy: `e = np.exp(z - z.max(1, keepdims=True));
    /// e / e.sum(1, keepdims=True)` and its `np.log`. Double, relative 1e-12.
    @Test func softmaxFamilyMatchesReference() {
        let z = Tensor<Double>([[1, 2, 3], [-1, 0, 5]])
        let softmax = Tensor<Double>(shape: [2, 3], scalars: [0.09003057317038046, 0.24472847105479764, 0.6652409557748218,
                                                              0.0024561149044509535, 0.006676412513376451, 0.9908674725821726])
        let logSoftmax = Tensor<Double>(shape: [2, 3], scalars: [-2.40760596444438, -1.4076059644443804, -0.40760596444438046,
                                                                 -6.0091744845917345, -5.0091744845917345, -0.009174484591734738])
        expectClose(Activation.softmax(z), softmax, relative: 1e-12, absolute: 0)
        expectClose(Activation.logSoftmax(z), logSoftmax, relative: 1e-12, absolute: 0)
        expectClose(Activation.softmax(Variable(z)).value.sum(alongAxes: [1]), Tensor(shape: [2], scalars: [1, 1]),
                    relative: 0, absolute: 1e-15)
    }

    /// Every activation's backward rule against central differences (Double, relative error < 1e-6).
    @Test(arguments: elementwiseCases.map(\.activation) + [.softmax, .logSoftmax])
    func gradientMatchesFiniteDifferences(_ activation: Activation) throws {
        try expectGradientsMatch(inputs: [offKinkInput([4, 5], seed: 3)]) { activation($0[0]) }
    }

    /// Saturated regions stay finite. Exact values by hand: softplus(±1000) = 1000 / 0 (e^−1000
    /// underflows), σ(±1000) = 1 / 0, SELU(−1000) = −λα = −1.7580993408473766 (numpy `-lam*alp`).
    /// Exact in Double, except SELU: absolute 1e-15.
    @Test func saturatedInputsStayFinite() throws {
        let x = Variable(Tensor<Double>(shape: [2], scalars: [1000, -1000]), requiresGradient: true)
        #expect(Activation.softplus(x).value.scalars == [1000, 0])
        #expect(Activation.sigmoid(x).value.scalars == [1, 0])
        expectClose(Activation.selu(x).value.scalars[1], -1.7580993408473766, absolute: 1e-15)
        try Activation.softplus(x).sum().backward()   // softplus′ = σ
        #expect(x.gradient?.scalars == [1, 0])
    }

    /// SELU's constants (Klambauer et al. 2017, also PyTorch's): exact in Double.
    @Test func seluConstants() {
        #expect(ElementwiseFunction<Double>.seluLambda == 1.0507009873554805)
        #expect(ElementwiseFunction<Double>.seluAlpha == 1.6732632423543772)
    }

    /// Heaviside step: 1 at 0 (the perceptron's `w·x + b ≥ 0` convention), and no gradient flows back.
    @Test func stepAtZeroAndItsZeroGradient() throws {
        let x = Variable(Tensor<Double>(shape: [3], scalars: [-1e-9, 0, 3]), requiresGradient: true)
        let y = Activation.step(x)
        #expect(y.value.scalars == [0, 1, 1])
        try y.sum().backward()
        #expect(x.gradient?.scalars == [0, 0, 0])
    }

    @Test(arguments: Activation.names)
    func namesRoundTrip(_ name: String) throws {
        #expect(try Activation(name: name).description == name)
    }

    /// Aliases, and seed 000's default leak α = 0.01.
    @Test func aliasesAndDefaultLeak() throws {
        #expect(try Activation(name: "identity") == .linear)
        #expect(try Activation(name: "logistic") == .sigmoid)
        #expect(try Activation(name: "heaviside") == .step)
        #expect(try Activation(name: "LeakyReLU") == .leakyRelu(alpha: 0.01))
        #expect(Activation.leakyRelu() == .leakyRelu(alpha: 0.01))
    }

    @Test func unknownActivationNameIsRejectedByName() {
        let error = #expect(throws: LayerError.self) { try Activation(name: "swish") }
        #expect(error == .unknownName(kind: "activation", name: "swish", known: Activation.names))
        #expect(error?.description.contains("unknown activation 'swish'") == true)
    }
}

@Suite struct ParametricActivationTests {
    /// PReLU `max(0, x) + α·min(0, x)`; values by hand: α = 0.25 gives −2 → −0.5, −4 → −1 (exact in
    /// Double); α = (0.1, 0.2, 0.3) gives −0.2, 0.5, −1.2 (Double, relative 1e-15).
    @Test func preluForwardPerUnitAndShared() throws {
        let x = Variable(Tensor<Double>([[-2, 0.5, -4]]))
        let perUnit = try built(PReLU<Double>(), inputShape: [3])
        #expect(perUnit(x).value.scalars == [-0.5, 0.5, -1])
        perUnit.alpha!.value = Tensor(shape: [3], scalars: [0.1, 0.2, 0.3])
        #expect(perUnit(x).value.isClose(to: Tensor([[-0.2, 0.5, -1.2]]), relative: 1e-15))
        #expect(perUnit.trainableParameterCount == 3)
        let shared = try built(PReLU<Double>(perUnit: false, initialAlpha: 0.5), inputShape: [3])
        #expect(shared(x).value.scalars == [-1, 0.5, -2])
        #expect(shared.trainableParameterCount == 1)
    }

    /// PReLU gradients with respect to the input and to α (Double, relative error < 1e-6).
    @Test(arguments: [true, false])
    func preluGradients(perUnit: Bool) throws {
        let layer = try built(PReLU<Double>(perUnit: perUnit), inputShape: [4])
        layer.alpha!.value = randomTensor(layer.alpha!.shape, seed: 8, scale: 0.3)
        try expectLayerGradientsMatch(layer, input: offKinkInput([3, 4], seed: 9))
    }

    /// RReLU in inference uses the mean slope (1/8 + 1/3)/2 = 11/48 (PyTorch's range); by hand
    /// −4.8·11/48 = −1.1. In training each negative input gets its own slope in [1/8, 1/3] and the
    /// slopes average 11/48 (200,000 draws: within 1 % relative). Eval values: Double, relative 1e-15.
    @Test func rreluSlopes() throws {
        let layer = try built(RReLU<Double>(), inputShape: [2], seed: 4)
        layer.eval()
        expectClose(layer(Variable(Tensor([[-4.8, 3]]))).value, Tensor([[-1.1, 3]]), relative: 1e-15, absolute: 0)
        layer.train()
        let negatives = Tensor<Double>(shape: [100_000, 2], repeating: -1)
        let slopes = (-layer(Variable(negatives)).value).scalars
        #expect(slopes.allSatisfy { $0 >= 1.0 / 8 && $0 <= 1.0 / 3 })
        let mean = slopes.reduce(0, +) / Double(slopes.count)
        #expect(abs(mean - 11.0 / 48) < 0.01 * 11.0 / 48)
        #expect(layer(Variable(Tensor([[2, 7]]))).value.scalars == [2, 7])
        #expect(throws: LayerError.self) { try RReLU<Double>(lower: 0.5, upper: 0.1) }
    }

    /// RReLU gradients: inference, and training with the slope generator re-seeded before each
    /// forward so every finite-difference evaluation draws the same slopes.
    @Test(arguments: [true, false])
    func rreluGradients(training: Bool) throws {
        let layer = try built(RReLU<Double>(), inputShape: [4])
        layer.setTraining(training)
        try expectLayerGradientsMatch(layer, input: offKinkInput([3, 4], seed: 10)) {
            layer.generator = SeededGenerator(seed: 5)
        }
    }

    /// Maxout with 2 units × 2 pieces on x = [1, −1]; by hand: x·W + b = [−2, 3.5, −1, −1.5],
    /// so the outputs are max(−2, 3.5) = 3.5 and max(−1, −1.5) = −1 (exact in Double).
    @Test func maxoutForwardByHand() throws {
        let layer = try built(Maxout<Double>(2, pieces: 2), inputShape: [2])
        layer.weight!.value = Tensor([[1, 2, 0, -1], [3, -1, 2, 0.5]])
        layer.bias!.value = Tensor(shape: [4], scalars: [0, 0.5, 1, 0])
        #expect(layer(Variable(Tensor([[1, -1]]))).value == Tensor([[3.5, -1]]))
        #expect(layer.trainableParameterCount == 2 * 4 + 4)
        #expect(throws: LayerError.self) { try Maxout<Double>(0, pieces: 2) }
    }

    /// Maxout's Glorot fans are (input, units), as documented: with 5 inputs, 3 units and 8 pieces the
    /// uniform bound is √(6/(5 + 3)) = 0.866…, and 120 draws all under the kernel-shape bound
    /// √(6/(5 + 24)) = 0.4549 would have probability (0.4549/0.866)¹²⁰ < 1e-33.
    @Test func maxoutGlorotFanOutIsUnits() throws {
        let weights = try built(Maxout<Double>(3, pieces: 8), inputShape: [5], seed: 3).weight!.value.scalars.map(Swift.abs)
        #expect(weights.count == 5 * 24)
        #expect(weights.max()! <= (6.0 / 8).squareRoot())
        #expect(weights.max()! > (6.0 / 29).squareRoot())
    }

    /// Maxout gradients (input, weight, bias), random weights so no two pieces tie.
    @Test func maxoutGradients() throws {
        let layer = try built(Maxout<Double>(3, pieces: 4), inputShape: [5], seed: 11)
        layer.bias!.value = randomTensor([12], seed: 12)
        try expectLayerGradientsMatch(layer, input: randomTensor([4, 5], seed: 13))
    }
}
