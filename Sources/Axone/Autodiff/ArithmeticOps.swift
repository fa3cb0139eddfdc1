// Differentiable element-wise arithmetic with broadcasting. The gradient of a broadcast operand is
// the upstream gradient summed back to that operand's shape.

extension Variable {
    /// `a ∘ b` with broadcasting; each case's pullback follows its forward.
    public static func combine(_ a: Variable, _ b: Variable, _ op: BinaryOperator) -> Variable {
        let out = a.value.combined(with: b.value, op)
        let (av, bv) = (a.value, b.value)
        return Variable(out, inputs: [a, b]) { g in
            let ga: Tensor<Scalar>, gb: Tensor<Scalar>
            switch op {
            case .add: (ga, gb) = (g, g)
            case .subtract: (ga, gb) = (g, -g)
            case .multiply: (ga, gb) = (g * bv, g * av)
            case .divide: (ga, gb) = (g / bv, -(g * out / bv))
            case .maximum, .minimum:
                // The gradient goes to the operand that was selected (to `a` on ties).
                let pickA = (op == .maximum ? av - bv : bv - av).mapped(.step)
                (ga, gb) = (g * pickA, g * (1 - pickA))
            }
            return [ga.summed(toShape: av.shape), gb.summed(toShape: bv.shape)]
        }
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
