import Foundation
import Testing
@testable import AxonePlayground

/// A short version of `bench/playground_load.py`: several sessions train and are polled at once;
/// no request may fail with a server error, every session must be answered, and the sessions must
/// be freed once they go without requests for the session timeout.
///
/// It checks behaviour, not speed (the latencies are printed, and `bench/playground_load.py`
/// measures them): in the full suite, other tests keep both cores and the two threads of the
/// concurrency pool busy, so each deadline is generous and polling lasts until every session has
/// trained an epoch, and the session timeout (20 s) outlasts a starved task's pause between two of
/// its requests (8 s did not, on a loaded 2-core host). That no session is freed while it is used shows in the codes: a freed session
/// answers 404. (Counting the open sessions after polling would race with the timeout when the
/// pool is so starved that one session's polling ends a session timeout before another's.)
@Suite struct PlaygroundLoadTests {
    static let sessions = 5
    static let polling = Duration.seconds(3), longestPolling = Duration.seconds(40)
    static let sessionTimeout = Duration.seconds(20)

    @Test func concurrentSessionsAreAllAnsweredAndFreedAfterTheirTimeout() async throws {
        let server = try await PlaygroundTestServer.start(sessionTimeout: Self.sessionTimeout)
        let datasets = ["xor", "moons", "circles", "spirals", "blobs"]
        // Each session: open, play at once (so a slow machine cannot let it time out in between),
        // then poll its status every 100 ms; collect its id, status codes, epochs and latencies.
        let results = try await withThrowingTaskGroup(of: (id: String, codes: [Int], epoch: Int, seconds: [Double]).self) { group in
            for index in 0..<Self.sessions {
                group.addTask {
                    let id = try await server.openSession(#"{"dataset": "\#(datasets[index % datasets.count])", "seed": \#(index)}"#)
                    var codes = [try await server.request("POST", "/api/sessions/\(id)/play").status]
                    var epoch = 0, seconds: [Double] = []
                    let start = ContinuousClock.now
                    while ContinuousClock.now < start + Self.polling || (epoch == 0 && ContinuousClock.now < start + Self.longestPolling) {
                        let answer = try await server.request("GET", "/api/sessions/\(id)/status")
                        codes.append(answer.status)
                        seconds.append(answer.seconds)
                        epoch = answer.json?["epoch"] as? Int ?? epoch
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    return (id, codes, epoch, seconds)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let codes = results.flatMap(\.codes), latencies = results.flatMap(\.seconds).sorted()
        #expect(!codes.contains { $0 >= 500 }, "server errors: \(codes.filter { $0 >= 500 })")
        #expect(codes.allSatisfy { $0 == 200 }, "every request answered 200: \(Set(codes))")
        #expect(results.count == Self.sessions && results.allSatisfy { $0.epoch > 0 },
                "every session trained and was answered: epochs \(results.map(\.epoch))")
        let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
        print("playground load: \(latencies.count) status requests, p50 \(latencies[latencies.count / 2] * 1000) ms, p99 \(p99 * 1000) ms")

        // No more requests for the sessions: each must be closed within its timeout plus a sweep.
        let deadline = ContinuousClock.now + Self.sessionTimeout + .seconds(10)
        var open = Self.sessions
        while open > 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            open = try await server.openSessions() ?? open
        }
        #expect(open == 0, "\(open) sessions still open \(Self.sessionTimeout + .seconds(10)) after their last request")
        #expect(try await server.request("GET", "/api/sessions/\(results[0].id)/status").status == 404)
        await server.stop()
    }
}
