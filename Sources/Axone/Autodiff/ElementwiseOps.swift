extension Variable {
    /// Applies a scalar function element-wise (``ElementwisePrimitive``); the pullback is `dy ⊙ f′(x)`.
    public func applying(_ function: ElementwiseFunction<Scalar>) -> Variable {
        Variable.applying(ElementwisePrimitive(function), to: [self])
    }

    /// The element-wise exponential `eˣ`; its pullback is `dy ⊙ eˣ`.
    public func exp() -> Variable { applying(.exp) }
    /// The element-wise natural logarithm; its pullback is `dy / x`.
    public func log() -> Variable { applying(.log) }
    /// The element-wise square root; its pullback is `dy / (2√x)`.
    public func squareRoot() -> Variable { applying(.sqrt) }
    /// The element-wise square `x²`; its pullback is `2x ⊙ dy`.
    public func squared() -> Variable { applying(.square) }
    /// The element-wise absolute value; its pullback is `sign(x) ⊙ dy`.
    public func abs() -> Variable { applying(.abs) }
    /// Logistic sigmoid 1/(1 + e⁻ˣ).
    public func sigmoid() -> Variable { applying(.sigmoid) }
    /// The element-wise hyperbolic tangent; its pullback is `dy ⊙ (1 − tanh²x)`.
    public func tanh() -> Variable { applying(.tanh) }
    /// The element-wise `max(0, x)`; its pullback passes `dy` where `x > 0`.
    public func relu() -> Variable { applying(.relu) }
    /// Heaviside step; its gradient is zero almost everywhere, so nothing flows back through it.
    public func step() -> Variable { applying(.step) }
}
