/// What an operator input is, for ``ONNXOperation/keepsExamplesApart(_:)``: a tensor with the
/// shape of one example (no batch axis), a constant with its full shape, or nothing.
enum ONNXOperandShape {
    case tensor([Int])
    case constant([Int])
    case absent
}

/// An Axone model computes each example of a batch on its own (`predict` and `fit` cut the data
/// into batches of their own choosing), so an operator on a symbolic batch axis must too: one
/// that mixes examples — a reduction, softmax, concatenation or transpose over axis 0, a reshape
/// or product that folds it into other axes, a constant whose first axis would broadcast against
/// it — is refused rather than imported with answers that depend on the batch size.
extension ONNXOperation {
    /// Whether every example of the result (along axis 0) depends on the same example of the
    /// tensor inputs alone.
    func keepsExamplesApart(_ operands: [ONNXOperandShape]) throws -> Bool {
        var tensors: [[Int]] = [], constants: [[Int]] = []
        for operand in operands {
            switch operand {
            case .tensor(let shape): tensors.append(shape)
            case .constant(let shape): constants.append(shape)
            case .absent: break
            }
        }
        guard let x = tensors.first else { return true }
        let rank = x.count + 1
        // A constant broadcast against the tensors must not reach their batch axis with a size other than 1.
        let constantsBroadcast = constants.allSatisfy { $0.count < rank || $0.first == 1 }
        let tensorAtZeroOnly: Bool = { if case .tensor = operands[0] { tensors.count == 1 } else { false } }()
        let training = try int("training_mode", default: 0) != 0
        switch type {
        case "BatchNormalization", "Dropout":
            // In training mode: batch statistics, or one mask drawn over the whole tensor.
            return tensorAtZeroOnly && !training
        case "Add", "Sub", "Mul", "Div", "Max", "Min", "PRelu":
            return tensors.allSatisfy { $0.count == x.count } && constantsBroadcast
        case "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Abs", "Neg", "Softplus", "Identity", "LeakyRelu", "Elu",
             "Selu", "HardSigmoid", "Clip", "GlobalAveragePool", "GlobalMaxPool", "MaxPool", "AveragePool", "Conv":
            return tensorAtZeroOnly
        case "Softmax", "LogSoftmax":
            return try axis(try int("axis", default: -1), rank: rank, attribute: "axis") != 0
        case "Concat":
            guard case .int(let a)? = attributes["axis"] else { return false }
            return try constants.isEmpty && axis(a, rank: rank, attribute: "axis") != 0
        case "Flatten":
            return try axis(try int("axis", default: 1), rank: rank, attribute: "axis", inclusive: true) >= 1
        case "Transpose":
            return (try ints("perm") ?? Array((0..<rank).reversed())).first == 0
        case "ReduceMean", "ReduceSum":
            let axes = try ints("axes") ?? []
            if axes.isEmpty { return try int("noop_with_empty_axes", default: 0) != 0 }
            return try axes.allSatisfy { try axis($0, rank: rank, attribute: "axes") != 0 }
        case "Reshape":
            guard let target = try ints("shape"), let first = target.first, try int("allowzero", default: 0) == 0 else { return false }
            // Copy the batch axis, or infer it when the other dimensions hold one example exactly.
            if first == 0 { return true }
            let rest = Array(target.dropFirst())
            return first == -1 && !rest.contains(-1) && !rest.contains(0) && rest.reduce(1, *) == x.reduce(1, *)
        case "MatMul":
            return tensorAtZeroOnly && rank >= 2 && constantsBroadcast
        case "Gemm":
            return try tensorAtZeroOnly && int("transA", default: 0) == 0 && constantsBroadcast
        case "Pad":
            guard let pads = try ints("pads") else { return false }
            let axes = try (ints("axes") ?? Array(0..<rank)).map { try axis($0, rank: rank, attribute: "axes") }
            guard pads.count == 2 * axes.count, let zero = axes.firstIndex(of: 0) else { return tensorAtZeroOnly }
            return tensorAtZeroOnly && pads[zero] == 0 && pads[zero + axes.count] == 0
        default:
            return false
        }
    }
}
