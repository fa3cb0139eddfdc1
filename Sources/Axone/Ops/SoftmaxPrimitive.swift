/// Softmax (or log-softmax) over the last axis, max-shifted for stability. Pullback from the
/// output: `dx = y ⊙ (dy − Σ dy⊙y)` (softmax), `dx = dy − softmax(x)·Σ dy` (log-softmax).
public struct SoftmaxPrimitive<Scalar: TensorScalar>: Primitive {
    /// Whether it is the log-softmax.
    public let logarithmic: Bool

    /// Creates the primitive.
    public init(logarithmic: Bool = false) { self.logarithmic = logarithmic }

    public var name: String { logarithmic ? "log_softmax" : "softmax" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 1, !inputShapes[0].isEmpty else {
            throw TensorError.invalidArgument("\(name): needs one input with at least one axis")
        }
        return inputShapes[0]
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { inputShapes[0].count >= 2 ? [true] : nil }

    private func rows(_ shape: [Int]) -> (rows: Int, columns: Int) {
        let columns = shape.last ?? 1
        return (columns == 0 ? 0 : shape.reduce(1, *) / columns, columns)
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        let (rows, columns) = rows(output.shape)
        Scalar.softmaxRows(inputs[0].elements, rows: rows, columns: columns, logarithmic: logarithmic, into: output.buffer)
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0] else { return }
        let (rows, columns) = rows(output.shape)
        Scalar.softmaxRowsDerivative(y: output.elements, upstream: upstream.elements, rows: rows, columns: columns,
                                     logarithmic: logarithmic, into: dx.buffer)
    }

    public var backwardReadsInputs: Bool { false }

    public var onnx: ONNXOperator? { ONNXOperator(logarithmic ? "LogSoftmax" : "Softmax", attributes: ["axis": .int(-1)]) }
}
