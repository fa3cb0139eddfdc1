// Differentiable element-wise arithmetic with broadcasting. The gradient of a broadcast operand is
// the upstream gradient summed back to that operand's shape.

extension Variable {
    /// `a ∘ b` with broadcasting (``BinaryPrimitive``).
    public static func combine(_ a: Variable, _ b: Variable, _ op: BinaryOperator) -> Variable {
        applying(BinaryPrimitive(op), to: [a, b])
    }

    public static func + (a: Variable, b: Variable) -> Variable { combine(a, b, .add) }
    public static func - (a: Variable, b: Variable) -> Variable { combine(a, b, .subtract) }
    public static func * (a: Variable, b: Variable) -> Variable { combine(a, b, .multiply) }
    public static func / (a: Variable, b: Variable) -> Variable { combine(a, b, .divide) }
    public static prefix func - (a: Variable) -> Variable { a.applying(.negate) }
    public static func * (a: Variable, c: Scalar) -> Variable { a.applying(.scale(c)) }
    public static func * (c: Scalar, a: Variable) -> Variable { a.applying(.scale(c)) }
    public static func / (a: Variable, c: Scalar) -> Variable { a.applying(.scale(1 / c)) }
    public static func + (a: Variable, c: Scalar) -> Variable { a.applying(.shift(c)) }
    public static func - (a: Variable, c: Scalar) -> Variable { a.applying(.shift(-c)) }
    public static func - (c: Scalar, a: Variable) -> Variable { a.applying(.negate).applying(.shift(c)) }

    /// The element-wise maximum of two variables (broadcasting).
    public func maximum(_ other: Variable) -> Variable { Variable.combine(self, other, .maximum) }
    /// The element-wise minimum of two variables (broadcasting).
    public func minimum(_ other: Variable) -> Variable { Variable.combine(self, other, .minimum) }
}
