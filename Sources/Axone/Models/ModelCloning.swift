extension Model {
    /// An independent copy with the same architecture, weights, buffers, frozen flags and generators
    /// (Keras `clone_model` + `set_weights`): training the copy leaves this model unchanged.
    public func clone() throws -> Self {
        guard let copy = try Model.make(architectureJSON: architectureJSON()) as? Self else {
            throw LayerError.invalidArgument(layer: displayName, message: "clone(): \(type(of: self)) is not rebuilt by its architecture")
        }
        try copy.loadState(state())
        copy.restoreGenerators(generatorStates())
        return copy
    }
}
