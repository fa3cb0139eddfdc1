import Foundation
import Hummingbird

/// The Axone Playground: a web server whose one page trains a small network on a 2-D data set
/// live, in the spirit of the TensorFlow Playground, with the training done by Axone on the server.
///
/// Each browser tab opens its own session (``PlaygroundRoutes`` lists the endpoints); playing
/// sessions train on dedicated threads, a slice each in turn (``TrainingScheduler``), and a
/// session that receives no request for ``sessionTimeout`` is closed.
///
/// ```swift
/// try await PlaygroundServer(port: 8080).run { port in print("http://127.0.0.1:\(port)/") }
/// ```
public struct PlaygroundServer: Sendable {
    /// The address to bind; the default keeps the playground reachable from this machine only.
    public var host: String
    /// The port; 0 lets the system pick a free one (``run(onListening:)`` reports it).
    public var port: Int
    /// How long a session may go without a request before it is closed.
    public var sessionTimeout: Duration
    /// The most sessions open at once; more are refused with HTTP 429.
    public var maximumSessions: Int
    /// The threads that train sessions (by default all cores but one, at least one).
    public var trainingThreads: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, sessionTimeout: Duration = .seconds(60),
                maximumSessions: Int = 64,
                trainingThreads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)) {
        self.host = host
        self.port = port
        self.sessionTimeout = sessionTimeout
        self.maximumSessions = maximumSessions
        self.trainingThreads = trainingThreads
    }

    /// Serves until the surrounding task is cancelled or the process receives SIGINT or SIGTERM.
    /// - Parameter onListening: called once the server accepts connections, with its port.
    /// - Throws: when the page's resources are missing or the address cannot be bound.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let store = SessionStore(timeout: sessionTimeout, capacity: maximumSessions)
        let scheduler = TrainingScheduler(threads: trainingThreads)
        let catalogue = PlaygroundCatalogue(sessionTimeout: Double(sessionTimeout.components.seconds)
                                            + Double(sessionTimeout.components.attoseconds) / 1e18)
        let routes = PlaygroundRoutes(store: store, scheduler: scheduler, assets: try PageAssets(), catalogue: catalogue)
        scheduler.start()
        defer { scheduler.stop() }
        let sweepInterval = min(max(sessionTimeout / 4, .milliseconds(50)), .seconds(1))
        let sweeper = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: sweepInterval)
                store.removeIdle()
            }
        }
        defer { sweeper.cancel() }
        let port = self.port
        let app = Application(
            router: routes.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "Axone Playground"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) })
        try await app.runService()
    }
}
