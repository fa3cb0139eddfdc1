import Axone

extension GraphBuilder {
    /// Lowers a layer with no rule of its own from its trace (``Layer/primitiveTrace(exampleShapes:)``):
    /// one node per primitive call, in the form the op registry gives it (``Primitive/onnx``);
    /// parameters become initializers named by their paths, constants initializers of their own.
    /// - Throws: ``ONNXExportError/unsupportedPrimitive(path:type:primitive:)`` for a primitive
    ///   with no ONNX form, ``ONNXExportError/batchDependentLayer(path:type:)`` for a pass that
    ///   mixes the examples of a batch.
    mutating func lowerTraced(_ layer: Layer<Float>, path: String, inputShape: [Int]) throws {
        let trace: PrimitiveTrace<Float>
        do { trace = try layer.primitiveTrace(exampleShapes: [inputShape]) } catch {
            throw ONNXExportError.unsupportedPrimitive(path: path, type: layer.typeName, primitive: "\(error)")
        }
        if let call = trace.calls.first(where: { $0.primitive.onnx == nil }) {
            throw ONNXExportError.unsupportedPrimitive(path: path, type: layer.typeName, primitive: "'\(call.primitive.name)'")
        }
        guard trace.isRowLocal else { throw ONNXExportError.batchDependentLayer(path: path, type: layer.typeName) }
        var names = [String?](repeating: nil, count: trace.sources.count)
        for (index, source) in trace.sources.enumerated() {
            switch source {
            case .input: names[index] = current
            case let .parameter(name, value): names[index] = addInitializer("\(path).\(name)", value)
            case let .constant(value): names[index] = addInitializer("\(path).constant_\(index)", value)
            case .call: break
            }
        }
        for call in trace.calls {
            current = names[call.inputs[0]]!
            apply(call.primitive, in: path, extraInputs: call.inputs.dropFirst().map { names[$0]! },
                  constantPrefix: "\(path).\(call.primitive.name)_\(call.output)")
            names[call.output] = current
        }
        current = names[trace.outputs[0]]!
    }
}
