import Foundation
import Testing
@testable import AxonePlayground

/// What the panel's settings do to the network the server trains: input features, regression
/// data, L1, wide layers, and what the status draws (the weights, the two-unit hidden space).
@Suite struct PlaygroundNetworkTests {
    /// Steps session `id` `epochs` times and returns the last status.
    static func train(_ server: PlaygroundTestServer, _ id: String, epochs: Int) async throws -> [String: Any] {
        var status: [String: Any] = [:]
        for _ in 0..<epochs { status = try await server.request("POST", "/api/sessions/\(id)/step").json ?? [:] }
        return status
    }

    @Test func squaredFeaturesLetALinearModelSeparateCircles() async throws {
        let server = try await PlaygroundTestServer.start()
        let common = #""dataset": "circles", "noise": 0.05, "hiddenLayers": 0, "learningRate": 0.1, "seed": 2"#
        let plain = try await server.openSession("{\(common)}")
        let squared = try await server.openSession(#"{\#(common), "features": ["x1sq", "x2sq"]}"#)
        let plainStatus = try await Self.train(server, plain, epochs: 30)
        let squaredStatus = try await Self.train(server, squared, epochs: 30)
        let plainAccuracy = try #require(plainStatus["testAccuracy"] as? Double)
        let squaredAccuracy = try #require(squaredStatus["testAccuracy"] as? Double)
        #expect(plainAccuracy < 0.75, "x₁, x₂ alone: a line cannot separate circles (\(plainAccuracy))")
        #expect(squaredAccuracy > 0.95, "x₁², x₂²: the circles are a line apart (\(squaredAccuracy))")
        let weights = try #require(squaredStatus["weights"] as? [[String: Any]])
        #expect(weights.map { $0["inputs"] as? Int } == [2] && weights.map { $0["units"] as? Int } == [2])
        await server.stop()
    }

    @Test func regressionDataTrainsOneLinearOutputOnMSE() async throws {
        let server = try await PlaygroundTestServer.start()
        let created = try await server.request("POST", "/api/sessions",
                                               body: #"{"dataset": "plane", "loss": "mse", "noise": 0, "hiddenLayers": 0, "learningRate": 0.05}"#)
        let data = try #require(created.json?["data"] as? [String: Any])
        #expect(data["regression"] as? Bool == true)
        let targets = ((data["train"] as? [[Double]]) ?? []).map { $0[2] }
        #expect(targets.contains { $0 != 0 && $0 != 1 } && targets.allSatisfy { (-1...1).contains($0) }, "values, not classes")
        let id = try #require(created.json?["id"] as? String)
        let status = try await Self.train(server, id, epochs: 40)
        #expect(status["testAccuracy"] == nil && status["trainAccuracy"] == nil, "a regression has no accuracy")
        #expect((status["testLoss"] as? Double ?? 1) < 0.001, "a linear model fits the plane: \(status["testLoss"] ?? "none")")
        #expect((status["weights"] as? [[String: Any]])?.last?["units"] as? Int == 1)
        await server.stop()
    }

    @Test func anL1PenaltyShrinksTheWeights() async throws {
        let server = try await PlaygroundTestServer.start()
        let common = #""dataset": "moons", "hiddenLayers": 1, "units": 8, "seed": 4, "optimizer": "sgd", "learningRate": 0.1"#
        func totalWeight(_ l1: Double) async throws -> Double {
            let id = try await server.openSession(#"{\#(common), "l1": \#(l1)}"#)
            let status = try await Self.train(server, id, epochs: 15)
            return PlaygroundOwnPointsTests.weights(status).joined().map(abs).reduce(0, +)
        }
        let free = try await totalWeight(0), penalised = try await totalWeight(0.01)
        #expect(penalised < 0.8 * free, "Σ|w| with L1 0.01: \(penalised), without: \(free)")
        await server.stop()
    }

    @Test func wideLayersUpToAHundredUnitsTrainAndShowTheirWeights() async throws {
        let server = try await PlaygroundTestServer.start()
        let id = try await server.openSession(#"{"hiddenLayers": 2, "units": 100}"#)
        let status = try await Self.train(server, id, epochs: 1)
        let weights = try #require(status["weights"] as? [[String: Any]])
        #expect(weights.map { $0["inputs"] as? Int } == [2, 100, 100] && weights.map { $0["units"] as? Int } == [100, 100, 2])
        #expect(weights.map { ($0["weight"] as? [Double])?.count } == [200, 10_000, 200])
        #expect(status["epoch"] as? Int == 1 && (status["neurons"] as? [Any])?.isEmpty == true)
        await server.stop()
    }

    @Test func aTwoUnitHiddenLayerShowsTheDataAndTheGridInItsPlane() async throws {
        let server = try await PlaygroundTestServer.start()
        let created = try await server.request("POST", "/api/sessions", body: #"{"hiddenLayers": 2, "units": 2, "points": 100}"#)
        let view = try #require((created.json?["status"] as? [String: Any])?["hiddenSpace"] as? [String: Any])
        #expect(view["layer"] as? Int == 0)
        #expect((view["points"] as? [[Double]])?.count == 100 && (view["grid"] as? [[Double]])?.count == 15 * 15)
        // tanh units: every mapped coordinate lies in (−1, 1).
        let mapped: [[Double]] = ((view["points"] as? [[Double]]) ?? []) + ((view["grid"] as? [[Double]]) ?? [])
        let coordinates = mapped.flatMap { $0 }
        #expect(coordinates.allSatisfy { abs($0) < 1 } && Set(coordinates).count > 100)
        let wide = try await server.request("POST", "/api/sessions", body: #"{"hiddenLayers": 1, "units": 3}"#)
        #expect((wide.json?["status"] as? [String: Any])?["hiddenSpace"] == nil, "no two-unit layer, no view")
        await server.stop()
    }
}
