import Foundation
import Testing
@testable import AxonePlayground

/// The catalogue's capacity presets, after seed 001's account of ConvNetJS's demo: with no hidden
/// neuron the network underfits (a line cannot fit circles, on the training points either), with
/// 12 it fits, with 60 it learns its 40 noisy training points (noise included) better than it
/// predicts the test points. (On this data the 60-neuron network's test accuracy is not reliably
/// below the 12-neuron one's: 0.775 against 0.825 after 300 epochs, 0.80 against 0.85 after 500.)
@Suite struct PlaygroundPresetTests {
    static let epochs = 300

    @Test func thePresetsUnderfitFitAndOverfit() async throws {
        let server = try await PlaygroundTestServer.start()
        var results: [String: (train: Double, test: Double)] = [:]
        for preset in PlaygroundPreset.capacity {
            var settings: [String: Any] = preset.settings
            settings["dataset"] = preset.dataset
            settings["features"] = preset.features
            let body = String(decoding: try JSONSerialization.data(withJSONObject: settings), as: UTF8.self)
            let id = try await server.openSession(body)
            let status = try await PlaygroundNetworkTests.train(server, id, epochs: Self.epochs)
            results[preset.value] = (status["trainAccuracy"] as? Double ?? 0, status["testAccuracy"] as? Double ?? 0)
        }
        let underfit = try #require(results["underfit"]), good = try #require(results["good-fit"]), overfit = try #require(results["overfit"])
        print("presets after \(Self.epochs) epochs (train, test accuracy): underfit \(underfit), good fit \(good), overfit \(overfit)")
        #expect(underfit.train < 0.7 && underfit.test < 0.7, "a line cannot fit circles: \(underfit)")
        #expect(good.train > 0.9 && good.test > 0.8, "12 hidden neurons fit: \(good)")
        #expect(overfit.train >= 0.95 && overfit.train - overfit.test >= 0.1,
                "60 hidden neurons learn the training points' noise: \(overfit)")
        await server.stop()
    }
}
