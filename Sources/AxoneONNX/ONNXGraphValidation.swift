/// The structural checks of an ONNX graph, before any of its values is read: every name produced
/// once, every name read produced somewhere, no cycle.
enum ONNXGraphValidation {
    /// The indices of the graph's nodes in an order where each node comes after the nodes that
    /// produce its inputs (Kahn's algorithm; ONNX files are usually sorted already).
    /// - Throws: ``ONNXImportError/invalidGraph(_:)`` for a duplicate or empty name, a name read
    ///   but never produced, a graph output never produced, a cycle, or a graph with no output.
    static func topologicalOrder(of graph: Onnx_GraphProto) throws -> [Int] {
        guard !graph.output.isEmpty else { throw ONNXImportError.invalidGraph("the graph has no output") }
        guard graph.sparseInitializer.isEmpty else {
            throw ONNXImportError.unsupportedTensor(name: "sparse_initializer", reason: "sparse initializers are not supported")
        }
        var producer: [String: Int] = [:]   // node index, or -1 for an input or initializer
        var constants: Set<String> = []
        for initializer in graph.initializer {
            guard !initializer.name.isEmpty, constants.insert(initializer.name).inserted else {
                throw ONNXImportError.invalidGraph("the initializer name '\(initializer.name)' is empty or repeated")
            }
            producer[initializer.name] = -1
        }
        var inputs: Set<String> = []
        for input in graph.input {
            guard !input.name.isEmpty, inputs.insert(input.name).inserted else {
                throw ONNXImportError.invalidGraph("the graph input name '\(input.name)' is empty or repeated")
            }
            producer[input.name] = -1   // an initializer may also be listed as an input (its default value)
        }
        for (index, node) in graph.node.enumerated() {
            for output in node.output where !output.isEmpty {
                guard producer.updateValue(index, forKey: output) == nil else {
                    throw ONNXImportError.invalidGraph("the value '\(output)' is produced twice (again by node '\(name(of: node, index))')")
                }
            }
        }
        var waiting = [Int](repeating: 0, count: graph.node.count)
        var readers = [[Int]](repeating: [], count: graph.node.count)
        for (index, node) in graph.node.enumerated() {
            for input in node.input where !input.isEmpty {
                guard let source = producer[input] else {
                    throw ONNXImportError.invalidGraph("node '\(name(of: node, index))' reads '\(input)', which nothing produces")
                }
                if source >= 0 { waiting[index] += 1; readers[source].append(index) }
            }
        }
        for output in graph.output where producer[output.name] == nil {
            throw ONNXImportError.invalidGraph("the graph output '\(output.name)' is never produced")
        }
        var ready = graph.node.indices.filter { waiting[$0] == 0 }.reversed() as [Int]
        var order: [Int] = []
        while let index = ready.popLast() {
            order.append(index)
            for reader in readers[index] {
                waiting[reader] -= 1
                if waiting[reader] == 0 { ready.append(reader) }
            }
        }
        guard order.count == graph.node.count else {
            let stuck = graph.node.indices.filter { waiting[$0] > 0 }.prefix(3).map { name(of: graph.node[$0], $0) }
            throw ONNXImportError.invalidGraph("the graph has a cycle through nodes \(stuck.joined(separator: ", "))")
        }
        return order
    }

    /// A node's name for messages: its own, or `#index`.
    static func name(of node: Onnx_NodeProto, _ index: Int) -> String { node.name.isEmpty ? "#\(index)" : node.name }
}
