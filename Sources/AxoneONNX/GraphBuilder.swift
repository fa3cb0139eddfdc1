import Axone
import Foundation

/// Collects the nodes and initializers of an ONNX graph while a model's layers are lowered.
///
/// Nodes are appended to a chain: every node consumes ``current`` (plus other values and
/// initializers) and its output becomes the new ``current``; a layer reading other values sets
/// ``current`` first. Node names are `<layer path>/<op>` (`layers.0/MatMul`), their outputs
/// `<layer path>/<op>_output`; ``finish(outputs:)`` gives the graph outputs their names.
struct GraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    /// The value the next node consumes.
    var current: String
    private var usedNames: Set<String>
    private let graphInputs: Set<String>
    /// The name given to each initializer asked for, by the name asked for.
    private var initializerNames: [String: String] = [:]

    /// Starts a graph with the graph inputs `inputs` (the first node consumes the first one) and
    /// the graph outputs `outputs`, whose names no node or initializer will take.
    init(inputs: [String], outputs: [String]) {
        current = inputs[0]
        graphInputs = Set(inputs)
        usedNames = Set(inputs + outputs)
    }

    /// Appends an `opType` node reading ``current`` then `extraInputs`; its output becomes ``current``.
    mutating func apply(_ opType: String, in scope: String, extraInputs: [String] = [],
                        attributes: [Onnx_AttributeProto] = []) {
        let name = unique("\(scope)/\(opType)")
        var node = Onnx_NodeProto()
        node.name = name
        node.opType = opType
        node.input = [current] + extraInputs
        node.output = [unique("\(name)_output")]
        node.attribute = attributes
        nodes.append(node)
        current = node.output[0]
    }

    /// Adds a float initializer holding `tensor`'s elements, with `shape` in place of the tensor's
    /// own when given (same element count), and returns its name.
    ///
    /// Initializers are named after a layer's path and property (`layers.0.weight`), so a name
    /// asked for again belongs to the same layer called once more (shared weights): it gets the
    /// initializer made the first time.
    @discardableResult
    mutating func addInitializer(_ name: String, _ tensor: Tensor<Float>, shape: [Int]? = nil) -> String {
        if let existing = initializerNames[name] { return existing }
        let dims = shape ?? tensor.shape
        precondition(dims.reduce(1, *) == tensor.count, "initializer \(name): shape \(dims) for \(tensor.count) elements")
        var proto = Onnx_TensorProto()
        proto.dims = dims.map(Int64.init)
        proto.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        // raw_data is little-endian by the ONNX specification, whatever the host's byte order.
        var bytes = Data(capacity: tensor.count * MemoryLayout<UInt32>.size)
        for value in tensor.scalars {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        proto.rawData = bytes
        return append(proto, as: name)
    }

    /// Adds a rank-1 `int64` initializer (a shape operand) and returns its name; a name asked for
    /// again gets the first initializer, as in ``addInitializer(_:_:shape:)``.
    @discardableResult
    mutating func addInitializer(_ name: String, int64s values: [Int64]) -> String {
        if let existing = initializerNames[name] { return existing }
        var proto = Onnx_TensorProto()
        proto.dims = [Int64(values.count)]
        proto.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        proto.int64Data = values
        return append(proto, as: name)
    }

    /// Names the initializer `name` (made unique), appends it and returns its name.
    private mutating func append(_ initializer: Onnx_TensorProto, as name: String) -> String {
        var initializer = initializer
        initializer.name = unique(name)
        initializerNames[name] = initializer.name
        initializers.append(initializer)
        return initializer.name
    }

    /// Gives each graph output its name: the value computing it is renamed (in the node making it
    /// and in the nodes reading it), or copied by an `Identity` node when it cannot be — a graph
    /// input (a model made only of layers that vanish at inference, such as Dropout) or a value
    /// that is already another output.
    mutating func finish(outputs: [(value: String, name: String)]) {
        var renamed: [String: String] = [:]
        var named: Set<String> = []
        for (value, name) in outputs {
            let value = renamed[value] ?? value
            if value != name {
                if graphInputs.contains(value) || named.contains(value) {
                    current = value
                    apply("Identity", in: name)
                    rename(current, to: name)
                } else {
                    rename(value, to: name)
                    renamed[value] = name
                }
            }
            named.insert(name)
        }
    }

    /// Renames the node value `value` wherever a node makes or reads it.
    private mutating func rename(_ value: String, to name: String) {
        for index in nodes.indices {
            nodes[index].input = nodes[index].input.map { $0 == value ? name : $0 }
            nodes[index].output = nodes[index].output.map { $0 == value ? name : $0 }
        }
    }

    /// `base`, or `base_1`, `base_2`, … when the name is taken: ONNX requires every value and node
    /// name to be unique in the graph.
    private mutating func unique(_ base: String) -> String {
        var name = base
        var suffix = 1
        while usedNames.contains(name) {
            name = "\(base)_\(suffix)"
            suffix += 1
        }
        usedNames.insert(name)
        return name
    }
}

extension Onnx_AttributeProto {
    /// A `float` attribute.
    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }

    /// An `int` attribute.
    static func int(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = value
        return attribute
    }

    /// An `ints` attribute.
    static func ints(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values
        return attribute
    }
}
