import Foundation
import Testing
@testable import AxonePlayground

/// The playground's HTTP API against an in-process server: refused parameters, the session
/// commands, and errors that must never bring the server down.
@Suite struct PlaygroundHTTPTests {
    /// Settings the server must refuse with 400, and a word the error message must contain.
    static let badSettings: [(body: String, mentions: String)] = [
        (#"{"units": 10000}"#, "units"),
        (#"{"units": 101}"#, "units"),
        (#"{"units": 0}"#, "units"),
        (#"{"hiddenLayers": 9}"#, "hiddenLayers"),
        (#"{"hiddenLayers": -1}"#, "hiddenLayers"),
        (#"{"learningRate": 0}"#, "learningRate"),
        (#"{"learningRate": -0.1}"#, "learningRate"),
        (#"{"activation": "swish"}"#, "activation"),
        (#"{"activation": "softmax"}"#, "activation"),
        (#"{"batchSize": 0}"#, "batchSize"),
        (#"{"batchSize": -5}"#, "batchSize"),
        (#"{"noise": -0.1}"#, "noise"),
        (#"{"trainRatio": 0}"#, "trainRatio"),
        (#"{"trainRatio": 1}"#, "trainRatio"),
        (#"{"trainRatio": 1.5}"#, "trainRatio"),
        (#"{"trainRatio": 0.001}"#, "trainRatio"),
        (#"{"points": 100000000}"#, "points"),
        (#"{"dataset": "mnist"}"#, "dataset"),
        (#"{"optimizer": "lbfgs"}"#, "optimizer"),
        (#"{"loss": "kl"}"#, "loss"),
        (#"{"dropout": 1}"#, "dropout"),
        (#"{"l2": -1}"#, "l2"),
        (#"{"l1": -1}"#, "l1"),
        (#"{"l1": 2}"#, "l1"),
        (#"{"features": []}"#, "features"),
        (#"{"features": ["x1", "x3"]}"#, "feature 'x3'"),
        (#"{"features": ["x1", "x1"]}"#, "repeat"),
        (#"{"dataset": "plane"}"#, "mse"),
        (#"{"dataset": "own", "ownPoints": [[0, 0, 2]]}"#, "ownPoints[0]"),
        (#"{"dataset": "own", "ownPoints": [[0, 0]]}"#, "ownPoints[0]"),
        (#"{"dataset": "own", "ownPoints": [[0, 11, 1]]}"#, "ownPoints[0]"),
        (#"{"dataset": "own", "ownPoints": "many"}"#, "ownPoints"),
        (PlaygroundHTTPTests.ownPoints(2001), "at most 2000 points"),
        (#"{"units": "many"}"#, "units"),
        (#"{"units": 4.5}"#, "units"),
        (#"{"seed": -1}"#, "seed"),
        (#"{"units": 4"#, "JSON"),
        (#"[1, 2]"#, "settings"),
    ]

    /// Settings of the own data set with `count` points on a line, alternating classes.
    static func ownPoints(_ count: Int) -> String {
        let points = (0..<count).map { "[\(Double($0 % 200) / 100 - 1), 0.5, \($0 % 2)]" }
        return #"{"dataset": "own", "ownPoints": ["# + points.joined(separator: ", ") + "]}"
    }

    @Test func badParametersAreRefusedWith400AndAJSONErrorAndLeaveTheSessionAsItWas() async throws {
        let server = try await PlaygroundTestServer.start()
        let id = try await server.openSession(#"{"dataset": "circles"}"#)
        for (body, mentions) in Self.badSettings {
            for path in ["/api/sessions", "/api/sessions/\(id)/reset"] {
                let answer = try await server.request("POST", path, body: body)
                let error = answer.json?["error"] as? String ?? ""
                #expect(answer.status == 400, "POST \(path) \(body) answered \(answer.status)")
                #expect(error.contains(mentions), "POST \(path) \(body): the error \(error.debugDescription) should mention \(mentions)")
            }
        }
        let status = try await server.request("GET", "/api/sessions/\(id)/status")
        #expect(status.status == 200 && status.json?["generation"] as? Int == 0)
        #expect(try await server.openSessions() == 1, "refused settings must not open sessions")
        await server.stop()
    }

    @Test func aSessionStepsPlaysPausesResetsAndCloses() async throws {
        let server = try await PlaygroundTestServer.start()
        let created = try await server.request("POST", "/api/sessions", body: #"{"points": 300, "trainRatio": 0.6, "seed": 3}"#)
        #expect(created.status == 201)
        let id = try #require(created.json?["id"] as? String)
        let data = try #require(created.json?["data"] as? [String: Any])
        #expect((data["train"] as? [[Double]])?.count == 180 && (data["test"] as? [[Double]])?.count == 120)
        let step = try await server.request("POST", "/api/sessions/\(id)/step")
        #expect(step.json?["epoch"] as? Int == 1 && step.json?["playing"] as? Bool == false)
        #expect((step.json?["boundary"] as? [Int])?.count == 50 * 50)
        #expect((step.json?["neurons"] as? [[[Int]]])?.map(\.count) == [4, 4], "two hidden layers of four units")

        #expect(try await server.request("POST", "/api/sessions/\(id)/play").json?["playing"] as? Bool == true)
        var epoch = 1
        for _ in 0..<100 where epoch < 20 {
            try await Task.sleep(for: .milliseconds(100))
            epoch = try await server.request("GET", "/api/sessions/\(id)/status").json?["epoch"] as? Int ?? epoch
        }
        #expect(epoch >= 20, "training goes on off the request path while playing")
        let paused = try await server.request("POST", "/api/sessions/\(id)/pause")
        #expect(paused.json?["playing"] as? Bool == false)
        try await Task.sleep(for: .milliseconds(300))
        let settled = try await server.request("GET", "/api/sessions/\(id)/status").json?["epoch"] as? Int
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await server.request("GET", "/api/sessions/\(id)/status").json?["epoch"] as? Int == settled)

        let reset = try await server.request("POST", "/api/sessions/\(id)/reset", body: #"{"dataset": "spirals", "units": 12}"#)
        let status = try #require(reset.json?["status"] as? [String: Any])
        #expect(status["epoch"] as? Int == 0 && status["generation"] as? Int == 1)
        #expect((status["neurons"] as? [Any])?.isEmpty == true, "no per-unit maps for 12 units per layer")

        #expect(try await server.request("POST", "/api/sessions/\(id)/close").status == 204)
        let gone = try await server.request("GET", "/api/sessions/\(id)/status")
        #expect(gone.status == 404 && (gone.json?["error"] as? String)?.contains("no session") == true)
        await server.stop()
    }

    @Test func thePageTheCatalogueAndHealthAreServed() async throws {
        let server = try await PlaygroundTestServer.start()
        for path in ["/", "/playground.js", "/playground.css"] {
            #expect(try await server.request("GET", path).status == 200, "GET \(path)")
        }
        let catalogue = try #require(try await server.request("GET", "/api/catalogue").json)
        #expect((catalogue["datasets"] as? [[String: String]])?.map { $0["value"] ?? "" }
                == ["xor", "moons", "circles", "spirals", "blobs", "plane", "gaussian", "own"])
        #expect((catalogue["features"] as? [[String: String]])?.map { $0["value"] ?? "" }
                == ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"])
        #expect((catalogue["limits"] as? [String: [Double]])?["units"] == [1, 100])
        let presets = (catalogue["presets"] as? [[String: Any]]) ?? []
        #expect(presets.map { ($0["settings"] as? [String: Double])?["hiddenLayers"] ?? -1 } == [0, 1, 1])
        #expect(presets.map { ($0["settings"] as? [String: Double])?["units"] } == [nil, 12, 60])
        let activations = (catalogue["activations"] as? [[String: String]])?.compactMap { $0["value"] } ?? []
        #expect(activations.contains("tanh") && !activations.contains("softmax"))
        #expect(try await server.request("GET", "/api/health").json?["status"] as? String == "ok")
        #expect(try await server.request("GET", "/api/sessions/nope/status").status == 404)
        await server.stop()
    }

    @Test func aDivergingNetworkPausesWithTheReasonAndTheServerKeepsServing() async throws {
        let server = try await PlaygroundTestServer.start()
        let id = try await server.openSession(
            #"{"optimizer": "sgd", "learningRate": 10, "activation": "relu", "hiddenLayers": 6, "units": 32}"#)
        try await server.request("POST", "/api/sessions/\(id)/play")
        var status: [String: Any] = [:]
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(100))
            let answer = try await server.request("GET", "/api/sessions/\(id)/status")
            #expect(answer.status == 200)
            status = answer.json ?? [:]
            if status["error"] is String { break }
        }
        #expect((status["error"] as? String)?.contains("NaN") == true, "\(status["error"] ?? "no error")")
        #expect(status["playing"] as? Bool == false)
        #expect(try await server.request("GET", "/api/health").status == 200)
        await server.stop()
    }
}
