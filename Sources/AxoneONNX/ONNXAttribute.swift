/// The value of an ONNX node attribute that the importer keeps: the scalar and list kinds of
/// `AttributeProto` (tensor attributes are folded at import, graphs and sparse tensors refused).
/// It is `Codable` so that an ``ONNXOperatorLayer`` writes its attributes into the architecture JSON.
public enum ONNXAttribute: Codable, Equatable, Sendable {
    case int(Int)
    case float(Double)
    case string(String)
    case ints([Int])
    case floats([Double])
}

extension ONNXAttribute {
    /// Decodes one attribute of `node`; `nil` for a tensor attribute (read separately by `Constant`).
    /// - Throws: ``ONNXImportError/unsupportedAttribute(node:op:attribute:reason:)`` for graph,
    ///   sparse-tensor, type and reference attributes.
    static func decode(_ proto: Onnx_AttributeProto, node: String, op: String) throws -> ONNXAttribute? {
        func refuse(_ reason: String) -> ONNXImportError {
            .unsupportedAttribute(node: node, op: op, attribute: proto.name, reason: reason)
        }
        guard proto.refAttrName.isEmpty else { throw refuse("refers to a function attribute, which is not supported") }
        switch proto.type {
        case .int: return .int(Int(proto.i))
        case .float: return .float(Double(proto.f))
        case .string: return .string(String(decoding: proto.s, as: UTF8.self))
        case .ints: return .ints(proto.ints.map { Int($0) })
        case .floats: return .floats(proto.floats.map(Double.init))
        case .tensor: return nil
        default: throw refuse("has type \(proto.type), which is not supported")
        }
    }
}
