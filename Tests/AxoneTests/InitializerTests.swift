import Testing
@testable import Axone

/// An initialiser, the shape and fans it draws for, and the mean and variance theory predicts.
struct InitializerCase: Sendable, CustomTestStringConvertible {
    let initializer: Initializer
    let shape: [Int]
    let mean: Double
    let variance: Double
    var fanIn: Int { shape[0] }
    var fanOut: Int { shape[1] }
    var testDescription: String { "\(initializer) \(shape)" }

    /// Theory (seed 002, SPEC §2): Glorot Var = 2/(fan_in + fan_out), He 2/fan_in, LeCun 1/fan_in,
    /// for the uniform and the normal variants alike.
    init(_ initializer: Initializer, _ shape: [Int]) {
        let (fanIn, fanOut) = (Double(shape[0]), Double(shape[1]))
        self.initializer = initializer
        self.shape = shape
        switch initializer {
        case .glorotUniform, .glorotNormal: (mean, variance) = (0, 2 / (fanIn + fanOut))
        case .heUniform, .heNormal: (mean, variance) = (0, 2 / fanIn)
        case .lecunUniform, .lecunNormal: (mean, variance) = (0, 1 / fanIn)
        // Uniform on [low, high]: mean (low + high)/2, variance (high − low)²/12.
        case let .uniform(low, high): (mean, variance) = ((low + high) / 2, (high - low) * (high - low) / 12)
        case let .normal(mean, std): (self.mean, variance) = (mean, std * std)
        default: preconditionFailure("no variance theory for \(initializer)")
        }
    }
}

/// The square 500×500 draw of the issue, and a 250×1000 one (same 250,000 elements) where fan_in
/// and fan_out differ, so Glorot, He and LeCun predict three different variances.
private let statisticalCases: [InitializerCase] = [[500, 500], [250, 1000]].flatMap { shape in
    [Initializer.glorotUniform, .glorotNormal, .heUniform, .heNormal, .lecunUniform, .lecunNormal,
     .normal(standardDeviation: 0.01), .uniform(low: -0.3, high: 0.5)].map { InitializerCase($0, shape) }
}

private func draw<S: TensorScalar>(_ c: InitializerCase, seed: UInt64 = 0, as _: S.Type = Double.self) -> Tensor<S> {
    var generator = SeededGenerator(seed: seed)
    return c.initializer.makeTensor(c.shape, fanIn: c.fanIn, fanOut: c.fanOut, generator: &generator)
}

private func moments(_ scalars: [Double]) -> (mean: Double, variance: Double) {
    let mean = scalars.reduce(0, +) / Double(scalars.count)
    return (mean, scalars.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(scalars.count))
}

@Suite struct InitializerTests {
    /// Sample variance within 2 % (relative) of the theory, and |mean − theoretical mean| < 0.01·std.
    /// With 250,000 draws the standard error of the variance is ≈ 0.3 % (normal) and of the mean
    /// 0.2 % of std, so both bounds sit several standard errors out. Checked in Double and in Float.
    @Test(arguments: statisticalCases)
    func varianceAndMeanMatchTheory(_ c: InitializerCase) {
        for scalars in [draw(c).scalars, draw(c, as: Float.self).scalars.map(Double.init)] {
            let (mean, variance) = moments(scalars)
            #expect(abs(variance - c.variance) < 0.02 * c.variance, "variance \(variance) vs \(c.variance)")
            #expect(abs(mean - c.mean) < 0.01 * c.variance.squareRoot(), "mean \(mean) vs \(c.mean)")
        }
    }

    /// Uniform variants draw on [−r, r] with r = √(3·Var): for Glorot r = √6/√(fan_in + fan_out)
    /// (seed 000 writes 6/√(m + n), SPEC §9). Every draw lies inside, and the extremes reach 99 % of r.
    @Test(arguments: statisticalCases.filter { [.glorotUniform, .heUniform, .lecunUniform].contains($0.initializer) })
    func uniformBound(_ c: InitializerCase) {
        let r = (3 * c.variance).squareRoot()
        let w = draw(c).scalars
        #expect(w.allSatisfy { abs($0) <= r })
        #expect(w.max()! > 0.99 * r && w.min()! < -0.99 * r)
        if c.initializer == .glorotUniform {
            expectClose(r, 6.0.squareRoot() / Double(c.fanIn + c.fanOut).squareRoot(), absolute: 1e-15)
        }
    }

