/// The same elements with another shape (one axis of the target may be −1, inferred); the
/// pullback reshapes the gradient back. A view: the tape and the compiled programs share the
/// input's storage instead of copying it.
public struct ReshapePrimitive<Scalar: TensorScalar>: Primitive {
    /// The target shape as asked (−1 for an inferred axis).
    public let shape: [Int]

    /// Creates the primitive.
    public init(_ shape: [Int]) { self.shape = shape }

    public var name: String { "reshape" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1 else { throw TensorError.invalidArgument("reshape: one input expected, got \(inputShapes.count)") }
        let count = inputShapes[0].reduce(1, *)
        var resolved = shape
        if let hole = shape.firstIndex(of: -1) {
            let known = shape.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.invalidArgument("reshape: cannot view \(count) elements of shape \(inputShapes[0]) as \(shape)")
            }
            resolved[hole] = count / known
        }
        guard resolved.allSatisfy({ $0 >= 0 }), resolved.reduce(1, *) == count else {
            throw TensorError.invalidArgument("reshape: cannot view \(count) elements of shape \(inputShapes[0]) as \(shape)")
        }
        return resolved
    }

    /// Row-local: the flat order is kept, so each example's elements stay one block (the compiler
    /// checks that both sides hold whole examples along their first axis).
    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { [true] }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        guard output.count > 0, output.pointer != inputs[0].pointer else { return }
        copyElements(from: inputs[0].pointer, to: output.pointer, count: output.count)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0, dx.pointer != upstream.pointer else { return }
        copyElements(from: upstream.pointer, to: dx.pointer, count: dx.count)
    }

    public var backwardReadsInputs: Bool { false }
    public var backwardReadsOutput: Bool { false }
    public var isView: Bool { true }

    public var onnx: ONNXOperator? { ONNXOperator("Reshape", constantInputs: [.int64s(shape)]) }
}
