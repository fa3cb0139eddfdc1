import Axone

/// One Dense layer's weights as the page's network diagram draws them: a line from each input
/// to each unit, coloured by the weight's sign and as wide as its magnitude.
struct LayerWeights: Encodable, Sendable {
    let inputs: Int
    let units: Int
    /// The weights row by row, `weight[i * units + j]` from input `i` to unit `j` (a weight that
    /// is not a number, after a diverging step, is sent as 0: JSON has no NaN).
    let weight: [Float]
    let bias: [Float]

    /// The weights of every Dense layer of `model`, in order (the output layer last).
    static func of(_ model: Sequential<Float>) -> [LayerWeights] {
        model.layers.compactMap { $0 as? Dense<Float> }.compactMap { dense in
            guard let weight = dense.weight?.value, weight.rank == 2 else { return nil }
            return LayerWeights(inputs: weight.shape[0], units: weight.shape[1], weight: weight.scalars.finiteOrZero,
                                bias: (dense.bias?.value.scalars ?? Array(repeating: 0, count: weight.shape[1])).finiteOrZero)
        }
    }
}

extension Array where Element == Float {
    /// The values with every infinity or NaN replaced by 0, so that they can be sent as JSON.
    var finiteOrZero: [Float] { map { $0.isFinite ? $0 : 0 } }
}
