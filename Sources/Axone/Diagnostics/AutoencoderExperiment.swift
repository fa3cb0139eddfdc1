import Foundation

/// A one-hidden-layer autoencoder on images with pixels in [0, 1] (Chollet's "Building
/// autoencoders in Keras", on Fashion-MNIST): `Dense(64, relu)` encodes each 784-pixel image,
/// `Dense(784, sigmoid)` decodes it, and the pair is trained with per-pixel binary cross-entropy to
/// give back its input.
///
/// ```swift
/// let result = try AutoencoderExperiment.run(train: train.allImages(), test: test.allImages(), seed: 0)
/// print(result.testError, result.meanImageError)     // reconstruction MSE, and the mean image's
/// let grid = try AutoencoderExperiment.comparison(of: test.allImages().rows(0..<10), by: result.model, imageRows: 28, imageColumns: 28)
/// ```
public enum AutoencoderExperiment {
    /// How the autoencoder is built and trained.
    public struct Settings: Sendable {
        /// The units of the code layer.
        public var codeSize: Int
        /// The number of training epochs.
        public var epochs: Int
        /// The mini-batch size.
        public var batchSize: Int
        /// Adam's learning rate.
        public var learningRate: Double

        /// Settings with the given code size, epochs, batch size and Adam learning rate.
        public init(codeSize: Int = 64, epochs: Int = 10, batchSize: Int = 128, learningRate: Double = 1e-3) {
            self.codeSize = codeSize
            self.epochs = epochs
            self.batchSize = batchSize
            self.learningRate = learningRate
        }
    }

    /// A trained autoencoder and how well it reconstructs the test images.
    public struct Result {
        /// The trained autoencoder.
        public var model: Model<Float>
        /// The training loss and reconstruction MSE (`loss`, `mse`) of every epoch.
        public var history: History
        /// The mean squared error per pixel of the test images' reconstructions.
        public var testError: Double
        /// The same error for the mean training image given as every test image's reconstruction:
        /// what a model that ignores its input at best achieves.
        public var meanImageError: Double
    }

    /// The functional model: `Input([pixels])` → `Dense(codeSize, relu)` named `code` →
    /// `Dense(pixels, sigmoid)` named `reconstruction`.
    public static func model(pixels: Int = 784, codeSize: Int = Settings().codeSize, seed: UInt64) throws -> Model<Float> {
        let inputs = Input<Float>(shape: [pixels], seed: seed)
        let code = try Dense(codeSize, activation: .relu, name: "code")(inputs)
        return try Model(inputs: [inputs], outputs: [Dense(pixels, activation: .sigmoid, name: "reconstruction")(code)])
    }

    /// Trains an autoencoder on the `[n, pixels]` images of `train` (each image its own target) with
    /// Adam, then measures its reconstructions of `test`.
    /// - Throws: ``TrainingError`` for settings `fit` refuses, or images of different sizes.
    public static func run(train: Tensor<Float>, test: Tensor<Float>, settings: Settings = Settings(),
                           seed: UInt64) throws -> Result {
        guard train.rank == 2, test.rank == 2, train.shape[1] == test.shape[1], train.shape[0] > 0 else {
            throw TrainingError.invalidArgument("AutoencoderExperiment: needs [n, pixels] images of one size, got \(train.shape) and \(test.shape)")
        }
        let model = try Self.model(pixels: train.shape[1], codeSize: settings.codeSize, seed: seed)
        model.compile(optimizer: Adam(learningRate: settings.learningRate), loss: .binaryCrossEntropy(), metrics: [.meanSquaredError])
        let history = try model.fit(train, train, epochs: settings.epochs, batchSize: settings.batchSize, verbose: .progressBarOnly, seed: seed)
        let difference = test - train.mean(alongAxes: [0])
        return Result(model: model, history: history, testError: try model.evaluate(test, test)["mse"]!,
                      meanImageError: Double((difference * difference).mean().scalar))
    }

    /// `images` (`[k, imageRows · imageColumns]`) over their reconstructions by `model`.
    /// - Throws: ``TrainingError`` when the images do not fit the model, ``TensorError`` when they
    ///   are not `imageRows × imageColumns`.
    public static func comparison(of images: Tensor<Float>, by model: Model<Float>, imageRows: Int, imageColumns: Int) throws -> ImageGrid {
        try ImageGrid(title: "Test images and their reconstructions", imageRows: imageRows, imageColumns: imageColumns,
                      rows: [.init(label: "input", images: images), .init(label: "reconstruction", images: try model.predict(images))])
    }
}
