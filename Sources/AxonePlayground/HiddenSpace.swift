import Axone

/// ConvNetJS's view of a two-unit hidden layer: where that layer maps the data points and the
/// lines of a grid over the plot, so the page can show how the network bends the plane.
struct HiddenSpace: Encodable, Sendable {
    /// Cells per side of the grid whose lines are mapped.
    static let gridSize = 15
    /// The index of the layer among the hidden Dense layers (0 is the first).
    let layer: Int
    /// The data points mapped, training points first, then test points (as in ``PlaygroundData``);
    /// a coordinate that is not a number is sent as 0.
    let points: [[Float]]
    /// The grid's `gridSize × gridSize` nodes mapped, rows from the top, each row left to right.
    let grid: [[Float]]
    let gridSize: Int

    /// The view of the first hidden Dense layer of `model` with two units, or `nil` when none has
    /// two. `points` and `grid` are network inputs (features already computed).
    /// The model must be in inference mode (dropout off).
    static func of(_ model: Sequential<Float>, points: Tensor<Float>, grid: Tensor<Float>) -> HiddenSpace? {
        let hidden = Array(model.layers.dropLast())
        let denseIndices = hidden.indices.filter { hidden[$0] is Dense<Float> }
        guard let position = denseIndices.firstIndex(where: { (hidden[$0] as? Dense<Float>)?.units == 2 }) else { return nil }
        let through = hidden[...denseIndices[position]]
        func mapped(_ inputs: Tensor<Float>) -> [[Float]] {
            var x = Variable(inputs)
            withoutGradients { for layer in through { x = layer(x) } }
            let scalars = x.value.scalars.finiteOrZero
            return stride(from: 0, to: scalars.count, by: 2).map { [scalars[$0], scalars[$0 + 1]] }
        }
        return HiddenSpace(layer: position, points: points.shape[0] == 0 ? [] : mapped(points), grid: mapped(grid),
                           gridSize: gridSize)
    }
}
