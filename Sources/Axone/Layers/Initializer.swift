/// How a weight tensor is filled before training (seed 002, "initialisation des poids").
///
/// Variances, with `fanIn`/`fanOut` the layer's input/output sizes and `fanAvg = (fanIn + fanOut)/2`:
/// Glorot/Xavier `1/fanAvg = 2/(fanIn + fanOut)` (tanh, logistic, softmax), He/Kaiming `2/fanIn`
/// (ReLU family), LeCun `1/fanIn` (SELU). A uniform draw on [−r, r] has variance r²/3, so
/// Glorot uniform uses `r = √(6/(fanIn + fanOut))`.
///
/// Seed 002's table swaps the names (it calls the 1/fanAvg rule "He" and the 2/fanIn rule
/// "Glorot"); these names follow the original papers (Glorot & Bengio 2010, He et al. 2015,
/// LeCun et al. 1998). Seed 000 writes the Glorot uniform bound as `6/√(m+n)`; it is `√6/√(m+n)`.
/// Normal variants draw from a plain (untruncated) normal, as PyTorch's `nn.init` does.
public enum Initializer: Sendable, Hashable, CustomStringConvertible {
    /// Every element 0 (the default for biases).
    case zeros
    /// Every element 1.
    case ones
    /// Every element the given value.
    case constant(Double)
    /// Uniform on [low, high].
    case uniform(low: Double = -0.05, high: Double = 0.05)
    /// Normal N(mean, std²); the notes' "small random" is `.normal(standardDeviation: 0.01)`.
    case normal(mean: Double = 0, standardDeviation: Double = 0.01)
    /// Glorot/Xavier (Glorot & Bengio 2010): variance `2/(fanIn + fanOut)`, uniform (the default for weights) or normal.
    case glorotUniform, glorotNormal
    /// He/Kaiming (He et al. 2015): variance `2/fanIn`, for the ReLU family; uniform or normal.
    case heUniform, heNormal
    /// LeCun (LeCun et al. 1998): variance `1/fanIn`, for SELU; uniform or normal.
    case lecunUniform, lecunNormal
    /// A (semi-)orthogonal matrix scaled by `gain` (Saxe et al. 2014): WᵀW = gain²·I when fanIn ≥ fanOut.
    case orthogonal(gain: Double = 1)

