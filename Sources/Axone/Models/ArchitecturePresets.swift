extension Architecture {
    /// The architecture a preset string names (`axone train --model …`):
    ///
    /// - `mlp:<in>-<hidden>-…-<out>[:activation]` — Dense layers, the hidden ones with the
    ///   activation (ReLU by default), the last one linear: `mlp:784-256-128-10`.
    /// - `cnn:<h>x<w>x<c>-<layer>-…-<out>[:activation]` — a convolutional network for flat inputs of
    ///   h·w·c values (what IDX, CSV and Fashion-MNIST data give), which a first ``Reshape`` turns into
    ///   `[h, w, c]` images; then one layer per token:
    ///
    ///   | token | layer |
    ///   |---|---|
    ///   | `c<filters>[k<size>][same]` | `Conv2D`, `size`×`size` kernel (3 by default), `valid` padding unless `same`, the activation |
    ///   | `p[<size>]` | `MaxPooling2D` (2 by default) |
    ///   | `a[<size>]` | `AveragePooling2D` (2 by default) |
    ///   | `g` | `GlobalAveragePooling2D` |
    ///   | `bn` | `BatchNormalization` |
    ///   | `sd<rate>` | `SpatialDropout2D` |
    ///   | `dr<rate>` | `Dropout` |
    ///   | `d<units>` | `Dense` with the activation (a `Flatten` is put before the first one on images) |
    ///   | `<out>` (last) | `Dense` output, linear (logits) |
    ///
    ///   `cnn:28x28x1-c32-p-c64-p-d128-10` is the 2-conv network of issue 15;
    ///   `cnn:28x28x1-c6k5same-a-c16k5-a-d120-d84-10:tanh` LeNet-5.
    /// - Throws: ``LayerError/invalidArgument(layer:message:)`` naming the token that is wrong, or
    ///   ``LayerError/unknownName(kind:name:known:)`` for an unknown activation.
    public init(preset: String) throws {
        let parts = preset.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, ["mlp", "cnn"].contains(parts[0]) else {
            throw PresetGrammar.error(preset, "")
        }
        let activation = parts.count == 3 ? try Activation(name: parts[2]) : .relu
        let tokens = parts[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        self = try parts[0] == "mlp" ? PresetGrammar.mlp(tokens, activation: activation, preset: preset)
                                     : PresetGrammar.cnn(tokens, activation: activation, preset: preset)
    }
}

/// The parsers of ``Architecture/init(preset:)``.
private enum PresetGrammar {
    static let usage = "use mlp:<in>-<hidden>-…-<out>[:activation] (mlp:784-256-128-10) or "
        + "cnn:<h>x<w>x<c>-<layer>-…-<out>[:activation] with layers c<filters>[k<size>][same], p[<size>], a[<size>], g, bn, "
        + "sd<rate>, dr<rate>, d<units> (cnn:28x28x1-c32-p-c64-p-d128-10)"

    static func error(_ preset: String, _ problem: String) -> LayerError {
        .invalidArgument(layer: "preset", message: "'\(preset)' is not a preset\(problem); \(usage)")
    }

    /// A positive integer, or `nil`.
    static func size(_ text: Substring) -> Int? { Int(text).flatMap { $0 > 0 ? $0 : nil } }

    /// A Dense layer of `units` with `activation` (`nil`: linear).
    static func dense(_ units: Int, _ activation: Activation?) -> LayerSpecification {
        var spec = LayerSpecification(type: "Dense")
        spec.units = units
        spec.activation = activation?.description
        return spec
    }

    static func mlp(_ tokens: [String], activation: Activation, preset: String) throws -> Architecture {
        let sizes = tokens.compactMap { size($0[...]) }
        guard sizes.count >= 2, sizes.count == tokens.count else { throw error(preset, "") }
        let layers = sizes.dropFirst().enumerated().map { i, units in dense(units, i == sizes.count - 2 ? nil : activation) }
        return Architecture(inputShape: [sizes[0]], layers: layers)
    }

    static func cnn(_ tokens: [String], activation: Activation, preset: String) throws -> Architecture {
        let image = tokens[0].split(separator: "x", omittingEmptySubsequences: false).compactMap { size($0) }
        guard image.count == 3, tokens[0].split(separator: "x", omittingEmptySubsequences: false).count == 3 else {
            throw error(preset, ": '\(tokens[0])' must be the image's <height>x<width>x<channels>")
        }
        guard tokens.count >= 2, let outputs = size(tokens[tokens.count - 1][...]) else {
            throw error(preset, ": it must end with the number of outputs")
        }
        var reshape = LayerSpecification(type: "Reshape")
        reshape.targetShape = image
        var layers = [reshape], flat = false
        for token in tokens.dropFirst().dropLast() {
            guard let layer = layer(token, activation: activation) else { throw error(preset, ": unknown layer '\(token)'") }
            if layer.type == "Dense" && !flat { layers.append(LayerSpecification(type: "Flatten")) }
            if ["Dense", "GlobalAveragePooling2D"].contains(layer.type) { flat = true }
            layers.append(layer)
        }
        if !flat { layers.append(LayerSpecification(type: "Flatten")) }
        layers.append(dense(outputs, nil))
        return Architecture(inputShape: [image.reduce(1, *)], layers: layers)
    }

    /// The layer a `cnn:` token names, or `nil`.
    private static func layer(_ token: String, activation: Activation) -> LayerSpecification? {
        func rate(_ text: Substring) -> Double? { Double(text).flatMap { (0..<1).contains($0) ? $0 : nil } }
        func pooling(_ type: String, _ text: Substring) -> LayerSpecification? {
            guard let pool = text.isEmpty ? 2 : size(text) else { return nil }
            var spec = LayerSpecification(type: type)
            spec.poolSize = [pool, pool]
            return spec
        }
        var spec: LayerSpecification
        switch token.first ?? " " {
        case "c":
            var body = token.dropFirst()
            let same = body.hasSuffix("same")
            if same { body = body.dropLast(4) }
            let pieces = body.split(separator: "k", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let filters = size(pieces[0]), let kernel = pieces.count == 2 ? size(pieces[1]) : 3 else { return nil }
            spec = LayerSpecification(type: "Conv2D")
            spec.filters = filters
            spec.kernelSize = [kernel, kernel]
            spec.padding = .mode(same ? "same" : "valid")
            spec.activation = activation.description
        case "p": return pooling("MaxPooling2D", token.dropFirst())
        case "a": return pooling("AveragePooling2D", token.dropFirst())
        case "g": return token == "g" ? LayerSpecification(type: "GlobalAveragePooling2D") : nil
        case "b": return token == "bn" ? LayerSpecification(type: "BatchNormalization") : nil
        case "s" where token.hasPrefix("sd"), "d" where token.hasPrefix("dr"):
            guard let value = rate(token.dropFirst(2)) else { return nil }
            spec = LayerSpecification(type: token.first == "s" ? "SpatialDropout2D" : "Dropout")
            spec.rate = value
        case "d":
            guard let units = size(token.dropFirst()) else { return nil }
            spec = dense(units, activation)
        default: return nil
        }
        return spec
    }
}
