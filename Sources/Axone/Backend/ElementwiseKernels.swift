import CAxoneKernels

/// A scalar function applied element by element, with its derivative rule.
///
/// The derivative of `step` and `sign` is zero almost everywhere (their true derivative is a
/// Dirac at 0); they are provided for the perceptron and for teaching, not for gradient descent.
public enum ElementwiseFunction<Scalar: TensorScalar>: Sendable, Hashable {
    /// x.
    case identity
    /// −x.
    case negate
    /// eˣ.
    case exp
    /// The natural logarithm ln x.
    case log
    /// √x.
    case sqrt
    /// x².
    case square
    /// |x|.
    case abs
    /// 1/x.
    case reciprocal
    /// Heaviside step: 1 where x ≥ 0, else 0 (the perceptron's threshold unit).
    case step
    /// −1, 0 or 1 according to the sign of x.
    case sign
    /// The logistic function 1/(1 + e⁻ˣ).
    case sigmoid
    /// The hyperbolic tangent.
    case tanh
    /// max(0, x).
    case relu
    /// x for x > 0, α·x otherwise.
    case leakyRelu(alpha: Scalar)
    /// x for x > 0, α·(eˣ − 1) otherwise.
    case elu(alpha: Scalar)
    /// λ·x for x > 0, λ·α·(eˣ − 1) otherwise, with the self-normalising constants of Klambauer et al. 2017.
    case selu
    /// ln(1 + eˣ), computed without overflow.
    case softplus
    /// x·c for a constant c.
    case scale(Scalar)
    /// x + c for a constant c.
    case shift(Scalar)

    /// SELU's λ (Klambauer et al. 2017; PyTorch and Keras use the same value).
    public static var seluLambda: Scalar { Scalar(1.0507009873554804934193349852946) }
    /// SELU's α.
    public static var seluAlpha: Scalar { Scalar(1.6732632423543772848170429916717) }
}

@inline(__always)
func stableSigmoid<S: TensorScalar>(_ x: S) -> S {
    if x >= 0 { return 1 / (1 + S.exp(-x)) }
    let e = S.exp(x)
    return e / (1 + e)
}

@inline(__always)
func stableSoftplus<S: TensorScalar>(_ x: S) -> S {
    // ln(1 + eˣ) = max(x, 0) + ln(1 + e^(−|x|))
    Swift.max(x, 0) + S.log(onePlus: S.exp(-Swift.abs(x)))
}

extension TensorScalar {
    public static func apply(_ function: ElementwiseFunction<Self>, _ x: UnsafeBufferPointer<Self>,
                             into y: UnsafeMutableBufferPointer<Self>) {
        precondition(x.count == y.count, "elementwise kernel: \(x.count) inputs for \(y.count) outputs")
        let n = x.count
        switch function {
        case .identity: for i in 0..<n { y[i] = x[i] }
        case .negate: for i in 0..<n { y[i] = -x[i] }
        case .exp:
            // Float's in vector registers, to the bits of libm's `expf` (see `axone_exp_f32`); `x`
            // may be `y`.
            if Self.self == Float.self, let px = x.baseAddress, let py = y.baseAddress {
                return axone_exp_f32(px.rebound(to: Float.self), py.rebound(to: Float.self), n)
            }
            for i in 0..<n { y[i] = .exp(x[i]) }
        case .log: for i in 0..<n { y[i] = .log(x[i]) }
        case .sqrt: for i in 0..<n { y[i] = x[i].squareRoot() }
        case .square: for i in 0..<n { y[i] = x[i] * x[i] }
        case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
        case .reciprocal: for i in 0..<n { y[i] = 1 / x[i] }
        case .step: for i in 0..<n { y[i] = x[i] >= 0 ? 1 : 0 }
        case .sign: for i in 0..<n { y[i] = x[i] > 0 ? 1 : (x[i] < 0 ? -1 : 0) }
        case .sigmoid: for i in 0..<n { y[i] = stableSigmoid(x[i]) }
        case .tanh: for i in 0..<n { y[i] = .tanh(x[i]) }
        case .relu:
            // The C kernels run in 256- or 512-bit registers where the CPU has them (same results).
            if let px = x.baseAddress, let py = y.baseAddress {
                if Self.self == Float.self { return axone_relu_f32(px.rebound(to: Float.self), py.rebound(to: Float.self), n) }
                if Self.self == Double.self { return axone_relu_f64(px.rebound(to: Double.self), py.rebound(to: Double.self), n) }
            }
            for i in 0..<n { y[i] = x[i] > 0 ? x[i] : 0 }
        case .leakyRelu(let a): for i in 0..<n { y[i] = x[i] > 0 ? x[i] : a * x[i] }
        case .elu(let a): for i in 0..<n { y[i] = x[i] > 0 ? x[i] : a * .expMinusOne(x[i]) }
        case .selu:
            let l = ElementwiseFunction<Self>.seluLambda, la = l * ElementwiseFunction<Self>.seluAlpha
            for i in 0..<n { y[i] = x[i] > 0 ? l * x[i] : la * .expMinusOne(x[i]) }
        case .softplus: for i in 0..<n { y[i] = stableSoftplus(x[i]) }
        case .scale(let c): for i in 0..<n { y[i] = x[i] * c }
        case .shift(let c): for i in 0..<n { y[i] = x[i] + c }
        }
    }

