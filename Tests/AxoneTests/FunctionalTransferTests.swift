import Foundation
import Testing
@testable import Axone

/// Seed 002's transfer learning with the functional API, on an MLP base: load a trained model,
/// add `Flatten`, `Dense(…, relu)` and `Dense(…, softmax)` on its output, make
/// `Model(inputs: base.inputs, outputs: [output])`, freeze the base and train the new head.
@Suite struct FunctionalTransferTests {
    @Test func seed002SnippetRunsOnAnMLPBase() throws {
        // Task A trains the base; task B (another labelling of the same points) reuses it.
        var rng = SeededGenerator(seed: 21)
        let x = Tensor<Float>.randomNormal([256, 6], using: &rng)
        let labelsA = Tensor<Float>(shape: [256], scalars: (0..<256).map { x[$0, 0] + x[$0, 1] > 0 ? 1 : 0 })
        let labelsB = Tensor<Float>(shape: [256], scalars: (0..<256).map { i in Float((x[i, 0] > 0 ? 1 : 0) + (x[i, 1] > 0 ? 2 : 0)) })
        let trained = try Sequential<Float>(inputShape: [6], seed: 1) {
            Dense(32, activation: .relu, name: "hidden")
            Dense(2, name: "task_a")
        }
        trained.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy())
        try trained.fit(x, labelsA, epochs: 20, batchSize: 32, verbose: .silent)
        let path = NSTemporaryDirectory() + "axone-base-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        trained.pop()                                                           // the base without its top (include_top=False)
        try ModelFile.save(trained, to: path)

        // The seed's lines, one for one.
        let base = try ModelFile.load(from: path, as: Float.self).model        // model = VGG16(include_top=False, …)
        var features = try Flatten()(base.output())                             // x = Flatten()(model.output)
        features = try Dense(64, activation: .relu)(features)                  // x = Dense(1024, activation='relu')(x)
        let output = try Dense(4, activation: .softmax)(features)              // output = Dense(10, activation='softmax')(x)
        let model = try Model(inputs: base.inputs, outputs: [output])           // model = Model(inputs=model.inputs, outputs=output)

        #expect(base.layerNames == ["hidden"])
        try model.layer(named: "hidden").isTrainable = false                    // freeze by name (Keras get_layer)
        #expect(throws: LayerError.self) { try model.layer(named: "conv") }
        let frozen = base.state()
        #expect(model.namedParameters().count == 6 && model.trainableParameters.count == 4)   // the new Dense layers train
        #expect(model.summary().contains("Connected to"))
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(fromLogits: false), metrics: [.accuracy])
        let history = try model.fit(x, labelsB, epochs: 30, batchSize: 32, verbose: .silent)
        #expect(base.state() == frozen, "the frozen base's weights did not move")
        #expect(history["accuracy"].last! > 0.8, "the new head learns task B: \(history["accuracy"].last!)")
        // The probabilities of the softmax head sum to 1.
        let probabilities = try model.predict(x)
        for row in 0..<4 { #expect(abs((0..<4).map { probabilities[row, $0] }.reduce(0, +) - 1) < 1e-5) }
    }
}
