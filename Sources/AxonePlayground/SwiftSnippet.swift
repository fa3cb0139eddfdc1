import Axone

/// Swift source that rebuilds a playground network with Axone: the input features, the same
/// layers with the same seed (so the same initial weights), and the same compile options; it
/// loads the trained weights from the playground's `.safetensors` download when that file is there.
struct SwiftSnippet {
    let settings: PlaygroundSettings

    /// One line: the data set, the layer sizes and the training options.
    static func summary(_ settings: PlaygroundSettings) -> String {
        let head = PlaygroundHead(settings)
        let sizes = [settings.features.count] + Array(repeating: settings.units, count: settings.hiddenLayers) + [head.outputUnits]
        return "\(settings.dataset) data, \(sizes.map(String.init).joined(separator: "-")) network (\(settings.activation)), "
            + "\(settings.optimizer) at \(settings.learningRate), batch \(settings.batchSize)"
    }

    /// The source (valid settings only: it looks their names up).
    var source: String {
        let head = PlaygroundHead(settings)
        let features = settings.features.map { InputFeature(rawValue: $0)! }
        let activation = Self.activationExpression(settings.activation)
        var layers: [String] = []
        for _ in 0..<settings.hiddenLayers {
            layers.append("    Dense(\(settings.units), activation: \(activation))")
            if settings.dropout > 0 { layers.append("    try Dropout(rate: \(settings.dropout))") }
        }
        layers.append("    Dense(\(head.outputUnits), activation: \(Self.activationExpression(head.outputActivation.description)))")
        let regularization = settings.l1 > 0 || settings.l2 > 0
            ? ",\n              regularization: try Regularization(l1: \(settings.l1), l2: \(settings.l2))" : ""
        let metrics = head.metrics.isEmpty ? "" : ", metrics: [.accuracy]"
        return """
        // Axone Playground: \(Self.summary(settings)).
        import Axone
        import Foundation

        /// The network's inputs for a point p = [x₁, x₂]: \(features.map(\.label).joined(separator: ", ")).
        func features(_ p: [Float]) -> [Float] {
            [\(features.map(\.swiftExpression).joined(separator: ", "))]
        }

        let model = try Sequential<Float>(inputShape: [\(features.count)], seed: \(settings.seed)) {
        \(layers.joined(separator: "\n"))
        }
        model.compile(optimizer: \(PlaygroundOptimizer(rawValue: settings.optimizer)!.swiftExpression(learningRate: settings.learningRate)),
                      loss: \(head.lossExpression)\(metrics)\(regularization))

        // The trained weights, from the playground's "Download .safetensors".
        if FileManager.default.fileExists(atPath: "axone-playground.safetensors") {
            let trained = try ModelFile.load(from: "axone-playground.safetensors", as: Float.self).model
            try model.loadState(trained.state(), source: "axone-playground.safetensors")
        }
        // Train on points [[x₁, x₂]] with targets y (\(head.targetsDescription)):
        // try model.fit(Tensor(shape: [points.count, \(features.count)], scalars: points.flatMap(features)), y,
        //               epochs: 100, batchSize: \(settings.batchSize), seed: \(settings.seed))
        print(model.summary())

        """
    }

    /// `.tanh`, `.leakyRelu()`, …: the `Activation` case a name of ``PlaygroundSettings/hiddenActivations``
    /// (or an output activation's description) stands for.
    static func activationExpression(_ name: String) -> String {
        switch name {
        case "leaky_relu": ".leakyRelu()"
        case "elu": ".elu()"
        default: "." + name
        }
    }
}
