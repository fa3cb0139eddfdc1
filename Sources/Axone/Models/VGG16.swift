/// What ``VGG16(_:includeTop:inputShape:pooling:classes:seed:)`` puts after the convolutional base
/// when it has no classifier (Keras's `pooling` argument).
public enum VGG16Pooling: String, Sendable, CaseIterable {
    /// `GlobalAveragePooling2D`: the output is `[512]`.
    case average = "avg"
    /// `GlobalMaxPooling2D`: the output is `[512]`.
    case max
}

/// VGG16 (Simonyan & Zisserman 2014, configuration D; seed 002), built as Keras's
/// `keras.applications.VGG16(weights=None, …)` is: a graph model named `vgg16` whose input is
/// `input_1`, five blocks of 3×3 `same` ReLU convolutions (64, 128, 256, 512, 512 filters; 2, 2,
/// 3, 3, 3 layers, `block1_conv1` … `block5_conv3`) each ended by a 2×2 max pooling
/// (`block1_pool` … `block5_pool`), then, with `includeTop`, `flatten`, `fc1` and `fc2` (Dense
/// 4096, ReLU) and `predictions` (Dense `classes`, softmax). Weights are Keras's defaults
/// (Glorot-uniform kernels, zero biases) drawn from `seed`; no pre-trained weights are available.
///
/// On `[224, 224, 3]` with 1,000 classes its ``Model/summary()`` is seed 002's table: 138,357,544
/// parameters (553 MB in `Float`, allocated once). The notes' transfer recipe reuses the base:
///
/// ```swift
/// let model = try VGG16(includeTop: false, inputShape: [300, 300, 3])
/// let flat1 = try Flatten()(model.output())
/// let class1 = try Dense(1024, activation: .relu)(flat1)
/// let output = try Dense(10, activation: .softmax)(class1)
/// let transfer = try Model(inputs: model.inputs, outputs: [output])
/// ```
/// - Parameters:
///   - _: the scalar type of the model, `Float` by default.
///   - includeTop: whether to add the three Dense layers of the classifier.
///   - inputShape: one image `[height, width, channels]`, at least 32×32 (five poolings halve it).
///   - pooling: without the top, an optional global pooling after `block5_pool`.
///   - classes: the number of classes of `predictions`.
///   - seed: seeds the weights' initialisers (Glorot-uniform), so one seed gives the same weights.
/// - Throws: ``LayerError/invalidArgument(layer:message:)`` for an input shape that is not an image
///   of at least 32×32, a non-positive `classes`, or `pooling` with `includeTop`;
///   ``LayerError/tooLarge(layer:bytes:available:)`` when the weights would not fit in memory.
public func VGG16<Scalar: TensorScalar>(_: Scalar.Type = Float.self, includeTop: Bool = true, inputShape: [Int] = [224, 224, 3],
                                        pooling: VGG16Pooling? = nil, classes: Int = 1000, seed: UInt64 = 0) throws -> Model<Scalar> {
    guard inputShape.count == 3, inputShape[0] >= 32, inputShape[1] >= 32, inputShape[2] > 0 else {
        throw LayerError.invalidArgument(layer: "VGG16", message: "inputShape must be an image [height, width, channels] of at least 32×32, got \(inputShape)")
    }
    guard classes > 0 else { throw LayerError.invalidArgument(layer: "VGG16", message: "classes must be positive, got \(classes)") }
    guard !(includeTop && pooling != nil) else {
        throw LayerError.invalidArgument(layer: "VGG16", message: "pooling applies without the top (includeTop: false)")
    }
    let input = Input<Scalar>(shape: inputShape, name: "input_1", seed: seed)
    var x = input
    for (block, (filters, convolutions)) in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)].enumerated() {
        for index in 1...convolutions {
            x = try Conv2D(filters: filters, kernelSize: 3, padding: .same, activation: .relu, name: "block\(block + 1)_conv\(index)")(x)
        }
        x = try MaxPooling2D(poolSize: 2, strides: 2, name: "block\(block + 1)_pool")(x)
    }
    if includeTop {
        x = try Flatten(name: "flatten")(x)
        x = try Dense(4096, activation: .relu, name: "fc1")(x)
        x = try Dense(4096, activation: .relu, name: "fc2")(x)
        x = try Dense(classes, activation: .softmax, name: "predictions")(x)
    } else if let pooling {
        x = try (pooling == .average ? GlobalAveragePooling2D(name: "global_average_pooling2d") as Layer<Scalar>
                                     : GlobalMaxPooling2D(name: "global_max_pooling2d"))(x)
    }
    return try Model(inputs: [input], outputs: [x], name: "vgg16")
}
