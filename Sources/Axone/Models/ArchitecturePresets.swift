extension Architecture {
    /// `mlp:784-256-128-10` (ReLU hidden layers, linear output, optional `:tanh`-style activation suffix)
    /// as an architecture.
    public init(preset: String) throws {
        let parts = preset.split(separator: ":").map(String.init)
        let sizes = parts.count >= 2 ? parts[1].split(separator: "-").compactMap { Int($0) } : []
        guard parts.first == "mlp", parts.count <= 3, sizes.count >= 2, sizes.count == parts[1].split(separator: "-").count,
              sizes.allSatisfy({ $0 > 0 }) else {
            throw LayerError.invalidArgument(layer: "preset", message: "'\(preset)' is not a preset; use mlp:<in>-<hidden>-…-<out>[:activation], e.g. mlp:784-256-128-10")
        }
        let hidden = parts.count == 3 ? try Activation(name: parts[2]) : .relu
        var layers: [LayerSpecification] = []
        for (i, units) in sizes.dropFirst().enumerated() {
            var spec = LayerSpecification(type: "Dense")
            spec.units = units
            spec.activation = i == sizes.count - 2 ? nil : hidden.description
            layers.append(spec)
        }
        self.init(inputShape: [sizes[0]], layers: layers)
    }
}
