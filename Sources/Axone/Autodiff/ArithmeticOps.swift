// Differentiable element-wise arithmetic with broadcasting. The gradient of a broadcast operand is
// the upstream gradient summed back to that operand's shape.

extension Variable {
    /// `a ∘ b` with broadcasting (``BinaryPrimitive``).
    public static func combine(_ a: Variable, _ b: Variable, _ op: BinaryOperator) -> Variable {
        applying(BinaryPrimitive(op), to: [a, b])
    }

    /// The element-wise sum with broadcasting; the gradient of a broadcast operand is summed back to its shape.
    public static func + (a: Variable, b: Variable) -> Variable { combine(a, b, .add) }
    /// The element-wise difference with broadcasting; the gradient of a broadcast operand is summed back to its shape.
    public static func - (a: Variable, b: Variable) -> Variable { combine(a, b, .subtract) }
    /// The element-wise product with broadcasting; the gradient of a broadcast operand is summed back to its shape.
    public static func * (a: Variable, b: Variable) -> Variable { combine(a, b, .multiply) }
    /// The element-wise quotient with broadcasting; the gradient of a broadcast operand is summed back to its shape.
    public static func / (a: Variable, b: Variable) -> Variable { combine(a, b, .divide) }
    /// Every element negated.
    public static prefix func - (a: Variable) -> Variable { a.applying(.negate) }
    /// Every element multiplied by the constant `c`.
    public static func * (a: Variable, c: Scalar) -> Variable { a.applying(.scale(c)) }
    /// Every element multiplied by the constant `c`.
    public static func * (c: Scalar, a: Variable) -> Variable { a.applying(.scale(c)) }
    /// Every element divided by the constant `c`.
    public static func / (a: Variable, c: Scalar) -> Variable { a.applying(.scale(1 / c)) }
    /// The constant `c` added to every element.
    public static func + (a: Variable, c: Scalar) -> Variable { a.applying(.shift(c)) }
    /// The constant `c` subtracted from every element.
    public static func - (a: Variable, c: Scalar) -> Variable { a.applying(.shift(-c)) }
    /// The constant `c` minus every element.
    public static func - (c: Scalar, a: Variable) -> Variable { a.applying(.negate).applying(.shift(c)) }

    /// The element-wise maximum of two variables (broadcasting).
    public func maximum(_ other: Variable) -> Variable { Variable.combine(self, other, .maximum) }
    /// The element-wise minimum of two variables (broadcasting).
    public func minimum(_ other: Variable) -> Variable { Variable.combine(self, other, .minimum) }
}
