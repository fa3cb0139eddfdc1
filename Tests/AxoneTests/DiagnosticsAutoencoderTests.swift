import Foundation
import Testing
@testable import Axone

/// The 784-64-784 autoencoder on a slice of Fashion-MNIST, and the image grid that shows its work.
@Suite struct DiagnosticsAutoencoderTests {
    @Test func reconstructionsBeatTheMeanImageByFar() throws {
        let train = try FashionMNIST.load(split: .train).subset(0..<2000).allImages()
        let test = try FashionMNIST.load(split: .test).subset(0..<500).allImages()
        // 189 Adam steps at a learning rate above the experiment's 1e-3, so that a debug build gets there quickly.
        let settings = AutoencoderExperiment.Settings(epochs: 3, batchSize: 32, learningRate: 5e-3)
        let result = try AutoencoderExperiment.run(train: train, test: test, settings: settings, seed: 0)
        #expect(result.model.summary().contains(" Total params: 101,200"))   // (784·64 + 64) + (64·784 + 784)

        // The baseline, computed here: every test image "reconstructed" as the mean training image.
        let pixels = 784, n = Double(train.shape[0])
        var meanImage = [Double](repeating: 0, count: pixels)
        for (index, value) in train.scalars.enumerated() { meanImage[index % pixels] += Double(value) / n }
        let baseline = test.scalars.enumerated().map { pow(Double($1) - meanImage[$0 % pixels], 2) }.reduce(0, +) / Double(test.count)
        #expect(abs(result.meanImageError - baseline) < 1e-5 * baseline, "\(result.meanImageError) vs \(baseline)")

        // The reported error is the MSE of the model's reconstructions, well below the baseline.
        let reconstructions = try result.model.predict(test)
        let error = zip(reconstructions.scalars, test.scalars).map { pow(Double($0 - $1), 2) }.reduce(0, +) / Double(test.count)
        #expect(abs(result.testError - error) < 1e-5 * error, "\(result.testError) vs \(error)")
        #expect(error < 0.5 * baseline, "reconstruction MSE \(error), mean image \(baseline)")
        #expect(result.history["loss"].count == 3 && result.history["loss"][2] < result.history["loss"][0])

        let grid = try AutoencoderExperiment.comparison(of: test.rows(0..<6), by: result.model, imageRows: 28, imageColumns: 28)
        let parsed = try #require(ParsedSVG.parse(grid.svg))
        #expect(parsed.count("rect", class: "image") == 2 * 6)
        #expect(parsed.texts.contains("input") && parsed.texts.contains("reconstruction"))
        #expect(throws: TrainingError.self) {
            try AutoencoderExperiment.run(train: train, test: Tensor<Float>.zeros([2, 10]), seed: 0)
        }
    }

    @Test func imageGridMergesRunsOfEqualGrayAndSkipsBlack() throws {
        // Two 2×3 images: a white pixel over a gray row, and a black image.
        let grid = try ImageGrid(title: "t", imageRows: 2, imageColumns: 3, rows: [
            .init(label: "a", images: [[0, 0, 1, 0.5, 0.5, 0.5], [0, 0, 0, 0, 0, 0]]),
            .init(label: "b", images: Tensor<Float>(shape: [1, 6], scalars: [0.2, 0.2, 0.8, -1, 2, .nan]))], pixelSize: 4)
        let parsed = try #require(ParsedSVG.parse(grid.svg))
        #expect(parsed.count("rect", class: "image") == 3)
        let pixels = parsed.elements.filter { $0.attributes["class"] == "pixel" }
            .map { [$0.attributes["fill"]!, $0.attributes["width"]!] }
        // 0.5 → 128 (#80); 0.2 → 51 (#33); 0.8 → 204 (#cc); -1 and NaN → black (skipped); 2 → white.
        #expect(pixels == [["#ffffff", "4"], ["#808080", "12"], ["#333333", "8"], ["#cccccc", "4"], ["#ffffff", "4"]])
        #expect(parsed.texts == ["t", "a", "b"])
        #expect(throws: TensorError.self) {
            try ImageGrid(imageRows: 2, imageColumns: 3, rows: [.init(label: "short", images: [[0, 1]])])
        }
        #expect(throws: TensorError.self) { try ImageGrid(imageRows: 0, imageColumns: 3, rows: []) }
    }
}
