import Axone

/// A tensor of the imported model: a symbolic tensor, the size its leading (batch) axis had in
/// the ONNX file (1 where it was symbolic), which ``ONNXOperatorLayer`` needs to find shapes, and
/// whether that axis is symbolic (computed from a graph input of any batch size).
struct ImportedTensor {
    let symbol: SymbolicTensor<Float>
    let batch: Int
    let symbolicBatch: Bool
}

/// A value of the graph computed by the model, in ONNX's layout (`standard`, NCHW for images),
/// channels-last (`channelsLast`, NHWC, what the convolution layers read), or both; the other one
/// is made by a `Transpose` layer when a consumer first asks for it.
final class TensorValue {
    var standard: ImportedTensor?
    var channelsLast: ImportedTensor?

    init(standard: ImportedTensor? = nil, channelsLast: ImportedTensor? = nil) {
        (self.standard, self.channelsLast) = (standard, channelsLast)
    }
}

/// A value of the graph: known at import, or computed by the model.
enum ImportedValue {
    case constant(ONNXConstant)
    case tensor(TensorValue)
}

/// Walks an ONNX graph in topological order and calls Axone layers on symbolic tensors for its
/// nodes (see ``ONNXImport`` for how each operator is represented).
struct ONNXGraphImporter {
    let graph: Onnx_GraphProto
    private(set) var values: [String: ImportedValue] = [:]
    /// How many node inputs and graph outputs read each value (to fuse `MatMul` + `Add`).
    private let readers: [String: Int]
    /// The nodes already imported as part of an earlier one (the `Add` of a fused `MatMul`).
    private var fused: Set<Int> = []
    private var layerNames: Set<String> = []
    /// The values the model outputs, by ONNX name.
    private let outputs: [String]
    /// The version of the default operator set the graph uses.
    let opset: Int64

    init(graph: Onnx_GraphProto, opset: Int64, outputs: [String]) {
        self.graph = graph
        self.opset = opset
        self.outputs = outputs
        var readers: [String: Int] = [:]
        for node in graph.node { for input in node.input where !input.isEmpty { readers[input, default: 0] += 1 } }
        for output in outputs { readers[output, default: 0] += 1 }
        self.readers = readers
    }

    /// Imports the nodes in `order` and makes the model.
    mutating func makeModel(order: [Int], name: String?) throws -> Model<Float> {
        for initializer in graph.initializer { values[initializer.name] = .constant(try ONNXConstant(initializer)) }
        var inputs: [SymbolicTensor<Float>] = []
        for input in graph.input where values[input.name] == nil {
            let tensor = try makeInput(input)
            inputs.append(tensor.symbol)
            values[input.name] = .tensor(TensorValue(standard: tensor))
        }
        guard !inputs.isEmpty else { throw ONNXImportError.invalidGraph("the graph has no input that is not an initializer") }
        for index in order where !fused.contains(index) {
            let node = graph.node[index]
            let context = NodeContext(node: node, name: ONNXGraphValidation.name(of: node, index), index: index)
            try importNode(context)
        }
        var outputs: [SymbolicTensor<Float>] = []
        guard !self.outputs.isEmpty else { throw ONNXImportError.invalidGraph("the model needs at least one output") }
        for output in self.outputs {
            guard case .tensor(let value)? = values[output] else {
                throw ONNXImportError.invalidGraph(values[output] == nil ? "the graph has no value '\(output)' to output"
                    : "the output '\(output)' is a constant; Axone models compute their outputs from inputs")
            }
            var tensor = try standard(value, for: output)
            if inputs.contains(where: { $0 === tensor.symbol }) || outputs.contains(where: { $0 === tensor.symbol }) {
                // A model output must come from a layer call of its own.
                tensor = try callOperator(try ONNXOperation(node: output, type: "Identity", attributes: [:]),
                                          inputs: [.tensor(tensor)], name: unique("\(output)_output"))
            }
            outputs.append(tensor.symbol)
        }
        do {
            return try Model(inputs: inputs, outputs: outputs, name: name)
        } catch let error as LayerError {
            throw ONNXImportError.invalidGraph("\(error)")
        }
    }

