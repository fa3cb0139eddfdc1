/// Keras-style names: the layer's own name, else its snake-cased type numbered per type
/// (`dense`, `dense_1`, `activation`, …).
func autoNames(_ layers: [(name: String?, type: String)]) -> [String] {
    var seen: [String: Int] = [:]
    return layers.map { layer in
        if let name = layer.name { return name }
        let base = snakeCase(layer.type)
        let n = seen[base, default: 0]
        seen[base] = n + 1
        return n == 0 ? base : "\(base)_\(n)"
    }
}

/// `BatchNormalization` → `batch_normalization`, `MaxPooling2D` → `max_pooling2d` (as Keras names
/// them: an underscore before a capital that follows a lower-case letter, none after a digit).
func snakeCase(_ name: String) -> String {
    var result = "", previous: Character?
    for c in name {
        if c.isUppercase, previous?.isLowercase == true { result += "_" }
        result += c.lowercased()
        previous = c
    }
    return result
}
