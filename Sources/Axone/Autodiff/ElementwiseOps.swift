extension Variable {
    /// Applies a scalar function element-wise (``ElementwisePrimitive``); the pullback is `dy ⊙ f′(x)`.
    public func applying(_ function: ElementwiseFunction<Scalar>) -> Variable {
        Variable.applying(ElementwisePrimitive(function), to: [self])
    }

    public func exp() -> Variable { applying(.exp) }
    public func log() -> Variable { applying(.log) }
    public func squareRoot() -> Variable { applying(.sqrt) }
    public func squared() -> Variable { applying(.square) }
    public func abs() -> Variable { applying(.abs) }
    /// Logistic sigmoid 1/(1 + e⁻ˣ).
    public func sigmoid() -> Variable { applying(.sigmoid) }
    public func tanh() -> Variable { applying(.tanh) }
    public func relu() -> Variable { applying(.relu) }
    /// Heaviside step; its gradient is zero almost everywhere, so nothing flows back through it.
    public func step() -> Variable { applying(.step) }
}
