import ArgumentParser
import AxonePlayground
import Foundation

/// `axone-playground`: serves the page that trains a network live in the browser. It is an
/// executable of its own, so that building `axone` does not build the web server's dependencies.
@main
struct PlaygroundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "axone-playground",
        abstract: "Train a network live in the browser (serves http://HOST:PORT/).",
        discussion: "Each browser tab trains its own session; a session idle for --session-timeout seconds is closed.")

    @Option(parsing: .unconditional, help: "The port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "The address to bind; 127.0.0.1 keeps the playground local to this machine.") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "Seconds without a request after which a session is closed.") var sessionTimeout = 60.0
    @Option(parsing: .unconditional, help: "The most sessions open at once.") var maximumSessions = 64

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard sessionTimeout > 0, sessionTimeout.isFinite else {
            throw ValidationError("--session-timeout must be a positive number of seconds, got \(sessionTimeout)")
        }
        guard maximumSessions > 0 else { throw ValidationError("--maximum-sessions must be positive, got \(maximumSessions)") }
    }

    func run() async throws {
        let server = PlaygroundServer(host: host, port: port, sessionTimeout: .milliseconds(Int64(sessionTimeout * 1000)),
                                      maximumSessions: maximumSessions)
        let host = self.host
        try await server.run { port in
            FileHandle.standardOutput.write(Data("Axone Playground: http://\(host):\(port)/\n".utf8))
        }
    }
}
