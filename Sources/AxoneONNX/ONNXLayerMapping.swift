import Axone

/// The nodes that become Axone's own layers (so that `summary()`, freezing and the exporter see
/// `Dense`, `Activation`, `Conv2D`, … rather than generic operators). Each returns `nil` when the
/// node does not match exactly, and the node is then imported as an ``ONNXOperatorLayer``.
extension ONNXGraphImporter {
    mutating func mapLayer(_ context: NodeContext, inputs: [ImportedValue?], attributes: [String: ONNXAttribute]) throws -> TensorValue? {
        if ONNXOperation.accepted[context.op] != nil {
            _ = try ONNXOperation(node: context.name, type: context.op, attributes: attributes)   // checks the attributes
        }
        guard let x = tensor(inputs.first ?? nil) else { return nil }
        switch context.op {
        case "Gemm": return try gemmDense(context, x, inputs, attributes)
        case "MatMul": return try matmulDense(context, x, inputs)
        case "BatchNormalization": return try batchNormalization(context, x, inputs, attributes)
        case "Flatten":
            guard attributes["axis"] == nil || attributes["axis"] == .int(1) else { return nil }
            return TensorValue(standard: try single(Flatten<Float>(name: layerName(context)), on: try standard(x, for: context.name), context))
        case "Dropout":
            let rate: Double
            switch attributes["ratio"] {
            case nil: rate = 0.5
            case .float(let r)?: rate = r
            default: throw context.refuse(attribute: "ratio", "must be a float")
            }
            guard rate >= 0 && rate < 1 else { throw context.refuse(attribute: "ratio", "is \(rate), outside [0, 1)") }
            // In training mode a non-zero ratio drops elements at inference too: an operator layer
            // computes it (with the mask of the `seed` attribute, as ONNX's reference does).
            guard rate == 0 || attributes["training_mode"] == nil || attributes["training_mode"] == .int(0) else { return nil }
            let dropout = try Dropout<Float>(rate: rate, name: layerName(context))
            return try elementwise(dropout, x, context)
        case "Conv": return try convolution(context, x, inputs, attributes)
        case "MaxPool", "AveragePool": return try pooling(context, x, attributes)
        default:
            guard let activation = try activation(context, x, attributes) else { return nil }
            return try elementwise(ActivationLayer<Float>(activation, name: layerName(context)), x, context)
        }
    }

    /// The ``Activation`` an activation node computes exactly, if any.
    private func activation(_ context: NodeContext, _ x: TensorValue, _ attributes: [String: ONNXAttribute]) throws -> Activation? {
        func alpha(_ fallback: Double) -> Double {
            if case .float(let a)? = attributes["alpha"] { return a }
            return fallback
        }
        switch context.op {
        case "Relu": return .relu
        case "Sigmoid": return .sigmoid
        case "Tanh": return .tanh
        case "Softplus": return .softplus
        case "LeakyRelu": return .leakyRelu(alpha: alpha(0.01))
        case "Elu": return .elu(alpha: alpha(1))
        case "Selu": return attributes.isEmpty ? .selu : nil
        case "Softmax", "LogSoftmax":
            // Axone's softmax is over the last axis of ONNX's layout, not the batch axis.
            guard let rank = x.standard.map({ $0.symbol.shape.count + 1 }), rank >= 2 else { return nil }
            let axis: Int
            switch attributes["axis"] {
            case nil: axis = -1
            case .int(let a)?: axis = a
            default: return nil
            }
            guard axis == -1 || axis == rank - 1 else { return nil }
            return context.op == "Softmax" ? .softmax : .logSoftmax
        default: return nil
        }
    }

    /// An element-wise layer applied in whichever layout `x` already has (channels-last first).
    private mutating func elementwise(_ layer: Layer<Float>, _ x: TensorValue, _ context: NodeContext) throws -> TensorValue {
        if let nhwc = x.channelsLast {
            return TensorValue(channelsLast: try single(layer, on: nhwc, context))
        }
        return TensorValue(standard: try single(layer, on: x.standard!, context))
    }

    /// Calls a built-in one-input layer; its output keeps the input's batch size.
    func single(_ layer: Layer<Float>, on input: ImportedTensor, _ context: NodeContext) throws -> ImportedTensor {
        ImportedTensor(symbol: try call(layer, on: [input.symbol], node: context.name, op: context.op), batch: input.batch,
                       symbolicBatch: input.symbolicBatch)
    }

    /// The float constant at `position`, if there is one.
    func floatConstant(_ inputs: [ImportedValue?], _ position: Int) -> Tensor<Float>? {
        guard position < inputs.count, case .constant(.float(let t))? = inputs[position] else { return nil }
        return t
    }

    /// The name of the initializer or value at `position` of the node.
    func inputName(_ context: NodeContext, _ position: Int) -> String? {
        position < context.node.input.count ? context.node.input[position] : nil
    }

