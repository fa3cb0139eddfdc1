/// `y = a ∘ b` element by element with NumPy broadcasting; the gradient of a broadcast operand is
/// the upstream gradient summed back to its shape.
public struct BinaryPrimitive<Scalar: TensorScalar>: Primitive {
    /// The operator.
    public let op: BinaryOperator

    /// Creates the primitive.
    public init(_ op: BinaryOperator) { self.op = op }

    public var name: String { "\(op)" }

    public func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        guard inputShapes.count == 2 else { throw TensorError.invalidArgument("\(name): two inputs expected, got \(inputShapes.count)") }
        guard let shape = Tensor<Scalar>.broadcastShape(inputShapes[0], inputShapes[1]) else {
            throw TensorError.incompatibleShapes(operation: "\(op)", lhs: inputShapes[0], rhs: inputShapes[1])
        }
        return shape
    }

    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? {
        guard let shape = try? outputShape(inputShapes), !shape.isEmpty else { return nil }
        // An operand is cut by rows when it spans the output's batch axis; one broadcast along it is read whole.
        return inputShapes.map { $0.count == shape.count && $0[0] == shape[0] && shape[0] != 1 }
    }

    public func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        let (a, b) = (inputs[0], inputs[1])
        if a.shape == b.shape {
            let flat = [a.count], unit = [1]
            Scalar.combine(op, a.elements, strides: unit, b.elements, strides: unit, shape: flat, into: output.buffer)
        } else {
            Scalar.combine(op, a.elements, strides: Tensor<Scalar>.broadcastStrides(of: a.shape, to: output.shape),
                           b.elements, strides: Tensor<Scalar>.broadcastStrides(of: b.shape, to: output.shape),
                           shape: output.shape, into: output.buffer)
        }
    }

    public func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                         into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        let g = Tensor(upstream)
        let (a, b) = (Tensor(inputs[0]), Tensor(inputs[1]))
        func gradient(_ index: Int) -> Tensor<Scalar> {
            switch (op, index) {
            case (.add, _), (.subtract, 0): return g
            case (.subtract, _): return -g
            case (.multiply, 0): return g * b
            case (.multiply, _): return g * a
            case (.divide, 0): return g / b
            case (.divide, _): return -(g * Tensor(output) / b)
            case (.maximum, _), (.minimum, _):
                // The gradient goes to the operand that was selected (to `a` on ties).
                let pickA = (op == .maximum ? a - b : b - a).mapped(.step)
                return index == 0 ? g * pickA : g * (1 - pickA)
            }
        }
        for index in 0..<2 {
            guard let target = gradients[index], target.count > 0 else { continue }
            gradient(index).summed(toShape: target.shape).withUnsafeBufferPointer {
                copyElements(from: $0.baseAddress!, to: target.pointer, count: target.count)
            }
        }
    }

    public var backwardReadsInputs: Bool { op != .add && op != .subtract }
    public var backwardReadsOutput: Bool { op == .divide }

    public var onnx: ONNXOperator? {
        switch op {
        case .add: ONNXOperator("Add")
        case .subtract: ONNXOperator("Sub")
        case .multiply: ONNXOperator("Mul")
        case .divide: ONNXOperator("Div")
        case .maximum: ONNXOperator("Max")
        case .minimum: ONNXOperator("Min")
        }
    }
}

extension Tensor {
    /// A tensor holding a copy of an operand's elements.
    init(_ operand: Operand<Scalar>) {
        self.init(shape: operand.shape) { _ = $0.initialize(fromContentsOf: operand.elements) }
    }
}
