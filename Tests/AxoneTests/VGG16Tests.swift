import Foundation
import Testing
@testable import Axone

/// VGG16 as seed 002 shows it (Keras's `keras.applications.VGG16`).
@Suite struct VGG16Tests {
    /// Seed 002, lines 584–607 (`model = VGG16(); model.summary()`), as printed there: name (type),
    /// output shape, parameters, separated by tabs. Line 609: `Total params: 138,357,544`.
    static let seedTable = """
        Layer (type)\tOutput Shape\tParam #
        input_1 (InputLayer)\t(None, 224, 224, 3)\t0
        block1_conv1 (Conv2D)\t(None, 224, 224, 64)\t1792
        block1_conv2 (Conv2D)\t(None, 224, 224, 64)\t36928
        block1_pool (MaxPooling2D)\t(None, 112, 112, 64)\t0
        block2_conv1 (Conv2D)\t(None, 112, 112, 128)\t73856
        block2_conv2 (Conv2D)\t(None, 112, 112, 128)\t147584
        block2_pool (MaxPooling2D)\t(None, 56, 56, 128)\t0
        block3_conv1 (Conv2D)\t(None, 56, 56, 256)\t295168
        block3_conv2 (Conv2D)\t(None, 56, 56, 256)\t590080
        block3_conv3 (Conv2D)\t(None, 56, 56, 256)\t590080
        block3_pool (MaxPooling2D)\t(None, 28, 28, 256)\t0
        block4_conv1 (Conv2D)\t(None, 28, 28, 512)\t1180160
        block4_conv2 (Conv2D)\t(None, 28, 28, 512)\t2359808
        block4_conv3 (Conv2D)\t(None, 28, 28, 512)\t2359808
        block4_pool (MaxPooling2D)\t(None, 14, 14, 512)\t0
        block5_conv1 (Conv2D)\t(None, 14, 14, 512)\t2359808
        block5_conv2 (Conv2D)\t(None, 14, 14, 512)\t2359808
        block5_conv3 (Conv2D)\t(None, 14, 14, 512)\t2359808
        block5_pool (MaxPooling2D)\t(None, 7, 7, 512)\t0
        flatten (Flatten)\t(None, 25088)\t0
        fc1 (Dense)\t(None, 4096)\t102764544
        fc2 (Dense)\t(None, 4096)\t16781312
        predictions (Dense)\t(None, 1000)\t4097000
        """

    /// One row of a summary: `name (Type)`, `(None, …)`, the parameter count without separators.
    struct Row: Equatable, CustomStringConvertible {
        var layer: String, shape: String, parameters: Int
        var description: String { "\(layer)\t\(shape)\t\(parameters)" }
    }

