import Axone
import Foundation

/// The export of an imported ``ONNXOperatorLayer``: its operator again, with its attributes, its
/// constants as initializers named after the layer's parameters (`<path>.parameter1`), and the
/// attributes folded from constant inputs at import (`Reshape`'s shape, `ReduceSum`'s axes,
/// `Clip`'s bounds, `Pad`'s pads and value) written back as inputs, as the exporter's opset 17 wants them.
extension GraphBuilder {
    /// The folded attributes that opset 17 takes as inputs, by operator: (attribute, input position).
    private static let unfoldedInputs: [String: [(key: String, position: Int)]] = [
        "Reshape": [("shape", 1)], "ReduceSum": [("axes", 1)], "Clip": [("min", 1), ("max", 2)],
        "Pad": [("pads", 1), ("constant_value", 2)],
    ]

    /// Appends the node of `layer` reading the values `inputs` (its tensor inputs, in order).
    mutating func lowerOperator(_ layer: ONNXOperatorLayer<Float>, path: String, inputs: [String]) {
        let operation = layer.operation
        var names: [String] = []
        var tensors = inputs.makeIterator()
        let state = Dictionary(uniqueKeysWithValues: layer.namedParameters().map { ($0.name, $0.variable.value) }
            + layer.namedBuffers().map { ($0.name, $0.buffer.value) })
        let slots = ["parameter0", "parameter1", "parameter2", "runningMean", "runningVariance"]
        for (position, source) in layer.sources.enumerated() {
            switch source {
            case .tensor: names.append(tensors.next()!)
            case .parameter, .statistic: names.append(addInitializer("\(path).\(slots[position])", state[slots[position]]!))
            case .absent: names.append("")
            }
        }
        var attributes = operation.attributes
        for (key, position) in Self.unfoldedInputs[operation.type] ?? [] {
            guard let value = attributes.removeValue(forKey: key) else { continue }
            while names.count <= position { names.append("") }
            switch value {
            case .ints(let v): names[position] = addInitializer("\(path).\(key)", int64s: v.map(Int64.init))
            case .float(let v): names[position] = addInitializer("\(path).\(key)", Tensor(Float(v)))
            default: break
            }
        }
        current = names[0]
        apply(operation.type, in: path, extraInputs: Array(names.dropFirst()),
              attributes: attributes.sorted { $0.key < $1.key }.map { Onnx_AttributeProto.onnx($0.key, $0.value) })
    }
}

extension Onnx_AttributeProto {
    /// The attribute `name` holding `value`.
    static func onnx(_ name: String, _ value: ONNXAttribute) -> Onnx_AttributeProto {
        switch value {
        case .int(let v): return .int(name, Int64(v))
        case .ints(let v): return .ints(name, v.map(Int64.init))
        case .float(let v): return .float(name, Float(v))
        case .floats(let v):
            var attribute = Onnx_AttributeProto()
            attribute.name = name
            attribute.type = .floats
            attribute.floats = v.map(Float.init)
            return attribute
        case .string(let v):
            var attribute = Onnx_AttributeProto()
            attribute.name = name
            attribute.type = .string
            attribute.s = Data(v.utf8)
            return attribute
        }
    }
}
