extension Layer {
    /// Every parameter and buffer value by dotted name (PyTorch `state_dict`, Keras `get_weights`).
    /// Values are copy-on-write: taking the state copies nothing until training changes the model.
    public func state() -> [String: Tensor<Scalar>] {
        var state: [String: Tensor<Scalar>] = [:]
        for (name, p) in namedParameters() { state[name] = p.value }
        for (name, b) in namedBuffers() { state[name] = b.value }
        return state
    }

    /// Sets every parameter and buffer from `state` (PyTorch `load_state_dict`, Keras `set_weights`).
    /// - Throws: ``ModelFileError/missingTensor(path:name:)`` or ``ModelFileError/shapeMismatch(path:name:expected:got:)``
    ///   (with path `state`) when a value is missing or has the wrong shape; nothing is changed then.
    public func loadState(_ state: [String: Tensor<Scalar>], source: String = "state") throws {
        let targets = namedParameters().map { ($0.name, $0.variable.shape) } + namedBuffers().map { ($0.name, $0.buffer.value.shape) }
        for (name, shape) in targets {
            guard let value = state[name] else { throw ModelFileError.missingTensor(path: source, name: name) }
            guard value.shape == shape else {
                throw ModelFileError.shapeMismatch(path: source, name: name, expected: shape, got: value.shape)
            }
        }
        for (name, p) in namedParameters() { p.value = state[name]! }
        for (name, b) in namedBuffers() { b.value = state[name]! }
    }

    /// The generators of the layers below that draw random numbers, by dotted path.
    public func generatorStates() -> [String: SeededGenerator] {
        Dictionary(uniqueKeysWithValues: namedDescendants().compactMap { name, layer in
            (layer as? RandomLayer).map { (name, $0.generator) }
        })
    }

    /// Restores generators saved by ``generatorStates()`` (unknown paths are ignored).
    public func restoreGenerators(_ states: [String: SeededGenerator]) {
        for (name, layer) in namedDescendants() {
            if let random = layer as? RandomLayer, let state = states[name] { random.generator = state }
        }
    }
}
