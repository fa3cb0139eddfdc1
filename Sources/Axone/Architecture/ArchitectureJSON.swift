import Foundation

/// How architecture files (``Architecture``, ``GraphArchitecture``) are written and read:
/// pretty-printed JSON with sorted keys; a decoding error becomes a ``LayerError`` saying where.
enum ArchitectureJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json.utf8))
        } catch let error as DecodingError {
            throw LayerError.invalidArgument(layer: "architecture", message: explain(error))
        }
    }

    /// Says where in the JSON a decoding error is.
    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case let .keyNotFound(key, context): return "missing '\(key.stringValue)' at \(path(context).isEmpty ? "top level" : path(context))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return "\(context.debugDescription) at \(path(context).isEmpty ? "top level" : path(context))"
        @unknown default: return "\(error)"
        }
    }
}