    /// An `Input` for a graph input: float32, leading axis free, other dimensions fixed.
    private mutating func makeInput(_ input: Onnx_ValueInfoProto) throws -> ImportedTensor {
        func refuse(_ reason: String) -> ONNXImportError { .unsupportedTensor(name: input.name, reason: reason) }
        guard input.type.tensorType.elemType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
            throw refuse("is a graph input of element type \(input.type.tensorType.elemType); the importer reads float32 inputs")
        }
        guard input.type.tensorType.hasShape else { throw refuse("has no shape") }
        let dims = input.type.tensorType.shape.dim
        guard let first = dims.first else { throw refuse("is a scalar; Axone model inputs have a batch axis") }
        var shape: [Int] = []
        for dim in dims.dropFirst() {
            guard case .dimValue(let d)? = dim.value, d >= 0, d <= Int64(ONNXImport.maximumElements) else {
                throw refuse("has a dynamic or invalid dimension after the batch axis (\(dims.map(\.dimValue)))")
            }
            shape.append(Int(d))
        }
        var batch = 1, symbolic = true
        if case .dimValue(let d)? = first.value {
            guard d >= 0, d <= Int64(ONNXImport.maximumElements) else { throw refuse("has batch dimension \(d)") }
            (batch, symbolic) = (Int(d), false)
        }
        try ONNXImport.checkSize([batch] + shape, name: input.name)
        return ImportedTensor(symbol: Input<Float>(shape: shape, name: unique(input.name)), batch: batch, symbolicBatch: symbolic)
    }

    // MARK: Nodes

    /// A node being imported, with its name for messages.
    struct NodeContext {
        let node: Onnx_NodeProto
        let name: String
        let index: Int
        var op: String { node.opType }

        func refuse(_ reason: String) -> ONNXImportError { .unsupportedInput(node: name, op: op, reason: reason) }
        func refuse(attribute: String, _ reason: String) -> ONNXImportError {
            .unsupportedAttribute(node: name, op: op, attribute: attribute, reason: reason)
        }
    }

    private mutating func importNode(_ context: NodeContext) throws {
        let node = context.node
        guard node.domain.isEmpty || node.domain == "ai.onnx", ONNXImport.supportedOperators.contains(node.opType) else {
            throw ONNXImportError.unsupportedOperator(node: context.name, op: node.opType, domain: node.domain)
        }
        guard let output = node.output.first, !output.isEmpty else { throw context.refuse("has no output") }
        var attributes: [String: ONNXAttribute] = [:]
        for proto in node.attribute {
            if let value = try ONNXAttribute.decode(proto, node: context.name, op: node.opType) { attributes[proto.name] = value }
        }
        try ONNXOperatorVersions.check(context, opset: opset)
        // The outputs up to the last one read: BatchNormalization's running statistics in training
        // mode; Dropout's mask and MaxPool's indices (integer tensors) are refused.
        let outputCount = (node.output.lastIndex { !$0.isEmpty && readers[$0, default: 0] > 0 } ?? 0) + 1
        if outputCount > 1, node.opType != "BatchNormalization" {
            throw context.refuse("its output '\(node.output[outputCount - 1])' is used; only the first output is supported")
        }
        let inputs: [ImportedValue?] = try node.input.map { name in
            guard !name.isEmpty else { return nil }
            guard let value = values[name] else { throw context.refuse("reads '\(name)' before it is computed") }
            return value
        }
        if node.opType == "Constant" {
            values[output] = .constant(try constantNode(context, attributes: attributes))
        } else if let folded = try foldShape(context, inputs: inputs, attributes: attributes) {
            values[output] = .constant(.integers(folded))
        } else {
            let results = try importOperator(context, inputs: inputs, attributes: attributes, outputCount: outputCount)
            for (name, value) in zip(node.output, results) where !name.isEmpty { values[name] = value }
        }
    }

    /// `Constant`: its one value attribute.
    private func constantNode(_ context: NodeContext, attributes: [String: ONNXAttribute]) throws -> ONNXConstant {
        if let tensor = context.node.attribute.first(where: { $0.name == "value" && $0.type == .tensor }) {
            return try ONNXConstant(tensor.t)
        }
        switch (attributes.count, attributes.first) {
        case (1, let (key, .float(v))?) where key == "value_float": return .float(Tensor(Float(v)))
        case (1, let (key, .floats(v))?) where key == "value_floats": return .float(Tensor(shape: [v.count], scalars: v.map(Float.init)))
        case (1, let (key, .int(v))?) where key == "value_int": return .integers(ONNXIntegers(shape: [], values: [Int64(v)]))
        case (1, let (key, .ints(v))?) where key == "value_ints": return .integers(ONNXIntegers(shape: [v.count], values: v.map(Int64.init)))
        default: throw context.refuse(attribute: attributes.keys.sorted().first ?? "value", "is not a supported constant")
        }
    }

    /// The float tensor of a value that must be computed (not a constant).
    func tensor(_ value: ImportedValue?) -> TensorValue? {
        if case .tensor(let tensor)? = value { return tensor }
        return nil
    }

    // MARK: Layouts

    /// `value` in ONNX's layout, transposing it back from channels-last if needed.
    mutating func standard(_ value: TensorValue, for name: String) throws -> ImportedTensor {
        if let standard = value.standard { return standard }
        let nhwc = value.channelsLast!   // a value has at least one layout
        let transposed = try callOperator(try ONNXOperation(node: name, type: "Transpose", attributes: ["perm": .ints([0, 3, 1, 2])]),
                                          inputs: [.tensor(nhwc)], name: unique("\(name)_nchw"))
        value.standard = transposed
        return transposed
    }

    /// `value` channels-last, transposing a rank-4 NCHW value if needed.
    mutating func channelsLast(_ value: TensorValue, for context: NodeContext) throws -> ImportedTensor {
        if let nhwc = value.channelsLast { return nhwc }
        let nchw = value.standard!
        guard nchw.symbol.shape.count == 3 else {
            throw context.refuse("needs an image batch [N, C, H, W], got [N, \(nchw.symbol.shape.map(String.init).joined(separator: ", "))]")
        }
        let transposed = try callOperator(try ONNXOperation(node: context.name, type: "Transpose", attributes: ["perm": .ints([0, 2, 3, 1])]),
                                          inputs: [.tensor(nchw)], name: unique("\(context.name)_nhwc"))
        value.channelsLast = transposed
        return transposed
    }

    // MARK: Layers

    /// An input of an ``ONNXOperatorLayer``: a tensor it is called on, or a constant it holds.
    enum OperatorInput {
        case tensor(ImportedTensor)
        case constant(Tensor<Float>)
        case absent
    }

    /// Calls an ``ONNXOperatorLayer`` named `name` (unique already) computing `operation` on `inputs`.
    /// - Throws: ``ONNXImportError/unsupportedInput(node:op:reason:)`` when the operation would mix
    ///   the examples of a symbolic batch (see ``ONNXOperation/keepsExamplesApart(_:)``).
    mutating func callOperator(_ operation: ONNXOperation, inputs: [OperatorInput], name: String) throws -> ImportedTensor {
        try callOperator(operation, inputs: inputs, name: name, outputCount: 1)[0]
    }

    /// Calls an ``ONNXOperatorLayer`` giving the operation's first `outputCount` outputs.
    mutating func callOperator(_ operation: ONNXOperation, inputs: [OperatorInput], name: String,
                               outputCount: Int) throws -> [ImportedTensor] {
        var sources: [ONNXInputSource] = [], shapes: [[Int]?] = [], constants: [Int: Tensor<Float>] = [:]
        var tensors: [ImportedTensor] = []
        for (position, input) in inputs.enumerated() {
            switch input {
            case .tensor(let tensor):
                sources.append(.tensor); shapes.append(nil); tensors.append(tensor)
            case .constant(let value):
                let statistic = operation.type == "BatchNormalization" && position >= 3
                sources.append(statistic ? .statistic : .parameter); shapes.append(value.shape); constants[position] = value
            case .absent:
                sources.append(.absent); shapes.append(nil)
            }
        }
        let layer = try ONNXOperatorLayer<Float>(operation: operation, sources: sources, constantShapes: shapes,
                                                 exampleBatches: tensors.map(\.batch), outputCount: outputCount,
                                                 constants: constants, name: name)
        let symbols = try callAll(layer, on: tensors.map(\.symbol), node: operation.node, op: operation.type)
        let symbolic = tensors.contains(where: \.symbolicBatch)
        if symbolic, layer.requiredBatchSize != nil {
            throw ONNXImportError.unsupportedInput(node: operation.node, op: operation.type, reason:
                "mixes the examples of a batch along the symbolic batch axis; an Axone model computes each example on its own")
        }
        return zip(symbols, layer.exampleOutputBatches).map { ImportedTensor(symbol: $0, batch: $1, symbolicBatch: symbolic) }
    }

    /// Calls a one-output `layer` on symbolic tensors (see ``callAll(_:on:node:op:)``).
    func call(_ layer: Layer<Float>, on inputs: [SymbolicTensor<Float>], node: String, op: String) throws -> SymbolicTensor<Float> {
        try callAll(layer, on: inputs, node: node, op: op)[0]
    }

    /// Calls `layer` on symbolic tensors, turning Axone's errors into import errors naming the node;
    /// an output of more than ``ONNXImport/maximumElements`` per example is refused.
    func callAll(_ layer: Layer<Float>, on inputs: [SymbolicTensor<Float>], node: String, op: String) throws -> [SymbolicTensor<Float>] {
        do {
            let outputs = try layer.applied(to: inputs)
            for output in outputs { try ONNXImport.checkSize([1] + output.shape, name: "\(node) (\(op)) output") }
            return outputs
        } catch let error as ONNXImportError {
            throw error
        } catch {
            throw ONNXImportError.unsupportedInput(node: node, op: op, reason: "\(error)")
        }
    }

    /// `base` made unique among the layer and input names (`base_2`, `base_3`, … on a clash).
    mutating func unique(_ base: String) -> String {
        let base = base.isEmpty ? "layer" : base
        var candidate = base, n = 1
        while layerNames.contains(candidate) { n += 1; candidate = "\(base)_\(n)" }
        layerNames.insert(candidate)
        return candidate
    }

    /// A layer name for a node: after its weight's initializer (`fc1.weight` → `fc1`), else the node's name.
    mutating func layerName(_ context: NodeContext, weight: String? = nil) -> String {
        if let weight, weight.hasSuffix(".weight"), weight.count > 7 { return unique(String(weight.dropLast(7))) }
        return unique(context.node.name.isEmpty ? "\(context.op.lowercased())_\(context.index)" : context.node.name)
    }

    /// Sets the value of `name` computed along with another node (the `Add` of a fused `MatMul`).
    mutating func setValue(_ value: ImportedValue, for name: String) { values[name] = value }

    /// Records that the node `index` was imported along with another one.
    mutating func markFused(_ index: Int) { fused.insert(index) }

    /// How many nodes and graph outputs read `name`.
    func readerCount(_ name: String) -> Int { readers[name, default: 0] }
}