    /// The rows of the seed's table.
    static var seedRows: [Row] {
        seedTable.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: "\t").map(String.init)
            return Row(layer: cells[0], shape: cells[1], parameters: Int(cells[2])!)
        }
    }

    /// The rows of an Axone summary: ` name (Type)   (None, …)   1,792   [connected to]`.
    static func rows(of summary: String) throws -> [Row] {
        let pattern = try Regex(#"^ (\S+ \(\w+\))\s+(\(None(?:, \d+)*\))\s+([\d,]+)"#)
        return summary.split(separator: "\n").compactMap { line in
            guard let match = try? pattern.firstMatch(in: String(line)),
                  let layer = match.output[1].substring, let shape = match.output[2].substring,
                  let count = match.output[3].substring else { return nil }
            return Row(layer: String(layer), shape: String(shape), parameters: Int(count.replacingOccurrences(of: ",", with: ""))!)
        }
    }

    /// The summary reproduces the seed's table row by row — names, types, output shapes, parameter
    /// counts — and its total. Building allocates the 553 MB of weights once (no forward pass here:
    /// `swift run -c release AxoneBench vgg16` times one).
    @Test func summaryReproducesSeed002RowByRow() throws {
        let model = try VGG16(includeTop: true, inputShape: [224, 224, 3], classes: 1000)
        let summary = model.summary()
        let rows = try Self.rows(of: summary)
        #expect(rows.count == 23)
        for (row, expected) in zip(rows, Self.seedRows) { #expect(row == expected) }
        #expect(summary.contains(" Total params: 138,357,544"))
        #expect(summary.contains(" Trainable params: 138,357,544") && summary.contains(" Non-trainable params: 0"))
        #expect(model.trainableParameterCount == 138_357_544)
        #expect(model.name == "vgg16" && model.layerNames.first == "block1_conv1" && model.layerNames.last == "predictions")
    }

    /// Seed 002 lines 617–623, with the functional API: the base without its top on 300×300 images,
    /// then Flatten, Dense(1024, relu), Dense(10, softmax). Expected shapes and counts by hand
    /// (Keras computes the same): five poolings take 300 to 150, 75, 37, 18, 9; the base holds
    /// 14,714,688 parameters (the seed's table without fc1, fc2 and predictions), flatten gives
    /// 9·9·512 = 41,472 features, Dense(1024) 41,472·1,024 + 1,024 = 42,468,352, Dense(10) 10,250.
    @Test func seed002TransferHeadOnTheBaseWithoutTop() throws {
        let model = try VGG16(includeTop: false, inputShape: [300, 300, 3])
        let flat1 = try Flatten()(model.output())
        let class1 = try Dense(1024, activation: .relu)(flat1)
        let output = try Dense(10, activation: .softmax)(class1)
        let transfer = try Model(inputs: model.inputs, outputs: [output])

        #expect(model.trainableParameterCount == 14_714_688)
        #expect(try model.output().shape == [9, 9, 512])
        let rows = try Self.rows(of: transfer.summary())
        #expect(rows.count == 22)                                               // the input, 18 base layers, the 3 new ones
        #expect(rows.first == Row(layer: "input_1 (InputLayer)", shape: "(None, 300, 300, 3)", parameters: 0))
        #expect(rows.map(\.shape).dropFirst().prefix(18) == [
            "(None, 300, 300, 64)", "(None, 300, 300, 64)", "(None, 150, 150, 64)",
            "(None, 150, 150, 128)", "(None, 150, 150, 128)", "(None, 75, 75, 128)",
            "(None, 75, 75, 256)", "(None, 75, 75, 256)", "(None, 75, 75, 256)", "(None, 37, 37, 256)",
            "(None, 37, 37, 512)", "(None, 37, 37, 512)", "(None, 37, 37, 512)", "(None, 18, 18, 512)",
            "(None, 18, 18, 512)", "(None, 18, 18, 512)", "(None, 18, 18, 512)", "(None, 9, 9, 512)",
        ])
        // The convolutions have the counts of the seed's table (they do not depend on the image size).
        #expect(rows.dropFirst().prefix(18).map(\.parameters) == Self.seedRows.dropFirst().prefix(18).map(\.parameters))
        #expect(Array(rows.suffix(3)) == [Row(layer: "flatten (Flatten)", shape: "(None, 41472)", parameters: 0),
                                          Row(layer: "dense (Dense)", shape: "(None, 1024)", parameters: 42_468_352),
                                          Row(layer: "dense_1 (Dense)", shape: "(None, 10)", parameters: 10_250)])
        #expect(transfer.trainableParameterCount == 14_714_688 + 42_468_352 + 10_250)
    }

    /// A forward pass on small images (32×32, the smallest VGG16 takes; 2 images): the softmax
    /// rows sum to 1 (float32, 1e-5); without the top and with average pooling the output is
    /// `[batch, 512]`, the mean of `block5_pool`'s 1×1 map, i.e. the base's output itself (to float32
    /// rounding: the two models' compiled programs need not sum in the same order).
    @Test func forwardOnSmallImages() throws {
        var generator = SeededGenerator(seed: 7)
        let images = Tensor<Float>.randomUniform([2, 32, 32, 3], using: &generator)
        let classifier = try VGG16(includeTop: true, inputShape: [32, 32, 3], classes: 5, seed: 1)
        let probabilities = try classifier.predict(images)
        #expect(probabilities.shape == [2, 5])
        for row in 0..<2 { expectClose((0..<5).map { probabilities[row, $0] }.reduce(0, +), 1, absolute: 1e-5) }

        let base = try VGG16(includeTop: false, inputShape: [32, 32, 3], seed: 2)
        let pooled = try VGG16(includeTop: false, inputShape: [32, 32, 3], pooling: .average, seed: 2)
        #expect(pooled.layerNames.last == "global_average_pooling2d")
        let features = try base.predict(images)
        #expect(features.shape == [2, 1, 1, 512])
        expectClose(try pooled.predict(images), features.reshaped([2, 512]), relative: 1e-6, absolute: 1e-7)
    }

    @Test func badArgumentsAreRefused() {
        for shape in [[31, 32, 3], [224, 224], [224, 224, 0]] {
            #expect(throws: LayerError.self) { try VGG16(includeTop: false, inputShape: shape) }
        }
        #expect(throws: LayerError.self) { try VGG16(inputShape: [32, 32, 3], classes: 0) }
        #expect(throws: LayerError.self) { try VGG16(inputShape: [32, 32, 3], pooling: .max) }
    }
}
