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

    /// The network with its weights drawn from `seed` (He initialisation, as for the MLP demo).
    /// With a `dropout` rate above 0, a ``Dropout`` of that rate follows each pooling layer and each
    /// hidden Dense layer (the regularisation the Zalando benchmark's CNN recipes use); dropout has
    /// no parameters, so the count is the same.
    /// - Throws: ``LayerError`` for a rate outside `0..<1`; the layers accept their input shapes.
    public func model(seed: UInt64, dropout: Double = 0) throws -> Sequential<Float> {
        func regularised() throws -> [Layer<Float>] { dropout > 0 ? [try Dropout<Float>(rate: dropout)] : [] }
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
                try regularised()
            }
            Flatten()
            for width in hiddenWidths {
                Dense(width, activation: .relu, kernelInitializer: .heNormal)
                try regularised()
            }
            Dense(10, kernelInitializer: .heNormal)
        }
    }
}
