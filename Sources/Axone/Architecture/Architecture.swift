import Foundation

/// A `Sequential` model's architecture: its input shape and its layers, as stored in model files
/// (metadata `axone.architecture`) and read by `axone train --model file.json`.
public struct Architecture: Codable, Equatable, Sendable {
    /// The shape of one example, without the batch axis (JSON `input_shape`).
    public var inputShape: [Int]
    /// The layers in order.
    public var layers: [LayerSpecification]

    enum CodingKeys: String, CodingKey {
        case inputShape = "input_shape", layers
    }

    /// Describes a ``Sequential`` of `layers` taking examples of shape `inputShape`.
    public init(inputShape: [Int], layers: [LayerSpecification]) {
        self.inputShape = inputShape
        self.layers = layers
    }

    /// Parses architecture JSON; errors say which field is wrong.
    public init(json: String) throws {
        self = try ArchitectureJSON.decode(Architecture.self, from: json)
    }

    /// Pretty-printed JSON with sorted keys.
    /// - Throws: `EncodingError` for a value JSON cannot hold (a NaN hyper-parameter).
    public func encodedJSON() throws -> String { try ArchitectureJSON.encode(self) }

    /// ``encodedJSON()``, or an empty string when it throws (for display).
    public var json: String { (try? encodedJSON()) ?? "" }
}
