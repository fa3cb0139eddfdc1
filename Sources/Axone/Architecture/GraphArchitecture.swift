import Foundation

/// A graph model's architecture (Keras's functional config): its inputs, its layers, each call of
/// a layer with the tensors it read, and its outputs. Tensors are written as in the summary's
/// "Connected to" column, `layer[call][output]` (`dense[0][0]`, `input_layer[0][0]`).
///
/// ```json
/// {"inputs": [{"name": "input_layer", "shape": [784]}],
///  "layers": [{"type": "Dense", "name": "dense", "units": 64, "activation": "relu"}, …],
///  "calls": [{"layer": "dense", "inputs": ["input_layer[0][0]"]}, …],
///  "outputs": ["classes[0][0]", "groups[0][0]"]}
/// ```
public struct GraphArchitecture: Codable, Equatable, Sendable {
    /// One model input: its name and the shape of one example.
    public struct InputSpecification: Codable, Equatable, Sendable {
        /// The input layer's unique name.
        public var name: String
        /// The shape of one example.
        public var shape: [Int]
    }

    /// One call of a layer: the layer's name and the tensors it read.
    public struct CallSpecification: Codable, Equatable, Sendable {
        /// The called layer's name.
        public var layer: String
        /// The tensors it read, as `layer[call][output]`.
        public var inputs: [String]
    }

    /// The model's name.
    public var name: String?
    /// The model's inputs, in order.
    public var inputs: [InputSpecification]
    /// Every layer once, each with its unique name.
    public var layers: [LayerSpecification]
    /// The calls in an order where each comes after the calls it reads from.
    public var calls: [CallSpecification]
    /// The model's outputs, in order, as `layer[call][output]`.
    public var outputs: [String]

    /// Pretty-printed JSON with sorted keys.
    /// - Throws: `EncodingError` for a value JSON cannot hold (a NaN hyper-parameter).
    public func encodedJSON() throws -> String { try ArchitectureJSON.encode(self) }

    /// ``encodedJSON()``, or an empty string when it throws (for display).
    public var json: String { (try? encodedJSON()) ?? "" }

}

extension GraphArchitecture {
    /// Parses graph architecture JSON; errors say which field is wrong.
    public init(json: String) throws {
        self = try ArchitectureJSON.decode(GraphArchitecture.self, from: json)
    }

    /// Whether `json` holds a graph architecture rather than a ``Architecture`` (a chain of layers).
    public static func describesGraph(_ json: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["calls"] != nil
    }
}