    // MARK: Dense

    /// `Gemm(x, W, b)` with α = β = 1, x not transposed, W constant, b absent or a constant row.
    private mutating func gemmDense(_ context: NodeContext, _ x: TensorValue, _ inputs: [ImportedValue?],
                                    _ attributes: [String: ONNXAttribute]) throws -> TensorValue? {
        guard let input = x.standard, input.symbol.shape.count == 1, let b = floatConstant(inputs, 1), b.rank == 2,
              (attributes["alpha"] ?? .float(1)) == .float(1), (attributes["transA"] ?? .int(0)) == .int(0) else { return nil }
        let transposed = (attributes["transB"] ?? .int(0)) == .int(1)
        let weight = transposed ? b.transposed() : b
        guard weight.shape[0] == input.symbol.shape[0] else { return nil }
        var bias: Tensor<Float>?
        if inputs.count > 2, inputs[2] != nil {
            guard let c = floatConstant(inputs, 2), (attributes["beta"] ?? .float(1)) == .float(1),
                  c.shape == [weight.shape[1]] || c.shape == [1, weight.shape[1]] else { return nil }
            bias = c.reshaped([weight.shape[1]])
        }
        return TensorValue(standard: try dense(context, input, weight: weight, bias: bias, weightName: inputName(context, 1)))
    }

    /// `MatMul(x, W)` with W a constant matrix, fused with the `Add` of a constant bias that alone reads it.
    private mutating func matmulDense(_ context: NodeContext, _ x: TensorValue, _ inputs: [ImportedValue?]) throws -> TensorValue? {
        guard let input = x.standard, input.symbol.shape.count == 1, let weight = floatConstant(inputs, 1), weight.rank == 2,
              weight.shape[0] == input.symbol.shape[0] else { return nil }
        let output = context.node.output[0], units = weight.shape[1]
        var bias: Tensor<Float>?, addOutput: String?
        if readerCount(output) == 1,
           let add = graph.node.indices.first(where: { graph.node[$0].opType == "Add" && graph.node[$0].input.contains(output) }),
           graph.node[add].input.count == 2, graph.node[add].output.count == 1 {
            let other = graph.node[add].input.first { $0 != output }
            if let other, case .constant(.float(let c))? = values[other], c.shape == [units] || c.shape == [1, units] {
                bias = c.reshaped([units])
                addOutput = graph.node[add].output[0]
                markFused(add)
            }
        }
        let result = TensorValue(standard: try dense(context, input, weight: weight, bias: bias, weightName: inputName(context, 1)))
        if let addOutput { setValue(.tensor(result), for: addOutput) }
        return result
    }

    /// A ``Dense`` layer holding `weight` `[inputs, units]` and `bias`, called on `input`.
    private mutating func dense(_ context: NodeContext, _ input: ImportedTensor, weight: Tensor<Float>, bias: Tensor<Float>?,
                                weightName: String?) throws -> ImportedTensor {
        let layer = Dense<Float>(weight.shape[1], useBias: bias != nil, name: layerName(context, weight: weightName))
        let output = try single(layer, on: input, context)
        layer.weight?.value = weight
        if let bias { layer.bias?.value = bias }
        return output
    }

    // MARK: Batch normalisation

    /// A 2-D `BatchNormalization` (`[N, C]`) with constant parameters: Axone's ``BatchNormalization``.
    private mutating func batchNormalization(_ context: NodeContext, _ x: TensorValue, _ inputs: [ImportedValue?],
                                             _ attributes: [String: ONNXAttribute]) throws -> TensorValue? {
        guard let input = x.standard, input.symbol.shape.count == 1 else { return nil }
        let parameters = (1...4).compactMap { floatConstant(inputs, $0) }
        guard parameters.count == 4, parameters.allSatisfy({ $0.shape == input.symbol.shape }),
              (attributes["training_mode"] ?? .int(0)) == .int(0) else { return nil }
        var epsilon = 1e-5, momentum = 0.9
        if case .float(let e)? = attributes["epsilon"] { epsilon = e }
        if case .float(let m)? = attributes["momentum"] { momentum = m }
        guard epsilon > 0, momentum >= 0, momentum <= 1 else { return nil }
        // ONNX weighs the running value by `momentum`; Axone (like PyTorch) weighs the batch.
        let layer = try BatchNormalization<Float>(momentum: 1 - momentum, epsilon: epsilon, name: layerName(context, weight: inputName(context, 1)))
        let output = try single(layer, on: input, context)
        layer.gamma?.value = parameters[0]
        layer.beta?.value = parameters[1]
        layer.runningMean?.value = parameters[2]
        layer.runningVariance?.value = parameters[3]
        return TensorValue(standard: output)
    }
}
