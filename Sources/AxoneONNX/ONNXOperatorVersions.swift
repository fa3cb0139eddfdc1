/// The oldest version of the default operator set from which the importer reads each operator.
///
/// An operator keeps its definition until the opset that changes it, so a model of opset 11 uses
/// `Softmax`-11, `Dropout`-10, `Clip`-11, …. From the versions below on, each operator computes for
/// float tensors what the importer computes, given the attributes it reads (`Dropout`'s and
/// `Clip`'s older attributes are the inputs it folds into attributes of the same names; `Softmax`
/// and `LogSoftmax` before opset 13 flatten their input to a matrix, which the importer rebuilds).
/// Older versions differ in ways it does not compute (the `consumed_inputs` and legacy `broadcast`
/// attributes, `Dropout`'s `is_test`, `Reshape`'s shape attribute, `Pad`'s before opset 11), so a
/// node of one of them is refused with the version it needs.
enum ONNXOperatorVersions {
    static let oldest: [String: Int64] = {
        var table: [String: Int64] = [:]
        for op in ["Identity", "Softplus", "MatMul", "Transpose", "Flatten", "Conv", "MaxPool", "AveragePool",
                   "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceSum", "Softmax", "LogSoftmax",
                   "Constant", "Shape", "Gather", "Unsqueeze", "Squeeze"] { table[op] = 1 }
        for op in ["Abs", "Neg", "Exp", "Log", "Sqrt", "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Selu",
                   "HardSigmoid", "Clip", "Cast"] { table[op] = 6 }
        for op in ["Add", "Sub", "Mul", "Div", "PRelu", "Gemm", "Dropout", "BatchNormalization"] { table[op] = 7 }
        table["Concat"] = 4
        table["Reshape"] = 5
        table["Max"] = 8
        table["Min"] = 8
        table["Pad"] = 11
        return table
    }()

    /// Refuses a node whose operator, in the model's `opset`, has a definition older than the importer reads.
    static func check(_ context: ONNXGraphImporter.NodeContext, opset: Int64) throws {
        if let oldest = oldest[context.op], opset < oldest {
            throw context.refuse("opset \(opset) holds an older definition of \(context.op) than the importer reads (from opset \(oldest) on)")
        }
    }
}
