/// The constant-shape plumbing of exported graphs (`x.view(x.size(0), -1)` is `Shape` → `Gather`
/// → `Unsqueeze` → `Concat` → `Reshape`), evaluated at import on ``ONNXIntegers``. A symbolic
/// batch size read by `Shape` is ``ONNXIntegers/batch``; `Reshape` accepts it as its first
/// dimension only (where it means "copy the batch axis").
extension ONNXGraphImporter {
    /// The integers `context`'s node gives when it is plumbing on integer constants (or `Shape`),
    /// `nil` for any other node.
    /// - Throws: ``ONNXImportError`` for plumbing the importer cannot evaluate.
    func foldShape(_ context: NodeContext, inputs: [ImportedValue?],
                            attributes: [String: ONNXAttribute]) throws -> ONNXIntegers? {
        func integers(_ i: Int) throws -> ONNXIntegers {
            guard i < inputs.count, case .constant(.integers(let v))? = inputs[i] else {
                throw context.refuse("input \(i) must be a constant integer tensor (the importer folds shape computations only)")
            }
            return v
        }
        func axes() throws -> [Int] {
            if case .ints(let v)? = attributes["axes"] { return v }
            return try integers(1).values.map { Int(clamping: $0) }
        }
        switch context.op {
        case "Shape":
            guard let value = inputs.first ?? nil else { throw context.refuse("input 0 is missing") }
            var shape: [Int64]
            switch value {
            case .constant(.float(let t)): shape = t.shape.map(Int64.init)
            case .constant(.integers(let v)): shape = v.shape.map(Int64.init)
            case .tensor(let t):
                // ONNX's layout: a channels-last [H, W, C] value is [C, H, W] there.
                let dims = t.standard?.symbol.shape ?? t.channelsLast.map { [$0.symbol.shape[2], $0.symbol.shape[0], $0.symbol.shape[1]] }!
                shape = [ONNXIntegers.batch] + dims.map(Int64.init)
            }
            let start = try sliceBound(attributes["start"], default: 0, count: shape.count, context)
            let end = try sliceBound(attributes["end"], default: shape.count, count: shape.count, context)
            shape = start < end ? Array(shape[start..<end]) : []
            return ONNXIntegers(shape: [shape.count], values: shape)
        case "Gather":
            let (data, indices) = (try integers(0), try integers(1))
            guard data.shape.count == 1, (attributes["axis"] ?? .int(0)) == .int(0) else {
                throw context.refuse("only gathering from a 1-D constant shape along axis 0 is supported")
            }
            let picked = try indices.values.map { raw -> Int64 in
                let i = raw < 0 ? raw + Int64(data.values.count) : raw
                guard i >= 0 && i < Int64(data.values.count) else { throw context.refuse("index \(raw) out of range") }
                return data.values[Int(i)]
            }
            return ONNXIntegers(shape: indices.shape, values: picked)
        case "Unsqueeze", "Squeeze":
            guard case .constant(.integers(var data))? = inputs.first ?? nil else { return nil }
            let axes = context.op == "Squeeze" && attributes["axes"] == nil && inputs.count < 2
                ? data.shape.indices.filter { data.shape[$0] == 1 } : try axes()
            let rank = context.op == "Unsqueeze" ? data.shape.count + axes.count : data.shape.count
            let normalized = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
            guard normalized.count == axes.count, normalized.allSatisfy({ $0 >= 0 && $0 < rank }) else {
                throw context.refuse(attribute: "axes", "\(axes) do not fit rank \(rank)")
            }
            if context.op == "Unsqueeze" {
                var old = data.shape.makeIterator()
                data.shape = (0..<rank).map { normalized.contains($0) ? 1 : old.next()! }
            } else {
                guard normalized.allSatisfy({ data.shape[$0] == 1 }) else { throw context.refuse(attribute: "axes", "squeeze an axis longer than 1") }
                data.shape = data.shape.indices.filter { !normalized.contains($0) }.map { data.shape[$0] }
            }
            return data
        case "Concat":
            guard inputs.allSatisfy({ if case .constant(.integers)? = $0 { true } else { false } }) else { return nil }
            let parts = try inputs.indices.map(integers)
            guard parts.allSatisfy({ $0.shape.count == 1 }) else { throw context.refuse("only 1-D constant shapes are concatenated") }
            let values = parts.flatMap(\.values)
            return ONNXIntegers(shape: [values.count], values: values)
        case "Cast", "Identity":
            guard case .constant(.integers(let data))? = inputs.first ?? nil else { return nil }
            if context.op == "Cast" {
                let integerTypes: [Onnx_TensorProto.DataType] = [.int64, .int32, .int16, .int8, .uint8, .uint16, .uint32, .uint64, .bool]
                guard case .int(let to)? = attributes["to"],
                      let type = Onnx_TensorProto.DataType(rawValue: to), integerTypes.contains(type) else {
                    throw context.refuse(attribute: "to", "only casts between integer types are folded")
                }
            }
            return data
        default:
            return nil
        }
    }

    /// `Shape`'s `start` or `end`, clamped to `0...count`.
    private func sliceBound(_ attribute: ONNXAttribute?, default value: Int, count: Int, _ context: NodeContext) throws -> Int {
        guard let attribute else { return value }
        guard case .int(let raw) = attribute else { throw context.refuse(attribute: "start/end", "must be an integer") }
        return min(max(raw < 0 ? raw + count : raw, 0), count)
    }
}
