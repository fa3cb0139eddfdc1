extension Sequential {
    /// Builds a model from an architecture, with weights drawn from `seed`.
    /// - Throws: ``LayerError`` when the architecture is invalid or its parameters would not fit
    ///   in memory (checked before any weight is created).
    public convenience init(architecture: Architecture, seed: UInt64 = 0) throws {
        try architecture.checkFitsInMemory(as: Scalar.self)
        try self.init(architecture.layers.enumerated().map { try $1.makeLayer(Scalar.self, seed: nestedSeed(seed, $0)) },
                      inputShape: architecture.inputShape, seed: seed)
    }

    /// This model's architecture.
    /// - Throws: ``TrainingError/notBuilt`` when the input shape is unknown.
    public func architecture() throws -> Architecture {
        guard let inputShape else { throw TrainingError.notBuilt }
        return Architecture(inputShape: inputShape, layers: layers.map { $0.specification })
    }
}

/// The seed of the model nested at `index` in a model built from `seed`, so that every nested
/// model draws its own weights and follows the outer seed.
func nestedSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
    (seed ^ 0xD1B5_4A32_D192_ED03) &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
}
