import Axone

/// How a computing node is imported: its constant integer inputs folded into attributes, then an
/// Axone layer where one matches, else one ``ONNXOperatorLayer``; a node on constants only is
/// evaluated at import.
extension ONNXGraphImporter {
    /// The integer (or, for `Clip`, float) constant inputs that become attributes, by operator and position.
    private static let foldedInputs: [String: [Int: String]] = [
        "Reshape": [1: "shape"], "ReduceMean": [1: "axes"], "ReduceSum": [1: "axes"],
        "Clip": [1: "min", 2: "max"], "Dropout": [1: "ratio", 2: "training_mode"],
        "Pad": [1: "pads", 2: "constant_value", 3: "axes"],
    ]

    /// The values of the node's first `outputCount` outputs.
    mutating func importOperator(_ context: NodeContext, inputs: [ImportedValue?],
                                 attributes: [String: ONNXAttribute], outputCount: Int) throws -> [ImportedValue] {
        var attributes = attributes
        var operands = inputs
        for (position, key) in Self.foldedInputs[context.op] ?? [:] where position < inputs.count {
            switch inputs[position] {
            case .constant(.integers(let v))?:
                attributes[key] = try foldedIntegers(v, key: key, context)
                operands[position] = nil
            case .constant(.float(let t))? where ["Clip", "Dropout", "Pad"].contains(context.op):
                guard t.count == 1 else { throw context.refuse(attribute: key, "must be a scalar, got shape \(t.shape)") }
                attributes[key] = .float(Double(t.scalars[0]))
                operands[position] = nil
            default: break
            }
        }
        for (position, operand) in operands.enumerated() {
            if case .constant(.integers)? = operand {
                throw context.refuse("input \(position) is an integer tensor; integers are supported only as shapes and axes")
            }
        }
        if context.op == "Identity" || context.op == "Cast", let value = operands.first ?? nil {
            if context.op == "Cast", attributes["to"] != .int(Onnx_TensorProto.DataType.float.rawValue) {
                throw context.refuse(attribute: "to", "only casts of float32 to float32 and between integers are supported")
            }
            return [value]
        }
        if operands.allSatisfy({ tensor($0) == nil }) {
            return try evaluate(context, operands, attributes: attributes, outputCount: outputCount).map { .constant(.float($0)) }
        }
        if opset < 13, ["Softmax", "LogSoftmax"].contains(context.op), let x = tensor(operands.first ?? nil),
           let decomposed = try coercedSoftmax(context, x, attributes: &attributes) {
            return [.tensor(decomposed)]
        }
        if outputCount == 1, let mapped = try mapLayer(context, inputs: operands, attributes: attributes) { return [.tensor(mapped)] }
        let operation = try ONNXOperation(node: context.name, type: context.op, attributes: attributes)
        let results = try callOperator(operation, inputs: try operatorInputs(operands, context), name: layerName(context),
                                       outputCount: outputCount)
        return results.map { .tensor(TensorValue(standard: $0)) }
    }

    /// `Softmax` and `LogSoftmax` before opset 13, which flatten their input to a matrix at `axis`
    /// (default 1) and normalise its rows: over the last axis that is the opset-13 operator (the
    /// axis is written in `attributes`, and `nil` returned); over several, a `Flatten`, the
    /// operator over the last axis, and a `Reshape` back.
    private mutating func coercedSoftmax(_ context: NodeContext, _ x: TensorValue,
                                         attributes: inout [String: ONNXAttribute]) throws -> TensorValue? {
        let input = try standard(x, for: context.name)
        let operation = try ONNXOperation(node: context.name, type: context.op, attributes: attributes)
        let rank = input.symbol.shape.count + 1
        let axis = try operation.axis(try operation.int("axis", default: 1), rank: rank, attribute: "axis")
        attributes["axis"] = .int(axis)
        guard axis != rank - 1 else { return nil }
        let name = layerName(context)
        func step(_ type: String, _ attributes: [String: ONNXAttribute], _ x: ImportedTensor, _ name: String) throws -> ImportedTensor {
            try callOperator(try ONNXOperation(node: context.name, type: type, attributes: attributes), inputs: [.tensor(x)], name: name)
        }
        let rows = try step("Flatten", ["axis": .int(axis)], input, unique("\(name)_flatten"))
        let normalized = try step(context.op, ["axis": .int(-1)], rows, name)
        return TensorValue(standard: try step("Reshape", ["shape": .ints([-1] + input.symbol.shape)], normalized, unique("\(name)_reshape")))
    }

    /// A folded integer input as an attribute; a symbolic batch size may only start a `Reshape` target.
    private func foldedIntegers(_ v: ONNXIntegers, key: String, _ context: NodeContext) throws -> ONNXAttribute {
        var values = v.values
        if key == "shape", values.first == ONNXIntegers.batch { values[0] = 0 }
        guard !values.contains(ONNXIntegers.batch) else {
            throw context.refuse(attribute: key, "depends on the batch size other than as the first dimension of a Reshape")
        }
        guard values.allSatisfy({ Int64(Int.min) < $0 }) else { throw context.refuse(attribute: key, "is out of range") }
        return key == "training_mode" && values.count == 1 ? .int(Int(values[0])) : .ints(values.map { Int($0) })
    }

    /// The inputs of an operator layer: tensors in ONNX's layout, float constants, absent inputs.
    mutating func operatorInputs(_ operands: [ImportedValue?], _ context: NodeContext) throws -> [OperatorInput] {
        var result: [OperatorInput] = []
        for operand in operands {
            switch operand {
            case nil: result.append(.absent)
            case .constant(.float(let t))?: result.append(.constant(t))
            case .constant(.integers)?: throw context.refuse("integer tensors are supported only as shapes and axes")
            case .tensor(let value)?: result.append(.tensor(try standard(value, for: context.name)))
            }
        }
        return result
    }

    /// A node whose inputs are all constants, computed at import.
    private func evaluate(_ context: NodeContext, _ operands: [ImportedValue?], attributes: [String: ONNXAttribute],
                          outputCount: Int) throws -> [Tensor<Float>] {
        let constants: [Variable<Float>?] = operands.map { operand in
            if case .constant(.float(let t))? = operand { return Variable(t) }
            return nil
        }
        guard ONNXOperation.accepted[context.op] != nil else { throw context.refuse("is not supported on constants only") }
        let operation = try ONNXOperation(node: context.name, type: context.op, attributes: attributes)
        return try withoutGradients { try operation.apply(constants, outputCount: outputCount) }.map(\.value)
    }
}
