import Foundation
import Hummingbird

/// The playground's HTTP interface. Every `/api` answer is JSON; a refused request answers
/// `{"error": "…"}` with a 4xx status (see ``PlaygroundError``).
///
/// | Method and path                    | Body       | Answer                                       |
/// |------------------------------------|------------|----------------------------------------------|
/// | `GET /`, `/playground.js`, `.css`  |            | the page                                     |
/// | `GET /api/health`                  |            | `{"status", "sessions", "playing"}`          |
/// | `GET /api/catalogue`               |            | menus, bounds and defaults                   |
/// | `POST /api/sessions`               | settings   | 201, `{"id", "settings", "data", "status"}`  |
/// | `GET /api/sessions/{id}/status`    |            | the latest status                            |
/// | `POST /api/sessions/{id}/play`     |            | the status (training continues off-request)  |
/// | `POST /api/sessions/{id}/pause`    |            | the status                                   |
/// | `POST /api/sessions/{id}/step`     |            | the status after one more epoch              |
/// | `POST /api/sessions/{id}/reset`    | settings   | `{"id", "settings", "data", "status"}`       |
/// | `POST /api/sessions/{id}/points`   | `{"points"}` | as reset, the network kept (own data)      |
/// | `GET /api/sessions/{id}/download/{format}` | | the network: `safetensors`, `onnx`, `swift` |
/// | `POST /api/sessions/{id}/close`    |            | 204                                          |
struct PlaygroundRoutes: Sendable {
    /// `GET /api/health`: the number of open and of training sessions.
    struct Health: Encodable {
        var status = "ok"
        let sessions: Int
        let playing: Int
    }

    /// `POST /api/sessions/{id}/points`: the reader's points, `[x, y, class]` triples.
    struct OwnPoints: Decodable {
        let points: [[Double]]
    }

    /// The largest request body accepted (settings are a few hundred bytes; the most own points
    /// allowed take about 60 KiB).
    static let maximumBodySize = 256 * 1024

    let store: SessionStore
    let scheduler: TrainingScheduler
    let assets: PageAssets
    let catalogue: PlaygroundCatalogue

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        for path in PageAssets.paths {
            router.get(RouterPath(path)) { _, _ in assets.response(for: path) }
        }
        router.get("/api/health") { _, _ in
            await Self.answer {
                let counts = store.counts
                return try Self.json(Health(sessions: counts.open, playing: counts.playing))
            }
        }
        router.get("/api/catalogue") { _, _ in await Self.answer { try Self.json(catalogue) } }
        router.post("/api/sessions") { request, _ in
            await Self.answer {
                let settings = try await Self.settings(from: request)
                let described = try await Self.offThePool { try store.create(settings: settings).describe() }
                return try Self.json(described, status: .created)
            }
        }
        router.get("/api/sessions/:id/status") { _, context in
            await Self.answer { try Self.json(data: store.session(context.parameters.require("id")).statusJSON()) }
        }
        router.post("/api/sessions/:id/play") { _, context in
            await Self.answer {
                let session = try store.session(context.parameters.require("id"))
                if session.setPlaying(true) { scheduler.enqueue(session) }
                return try Self.json(data: session.statusJSON())
            }
        }
        router.post("/api/sessions/:id/pause") { _, context in
            await Self.answer {
                let session = try store.session(context.parameters.require("id"))
                session.setPlaying(false)
                return try Self.json(data: session.statusJSON())
            }
        }
        router.post("/api/sessions/:id/step") { _, context in
            await Self.answer {
                let session = try store.session(context.parameters.require("id"))
                try await Self.offThePool { try session.step() }
                return try Self.json(data: session.statusJSON())
            }
        }
        router.post("/api/sessions/:id/reset") { request, context in
            await Self.answer {
                let session = try store.session(context.parameters.require("id"))
                let settings = try await Self.settings(from: request)
                return try Self.json(try await Self.offThePool {
                    try session.reset(settings: settings)
                    return session.describe()
                })
            }
        }
        router.post("/api/sessions/:id/points") { request, context in
            await Self.answer {
                let session = try store.session(context.parameters.require("id"))
                guard let body = try await Self.decode(OwnPoints.self, from: request, what: "points") else {
                    throw PlaygroundError.badRequest("the body must be {\"points\": [[x, y, class], …]}")
                }
                return try Self.json(try await Self.offThePool {
                    try session.replaceOwnPoints(body.points)
                    return session.describe()
                })
            }
        }
        router.get("/api/sessions/:id/download/:format") { _, context in
            await Self.answer {
                let session = try store.session(context.parameters.require("id"))
                let name = try context.parameters.require("format")
                guard let download = ModelDownload(rawValue: name) else {
                    throw PlaygroundError.badRequest("unknown download format '\(name)'; known: "
                                                     + ModelDownload.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return Response(status: .ok, headers: [.contentType: download.contentType, .cacheControl: "no-store",
                                                       .contentDisposition: "attachment; filename=\"\(download.fileName)\""],
                                body: .init(byteBuffer: ByteBuffer(bytes: try await Self.offThePool { try session.download(download) })))
            }
        }
        router.post("/api/sessions/:id/close") { _, context in
            await Self.answer {
                store.remove(try context.parameters.require("id"))
                return Response(status: .noContent)
            }
        }
        return router
    }

    /// Runs `work`, which blocks (it builds or trains a network, or waits for a session's lock
    /// while that session trains a slice), on a thread outside Swift's cooperative pool, so that
    /// the pool's few threads keep answering the other requests meanwhile.
    private static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Settings decoded from a JSON body; an empty body means the defaults.
    private static func settings(from request: Request) async throws -> PlaygroundSettings {
        try await decode(PlaygroundSettings.self, from: request, what: "settings") ?? PlaygroundSettings()
    }

    /// A JSON body decoded as `T`, `nil` when the body is empty.
    /// - Throws: ``PlaygroundError/badRequest(_:)`` naming `what` and the field at fault.
    private static func decode<T: Decodable>(_: T.Type, from request: Request, what: String) async throws -> T? {
        var request = request
        let body = try await request.collectBody(upTo: maximumBodySize)
        guard body.readableBytes > 0 else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw PlaygroundError.badRequest("the \(what) are not valid: \(describe(error))")
        }
    }

    /// The answer of `body`, or a JSON error: the error's own status for refused requests, 500 otherwise.
    private static func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as PlaygroundError {
            return errorResponse(error.description, status: error.status)
        } catch let error as any HTTPResponseError {
            return errorResponse("\(error)", status: error.status.code)
        } catch {
            return errorResponse("internal error: \(error)", status: 500)
        }
    }

    private static func errorResponse(_ message: String, status: Int) -> Response {
        let body = (try? JSONEncoder().encode(["error": message])) ?? Data("{\"error\": \"internal error\"}".utf8)
        return json(data: body, status: HTTPResponse.Status(code: status))
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(data: try JSONEncoder().encode(value), status: status)
    }

    private static func json(data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A one-line account of a decoding error: the field's path and what was wrong.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "" : "\(path): "
        }
        switch error {
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return path(context) + context.debugDescription
        case let .keyNotFound(key, context):
            return path(context) + "missing '\(key.stringValue)'"
        @unknown default:
            return "\(error)"
        }
    }
}
