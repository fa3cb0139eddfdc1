/// The convolutional networks of the notes and of the CNN benchmark, for 28×28 grayscale images
/// `[28, 28, 1]` (Fashion-MNIST served by ``LabeledImages/channelsLast``) and 10 classes. The last
/// layer gives logits: compile with `.categoricalCrossEntropy()` (softmax from logits).
public enum FashionMNISTNetwork: String, CaseIterable, Sendable {
    /// Conv2D 32 3×3 ReLU → MaxPool 2 → Conv2D 64 3×3 ReLU → MaxPool 2 → Flatten → Dense 128 ReLU
    /// → Dense 10 (softmax in the loss): the 2-conv network, 225,034 parameters.
    case twoConv = "cnn"
    /// LeNet-5 in its modern form: Conv2D 6 5×5 `same` ReLU → MaxPool 2 → Conv2D 16 5×5 ReLU →
    /// MaxPool 2 → Flatten → Dense 120 ReLU → Dense 84 ReLU → Dense 10, 61,706 parameters.
    case leNet5 = "lenet"

    /// Where the regularised networks put ``Dropout`` layers, and their rates.
    public struct DropoutRates: Sendable, Equatable {
        /// The rate of the Dropout after each pooling layer.
        public var features: Double
        /// The rate of the Dropout after each hidden Dense layer.
        public var hidden: Double

        /// Creates the rates (0 leaves the layer out).
        public init(features: Double, hidden: Double) { (self.features, self.hidden) = (features, hidden) }

        /// The same rate everywhere.
        public static func uniform(_ rate: Double) -> DropoutRates { DropoutRates(features: rate, hidden: rate) }
        /// No dropout.
        public static let none = DropoutRates.uniform(0)
        /// Keras's CNN recipe (its `mnist_cnn` example): 0.25 after the convolutions' pooling, 0.5
        /// after the hidden Dense layer.
        public static let keras = DropoutRates(features: 0.25, hidden: 0.5)
    }

    /// How `axone demo` trains a network: Adam at `learningRate` halved every `halvingEpochs`
    /// epochs, `epochs` epochs of batches of 128, with `dropout`, on images shifted by up to
    /// `maxShift` pixels and mirrored with probability `flipProbability` (``AugmentedImages``).
    public struct Recipe: Sendable, Equatable {
        /// The epochs of training.
        public var epochs: Int
        /// Adam's initial learning rate.
        public var learningRate: Double
        /// The epochs between two halvings of the learning rate.
        public var halvingEpochs: Int
        /// The dropout rates.
        public var dropout: DropoutRates
        /// The largest shift of a training image, in pixels (0: none).
        public var maxShift: Int
        /// The probability of mirroring a training image left to right.
        public var flipProbability: Double

        /// The augmentation of the training images, or `nil` when the recipe has none.
        public var augmentation: ImageAugmentation? {
            guard maxShift > 0 || flipProbability > 0 else { return nil }
            return try? ImageAugmentation(rows: 28, columns: 28, maxShift: maxShift, flipProbability: flipProbability)
        }
    }

    /// The network's training recipe (see the README for its measured test accuracy).
    public var recipe: Recipe {
        switch self {
        case .twoConv:
            Recipe(epochs: 30, learningRate: 1e-3, halvingEpochs: 10, dropout: .init(features: 0.2, hidden: 0.4), maxShift: 0, flipProbability: 0)
        case .leNet5:
            Recipe(epochs: 30, learningRate: 1e-3, halvingEpochs: 10, dropout: .none, maxShift: 0, flipProbability: 0)
        }
    }

    /// The network with its weights drawn from `seed` (He initialisation, as for the MLP demo).
    /// A ``Dropout`` of rate `dropout.features` follows each pooling layer, and one of rate
    /// `dropout.hidden` each hidden Dense layer (left out where the rate is 0); dropout has no
    /// parameters, so the count is the same.
    /// - Throws: ``LayerError`` for a rate outside `0..<1`; the layers accept their input shapes.
    public func model(seed: UInt64, dropout: DropoutRates = .none) throws -> Sequential<Float> {
        func regularised(_ rate: Double) throws -> [Layer<Float>] { rate != 0 ? [try Dropout<Float>(rate: rate)] : [] }
        // Both are two convolutions, each followed by 2×2 max pooling, then ReLU Dense layers and
        // Dense(10); only the convolutions and the hidden widths differ.
        let (convolutions, hiddenWidths): ([Conv2D<Float>], [Int]) = switch self {
        case .twoConv:
            ([Conv2D(filters: 32, kernelSize: 3, activation: .relu, kernelInitializer: .heNormal),
              Conv2D(filters: 64, kernelSize: 3, activation: .relu, kernelInitializer: .heNormal)], [128])
        case .leNet5:
            ([Conv2D(filters: 6, kernelSize: 5, padding: .same, activation: .relu, kernelInitializer: .heNormal),
              Conv2D(filters: 16, kernelSize: 5, activation: .relu, kernelInitializer: .heNormal)], [120, 84])
        }
        return try Sequential<Float>(inputShape: [28, 28, 1], seed: seed) {
            for convolution in convolutions {
                convolution
                MaxPooling2D(poolSize: 2)
                try regularised(dropout.features)
            }
            Flatten()
            for width in hiddenWidths {
                Dense(width, activation: .relu, kernelInitializer: .heNormal)
                try regularised(dropout.hidden)
            }
            Dense(10, kernelInitializer: .heNormal)
        }
    }
}
