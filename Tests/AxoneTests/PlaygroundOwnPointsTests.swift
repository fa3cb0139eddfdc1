import Foundation
import Testing
@testable import AxonePlayground

/// `POST /api/sessions/{id}/points`: the reader's own points replace the data while the network,
/// its epoch and its weights carry on; bad points are refused with 400 and change nothing.
@Suite struct PlaygroundOwnPointsTests {
    @Test func ownPointsReplaceTheDataAndTheNetworkKeepsTraining() async throws {
        let server = try await PlaygroundTestServer.start()
        let id = try await server.openSession(#"{"dataset": "xor", "seed": 1}"#)
        try await server.request("POST", "/api/sessions/\(id)/step")
        let before = try await server.request("POST", "/api/sessions/\(id)/step").json ?? [:]
        #expect(before["epoch"] as? Int == 2)

        let points = #"{"points": [[-1, -1, 0], [1, 1, 1], [-1, 1, 0], [1, -1, 1], [0.5, 0.5, 1]]}"#
        let edited = try await server.request("POST", "/api/sessions/\(id)/points", body: points)
        #expect(edited.status == 200)
        let settings = try #require(edited.json?["settings"] as? [String: Any])
        #expect(settings["dataset"] as? String == "own" && (settings["ownPoints"] as? [[Double]])?.count == 5)
        let data = try #require(edited.json?["data"] as? [String: Any])
        // trainRatio 0.5 over own points: the 1st, 3rd and 5th train, the others test.
        #expect(data["train"] as? [[Double]] == [[-1, -1, 0], [-1, 1, 0], [0.5, 0.5, 1]])
        #expect(data["test"] as? [[Double]] == [[1, 1, 1], [1, -1, 1]])
        let domain = try #require(data["domain"] as? [String: Double])
        #expect(domain["xMin"] == -1.5 && domain["xMax"] == 1.5, "own points keep the fixed square: \(domain)")
        let status = try #require(edited.json?["status"] as? [String: Any])
        #expect(status["epoch"] as? Int == 2 && status["generation"] as? Int == 0, "the network carries on")
        #expect(Self.weights(status) == Self.weights(before), "replacing the points keeps the weights")

        let trained = try await server.request("POST", "/api/sessions/\(id)/step").json ?? [:]
        #expect(trained["epoch"] as? Int == 3 && Self.weights(trained) != Self.weights(before))

        let cleared = try await server.request("POST", "/api/sessions/\(id)/points", body: #"{"points": []}"#)
        #expect(cleared.status == 200 && ((cleared.json?["data"] as? [String: Any])?["train"] as? [Any])?.isEmpty == true)
        let idle = try await server.request("POST", "/api/sessions/\(id)/step").json ?? [:]
        #expect(idle["epoch"] as? Int == 3 && (idle["error"] as? String)?.contains("no training points") == true)
        await server.stop()
    }

    @Test func badPointsAreRefusedWith400AndChangeNothing() async throws {
        let server = try await PlaygroundTestServer.start()
        let id = try await server.openSession(#"{"dataset": "moons"}"#)
        let regression = try await server.openSession(#"{"dataset": "gaussian", "loss": "mse"}"#)
        let tooMany = "{\"points\": [" + (0..<2001).map { "[0, \(Double($0) / 1000), \($0 % 2)]" }.joined(separator: ",") + "]}"
        let cases: [(session: String, body: String?, mentions: String)] = [
            (id, tooMany, "at most 2000"),
            (id, #"{"points": [[0, 0, 3]]}"#, "ownPoints[0]"),
            (id, #"{"points": [[0, 0, 1, 4]]}"#, "ownPoints[0]"),
            (id, #"{"points": [[0, 0, 1]"#, "JSON"),
            (id, #"{"dots": []}"#, "points"),
            (id, nil, "points"),
            (regression, #"{"points": [[0, 0, 1]]}"#, "classification"),
        ]
        for (session, body, mentions) in cases {
            let answer = try await server.request("POST", "/api/sessions/\(session)/points", body: body)
            let error = answer.json?["error"] as? String ?? ""
            #expect(answer.status == 400 && error.contains(mentions), "\(body?.prefix(60) ?? "no body"): \(answer.status) \(error)")
        }
        let status = try await server.request("GET", "/api/sessions/\(id)/status")
        #expect(status.status == 200)
        await server.stop()
    }

    /// The status's weights, layer by layer.
    static func weights(_ status: [String: Any]) -> [[Double]] {
        ((status["weights"] as? [[String: Any]]) ?? []).map { $0["weight"] as? [Double] ?? [] }
    }
}