    // Branches load every operand before choosing (`let g = dy[i]; … ? g : 0`): a load inside one
    // arm of `?:` cannot be if-converted, which keeps LLVM from vectorising the loop.
    public static func applyDerivative(_ function: ElementwiseFunction<Self>, x: UnsafeBufferPointer<Self>,
                                       y: UnsafeBufferPointer<Self>, upstream dy: UnsafeBufferPointer<Self>,
                                       into dx: UnsafeMutableBufferPointer<Self>) {
        precondition(x.count == dx.count && y.count == dx.count && dy.count == dx.count,
                     "elementwise derivative kernel: mismatched buffer sizes")
        let n = dx.count
        switch function {
        case .identity: for i in 0..<n { dx[i] = dy[i] }
        case .negate: for i in 0..<n { dx[i] = -dy[i] }
        case .exp: for i in 0..<n { dx[i] = dy[i] * y[i] }
        case .log: for i in 0..<n { dx[i] = dy[i] / x[i] }
        case .sqrt: for i in 0..<n { dx[i] = dy[i] / (2 * y[i]) }
        case .square: for i in 0..<n { dx[i] = 2 * x[i] * dy[i] }
        case .abs: for i in 0..<n { let g = dy[i]; dx[i] = x[i] > 0 ? g : (x[i] < 0 ? -g : 0) }
        case .reciprocal: for i in 0..<n { dx[i] = -dy[i] * y[i] * y[i] }
        case .step, .sign: for i in 0..<n { dx[i] = 0 }
        case .sigmoid: for i in 0..<n { dx[i] = dy[i] * y[i] * (1 - y[i]) }
        case .tanh: for i in 0..<n { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        case .relu:
            if let px = x.baseAddress, let pdy = dy.baseAddress, let pdx = dx.baseAddress {
                if Self.self == Float.self {
                    return axone_relu_derivative_f32(px.rebound(to: Float.self), pdy.rebound(to: Float.self), pdx.rebound(to: Float.self), n)
                }
                if Self.self == Double.self {
                    return axone_relu_derivative_f64(px.rebound(to: Double.self), pdy.rebound(to: Double.self), pdx.rebound(to: Double.self), n)
                }
            }
            for i in 0..<n { let g = dy[i]; dx[i] = x[i] > 0 ? g : 0 }
        case .leakyRelu(let a): for i in 0..<n { let g = dy[i]; dx[i] = x[i] > 0 ? g : a * g }
        case .elu(let a): for i in 0..<n { let g = dy[i], v = y[i]; dx[i] = x[i] > 0 ? g : g * (v + a) }
        case .selu:
            let l = ElementwiseFunction<Self>.seluLambda, la = l * ElementwiseFunction<Self>.seluAlpha
            for i in 0..<n { let g = dy[i], v = y[i]; dx[i] = x[i] > 0 ? l * g : g * (v + la) }
        case .softplus: for i in 0..<n { dx[i] = dy[i] * stableSigmoid(x[i]) }
        case .scale(let c): for i in 0..<n { dx[i] = dy[i] * c }
        case .shift: for i in 0..<n { dx[i] = dy[i] }
        }
    }
}
