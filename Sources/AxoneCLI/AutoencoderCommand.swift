import ArgumentParser
import Axone
import Foundation

/// `axone experiment autoencoder`: a 784-64-784 autoencoder on Fashion-MNIST, built with the
/// functional API.
struct AutoencoderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoencoder",
        abstract: "A 784-64-784 autoencoder on Fashion-MNIST: test reconstruction error and test images over their reconstructions.",
        discussion: """
            Dense(64, relu) then Dense(784, sigmoid), trained with Adam on per-pixel binary cross-entropy. Prints the \
            test reconstruction MSE next to that of the mean training image, and writes an SVG of the first test image \
            of each class (--images of them) over its reconstruction.
            """)
    @OptionGroup var options: ExperimentOptions
    @Option(parsing: .unconditional, help: "Training images: the first N of the 60,000.") var train = 60000
    @Option(parsing: .unconditional, help: "Units of the code layer.") var code = 64
    @Option(parsing: .unconditional, help: "Test images to show, one per class (at most 10).") var images = 10

    func validate() throws {
        try OptionError.require(train, "train", atLeast: 1)
        try OptionError.require(code, "code", atLeast: 1)
        try OptionError.require(images, "images", "in 1...10") { (1...10).contains($0) }
    }

    func run() throws {
        let (train, test) = try options.load(trainingImages: self.train)
        let testImages = test.allImages()
        let settings = AutoencoderExperiment.Settings(codeSize: code, epochs: options.epochs)
        let result = try AutoencoderExperiment.run(train: train.allImages(), test: testImages, settings: settings, seed: options.seed)
        print("\(train.pixelsPerImage)-\(code)-\(train.pixelsPerImage) autoencoder, \(counted(train.count, "training image")), "
              + "\(counted(settings.epochs, "epoch")): " + String(format: "training loss (binary cross-entropy) %.4f", result.history["loss"].last!))
        print(String(format: "Test reconstruction MSE %.5f per pixel (the mean training image: %.5f)", result.testError, result.meanImageError))
        // The first test image of each of the first `images` classes.
        let shown = (0..<images).compactMap { label in test.labels.firstIndex(of: label) }
        let grid = try AutoencoderExperiment.comparison(of: testImages.rows(at: shown), by: result.model,
                                                        imageRows: test.rows, imageColumns: test.columns)
        try writeFile(grid.svg, to: options.output ?? "autoencoder.svg")
    }
}
