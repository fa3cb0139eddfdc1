import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import AxonePlayground

/// An Axone Playground server running inside the test process on a free port of 127.0.0.1.
struct PlaygroundTestServer {
    struct Failure: Error, CustomStringConvertible { let description: String }

    let port: Int
    private let task: Task<Void, any Error>
    private let session = URLSession(configuration: .ephemeral)

    var url: String { "http://127.0.0.1:\(port)/" }

    /// Starts a server and waits until it accepts connections. Its sessions stay open for 10 minutes
    /// without a request: a test that trains one session while another waits must not see the
    /// waiting one closed when the whole suite runs on a busy machine (``PlaygroundLoadTests``
    /// tests the closing with a timeout of its own).
    static func start(sessionTimeout: Duration = .seconds(600)) async throws -> PlaygroundTestServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            defer { continuation.finish() }
            try await PlaygroundServer(port: 0, sessionTimeout: sessionTimeout).run { continuation.yield($0) }
        }
        for await port in ports { return PlaygroundTestServer(port: port, task: task) }
        throw Failure(description: "the playground server did not start: \(await task.result)")
    }

    /// Shuts the server down (closing its sessions) and waits until it has.
    func stop() async {
        session.invalidateAndCancel()
        task.cancel()
        _ = await task.result
    }

    /// Sends a request with an optional JSON body; returns the status code, the JSON object
    /// answered (`nil` when the body is not one), the time it took in seconds, the body's bytes
    /// and the response's headers.
    @discardableResult
    func request(_ method: String, _ path: String, body: String? = nil) async throws
        -> (status: Int, json: [String: Any]?, seconds: Double, body: Data, headers: [AnyHashable: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        request.timeoutInterval = 30
        let start = ContinuousClock.now
        let (data, response): (Data, URLResponse) = try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let data, let response { continuation.resume(returning: (data, response)) }
                else { continuation.resume(throwing: error ?? Failure(description: "\(method) \(path): no answer")) }
            }.resume()
        }
        let elapsed = ContinuousClock.now - start
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, json, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                data, http?.allHeaderFields ?? [:])
    }

    /// Opens a session with `settings` (JSON) and returns its id.
    func openSession(_ settings: String = "{}") async throws -> String {
        let answer = try await request("POST", "/api/sessions", body: settings)
        guard answer.status == 201, let id = answer.json?["id"] as? String else {
            throw Failure(description: "opening a session answered \(answer.status): \(answer.json ?? [:])")
        }
        return id
    }

    /// The number of open sessions, from `GET /api/health`.
    func openSessions() async throws -> Int? {
        try await request("GET", "/api/health").json?["sessions"] as? Int
    }
}

/// Runs a blocking `body` on a thread of its own, so waiting for a child process does not hold
/// one of the few threads that run the tests' (and the in-process server's) async code.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
