/// A request the playground refuses. The server answers with ``status`` and the JSON body
/// `{"error": "<description>"}`, which the page shows.
public enum PlaygroundError: Error, Equatable, CustomStringConvertible {
    /// A parameter is missing, malformed or out of range (HTTP 400).
    case badRequest(String)
    /// The session does not exist or was closed after being idle (HTTP 404).
    case notFound(String)
    /// The server already trains its maximum number of sessions (HTTP 429).
    case tooManySessions(limit: Int)

    public var description: String {
        switch self {
        case .badRequest(let message), .notFound(let message): message
        case .tooManySessions(let limit): "the playground already has \(limit) sessions open; close a tab or try again later"
        }
    }

    /// The HTTP status code of the answer.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .notFound: 404
        case .tooManySessions: 429
        }
    }
}