    @Test func constantInitializers() {
        var generator = SeededGenerator(seed: 0)
        #expect(Initializer.zeros.makeTensor([3, 2], fanIn: 3, fanOut: 2, generator: &generator) == Tensor<Double>.zeros([3, 2]))
        #expect(Initializer.ones.makeTensor([4], fanIn: 3, fanOut: 4, generator: &generator) == Tensor<Float>.ones([4]))
        #expect(Initializer.constant(0.7).makeTensor([2, 2], fanIn: 2, fanOut: 2, generator: &generator)
                == Tensor<Double>(shape: [2, 2], repeating: 0.7))
    }

    /// Orthogonal (Saxe et al. 2014): tall W has orthonormal columns (WᵀW = gain²·I), wide W has
    /// orthonormal rows (WWᵀ = gain²·I). Double, absolute 1e-12; Float, absolute 1e-5.
    @Test(arguments: [[40, 15], [15, 40], [20, 20]], [1.0, 2.0])
    func orthogonalGram(shape: [Int], gain: Double) {
        var generator = SeededGenerator(seed: 3)
        let w: Tensor<Double> = Initializer.orthogonal(gain: gain).makeTensor(shape, fanIn: shape[0], fanOut: shape[1],
                                                                             generator: &generator)
        let tall = shape[0] >= shape[1], k = min(shape[0], shape[1])
        var identity = Tensor<Double>.zeros([k, k])
        for i in 0..<k { identity[i, i] = gain * gain }
        expectClose(Tensor.matmul(w, w, transposeA: tall, transposeB: !tall), identity, relative: 0, absolute: 1e-12)
        var floatGenerator = SeededGenerator(seed: 3)
        let wf: Tensor<Float> = Initializer.orthogonal(gain: gain).makeTensor(shape, fanIn: shape[0], fanOut: shape[1],
                                                                             generator: &floatGenerator)
        expectClose(Tensor.matmul(wf, wf, transposeA: tall, transposeB: !tall), identity.converted(to: Float.self),
                    relative: 0, absolute: 1e-5)
    }

    /// The same seed reproduces the weights exactly (also through `Dense(…, seed:)`); another seed does not.
    @Test(arguments: [Initializer.glorotUniform, .heNormal, .orthogonal()])
    func seedsReproduceWeights(_ initializer: Initializer) {
        func make(_ seed: UInt64) -> Tensor<Double> {
            var generator = SeededGenerator(seed: seed)
            return initializer.makeTensor([30, 20], fanIn: 30, fanOut: 20, generator: &generator)
        }
        #expect(make(7) == make(7))
        #expect(make(7) != make(8))
        let a = Dense<Float>(5, inputSize: 4, kernelInitializer: initializer, seed: 1)
        let b = Dense<Float>(5, inputSize: 4, kernelInitializer: initializer, seed: 1)
        let other = Dense<Float>(5, inputSize: 4, kernelInitializer: initializer, seed: 2)
        #expect(a.weight!.value == b.weight!.value)
        #expect(a.weight!.value != other.weight!.value)
    }

    /// Biases start at zero by default (SPEC §2).
    @Test func denseBiasStartsAtZero() {
        #expect(Dense<Double>(3, inputSize: 2, seed: 0).bias!.value == Tensor<Double>.zeros([3]))
    }

    /// Keras spellings and PyTorch aliases.
    @Test(arguments: [("zeros", Initializer.zeros), ("ones", .ones), ("constant", .constant(0)),
                      ("random_uniform", .uniform()), ("random_normal", .normal()),
                      ("glorot_uniform", .glorotUniform), ("xavier_normal", .glorotNormal),
                      ("he_uniform", .heUniform), ("kaiming_normal", .heNormal), ("lecun_uniform", .lecunUniform),
                      ("LeCun_Normal", .lecunNormal), ("orthogonal", .orthogonal())])
    func namesParse(_ name: String, expected: Initializer) throws {
        #expect(try Initializer(name: name) == expected)
    }

    @Test func unknownInitializerNameIsRejected() {
        let error = #expect(throws: LayerError.self) { try Initializer(name: "bengio") }
        #expect(error == .unknownName(kind: "initializer", name: "bengio", known: Initializer.names))
    }
}
