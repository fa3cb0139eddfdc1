import Axone
import Foundation

/// Collects the nodes and initializers of an ONNX graph while a model's layers are lowered in order.
///
/// The graph is a chain: every node consumes ``current`` (plus initializers) and its output becomes
/// the new ``current``. Node names are `<layer path>/<op>` (`layers.0/MatMul`), their outputs
/// `<layer path>/<op>_output`; ``finish(output:)`` renames the last output to the graph's output.
struct GraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    /// The value the next node consumes.
    private(set) var current: String
    private var usedNames: Set<String> = []

    /// Starts a graph whose first node consumes the graph input `input`.
    init(input: String) {
        current = input
        usedNames = [input]
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
    @discardableResult
    mutating func addInitializer(_ name: String, _ tensor: Tensor<Float>, shape: [Int]? = nil) -> String {
        let dims = shape ?? tensor.shape
        precondition(dims.reduce(1, *) == tensor.count, "initializer \(name): shape \(dims) for \(tensor.count) elements")
        var proto = Onnx_TensorProto()
        proto.name = unique(name)
        proto.dims = dims.map(Int64.init)
        proto.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        // raw_data is little-endian by the ONNX specification, whatever the host's byte order.
        var bytes = Data(capacity: tensor.count * MemoryLayout<UInt32>.size)
        for value in tensor.scalars {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        proto.rawData = bytes
        initializers.append(proto)
        return proto.name
    }

    /// Adds a rank-1 `int64` initializer (a shape operand) and returns its name.
    @discardableResult
    mutating func addInitializer(_ name: String, int64s values: [Int64]) -> String {
        var proto = Onnx_TensorProto()
        proto.name = unique(name)
        proto.dims = [Int64(values.count)]
        proto.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        proto.int64Data = values
        initializers.append(proto)
        return proto.name
    }

    /// Renames the last node's output to `output`, or adds an `Identity` node when the graph is
    /// empty (a model made only of layers that vanish at inference, such as Dropout).
    mutating func finish(output: String) {
        if nodes.isEmpty {
            apply("Identity", in: "output")
        }
        nodes[nodes.count - 1].output[0] = output
        current = output
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