    /// The names accepted by ``init(name:)`` (Keras spellings).
    public static let names = ["zeros", "ones", "constant", "random_uniform", "random_normal", "glorot_uniform",
                               "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "orthogonal"]

    /// Parses a Keras-style name (`he_normal`, `glorot_uniform`, `xavier_normal`, …); parameters
    /// follow colons as ``description`` writes them: `constant:0.5`, `random_uniform:-0.1:0.1`,
    /// `random_normal:0:0.01`, `orthogonal:1`.
    public init(name: String) throws {
        let parts = name.split(separator: ":").map(String.init)
        if parts.count > 1 {
            let values = parts.dropFirst().compactMap(Double.init)
            switch (parts[0].lowercased(), values.count == parts.count - 1 ? values : []) {
            case ("constant", let v) where v.count == 1: self = .constant(v[0])
            case ("random_uniform", let v) where v.count == 2: self = .uniform(low: v[0], high: v[1])
            case ("random_normal", let v) where v.count == 2: self = .normal(mean: v[0], standardDeviation: v[1])
            case ("orthogonal", let v) where v.count == 1: self = .orthogonal(gain: v[0])
            default: throw LayerError.unknownName(kind: "initializer", name: name, known: Initializer.names)
            }
            return
        }
        switch name.lowercased() {
        case "zeros": self = .zeros
        case "ones": self = .ones
        case "constant": self = .constant(0)
        case "random_uniform", "uniform": self = .uniform()
        case "random_normal", "normal": self = .normal()
        case "glorot_uniform", "xavier_uniform": self = .glorotUniform
        case "glorot_normal", "xavier_normal": self = .glorotNormal
        case "he_uniform", "kaiming_uniform": self = .heUniform
        case "he_normal", "kaiming_normal": self = .heNormal
        case "lecun_uniform": self = .lecunUniform
        case "lecun_normal": self = .lecunNormal
        case "orthogonal": self = .orthogonal()
        default: throw LayerError.unknownName(kind: "initializer", name: name, known: Initializer.names)
        }
    }

    /// The name accepted back by ``init(name:)``.
    public var description: String {
        switch self {
        case .zeros: "zeros"
        case .ones: "ones"
        case .constant(let c): "constant:\(c)"
        case let .uniform(low, high): "random_uniform:\(low):\(high)"
        case let .normal(mean, std): "random_normal:\(mean):\(std)"
        case .glorotUniform: "glorot_uniform"
        case .glorotNormal: "glorot_normal"
        case .heUniform: "he_uniform"
        case .heNormal: "he_normal"
        case .lecunUniform: "lecun_uniform"
        case .lecunNormal: "lecun_normal"
        case .orthogonal(let gain): "orthogonal:\(gain)"
        }
    }

    /// A tensor of `shape` (`[fanIn, fanOut]` for a Dense weight) drawn from this initialiser.
    public func makeTensor<Scalar: TensorScalar>(_ shape: [Int], fanIn: Int, fanOut: Int,
                                                 generator: inout SeededGenerator) -> Tensor<Scalar> {
        let fanAverage = Double(fanIn + fanOut) / 2
        func uniform(variance: Double) -> Tensor<Scalar> {
            let r = Scalar((3 * variance).squareRoot())
            return .randomUniform(shape, in: -r...r, using: &generator)
        }
        func normal(variance: Double) -> Tensor<Scalar> {
            .randomNormal(shape, standardDeviation: Scalar(variance.squareRoot()), using: &generator)
        }
        switch self {
        case .zeros: return .zeros(shape)
        case .ones: return .ones(shape)
        case .constant(let c): return Tensor(shape: shape, repeating: Scalar(c))
        case let .uniform(low, high): return .randomUniform(shape, in: Scalar(low)...Scalar(high), using: &generator)
        case let .normal(mean, std):
            return .randomNormal(shape, mean: Scalar(mean), standardDeviation: Scalar(std), using: &generator)
        case .glorotUniform: return uniform(variance: 1 / fanAverage)
        case .glorotNormal: return normal(variance: 1 / fanAverage)
        case .heUniform: return uniform(variance: 2 / Double(fanIn))
        case .heNormal: return normal(variance: 2 / Double(fanIn))
        case .lecunUniform: return uniform(variance: 1 / Double(fanIn))
        case .lecunNormal: return normal(variance: 1 / Double(fanIn))
        case .orthogonal(let gain):
            return Initializer.orthogonalMatrix(shape, gain: gain, generator: &generator)
        }
    }

    /// Orthonormalises the columns (or rows, whichever are fewer) of a Gaussian matrix by
    /// modified Gram–Schmidt in Double, i.e. the Q of its QR decomposition with R's diagonal positive.
    private static func orthogonalMatrix<Scalar: TensorScalar>(_ shape: [Int], gain: Double,
                                                               generator: inout SeededGenerator) -> Tensor<Scalar> {
        let rows = shape.first ?? 1, columns = shape.dropFirst().reduce(1, *)
        let tall = rows >= columns
        let (n, k) = tall ? (rows, columns) : (columns, rows)   // k vectors of length n
        var vectors = (0..<k).map { _ in (0..<n).map { _ in generator.nextNormal() } }
        for j in 0..<k {
            for i in 0..<j {
                let dot = zip(vectors[i], vectors[j]).map(*).reduce(0, +)
                for t in 0..<n { vectors[j][t] -= dot * vectors[i][t] }
            }
            let norm = vectors[j].map { $0 * $0 }.reduce(0, +).squareRoot()
            for t in 0..<n { vectors[j][t] /= norm }
        }
        var scalars = [Scalar](repeating: 0, count: rows * columns)
        for j in 0..<k {
            for t in 0..<n {
                let (r, c) = tall ? (t, j) : (j, t)
                scalars[r * columns + c] = Scalar(gain * vectors[j][t])
            }
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
