import Axone

/// The square of the plane the page draws: around generated data, or fixed for own points.
struct PlotDomain: Encodable, Sendable {
    let xMin: Float, xMax: Float, yMin: Float, yMax: Float

    init(xMin: Float, xMax: Float, yMin: Float, yMax: Float) {
        (self.xMin, self.xMax, self.yMin, self.yMax) = (xMin, xMax, yMin, yMax)
    }

    init(covering points: Tensor<Float>) {
        let scalars = points.scalars
        let xs = stride(from: 0, to: scalars.count, by: 2).map { scalars[$0] }
        let ys = stride(from: 1, to: scalars.count, by: 2).map { scalars[$0] }
        let (x0, x1) = (xs.min() ?? -1, xs.max() ?? 1), (y0, y1) = (ys.min() ?? -1, ys.max() ?? 1)
        let half = max(x1 - x0, y1 - y0) / 2 * 1.1 + 0.2
        let (cx, cy) = ((x0 + x1) / 2, (y0 + y1) / 2)
        self.init(xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half)
    }

    /// The square [−R, R]² for points the reader places: R is 1.5, or the largest coordinate
    /// rounded up to a half when one lies further out. A click inside the square never changes it.
    init(squareAround points: Tensor<Float>) {
        let largest = points.scalars.lazy.map(abs).max() ?? 0
        let half = Swift.max(1.5, (largest * 2).rounded(.up) / 2)
        self.init(xMin: -half, xMax: half, yMin: -half, yMax: half)
    }

    /// The centres of a `size × size` grid of cells, `[size², 2]`, rows from the top (largest y)
    /// and each row left to right, as the page paints them.
    func grid(size: Int) -> Tensor<Float> {
        var scalars: [Float] = []
        scalars.reserveCapacity(2 * size * size)
        for row in 0..<size {
            let y = yMax - (Float(row) + 0.5) / Float(size) * (yMax - yMin)
            for column in 0..<size {
                scalars += [xMin + (Float(column) + 0.5) / Float(size) * (xMax - xMin), y]
            }
        }
        return Tensor(shape: [size * size, 2], scalars: scalars)
    }
}

/// The pictures the page draws of a network over its ``PlotDomain``: the probability of class 1
/// (or the regression's value) on a fine grid and, for small networks, the activation of every
/// hidden unit on a coarse grid. The grids go through the network's input features first.
struct NetworkPictures {
    /// Cells per side of the decision-boundary grid.
    static let boundarySize = 50
    /// Cells per side of each hidden unit's map.
    static let neuronSize = 20
    /// Networks with wider hidden layers get no per-unit maps.
    static let maximumUnitsForNeurons = 8

    let domain: PlotDomain
    private let boundaryInputs: Tensor<Float>
    private let neuronInputs: Tensor<Float>
    private let hiddenSpaceInputs: Tensor<Float>

    init(domain: PlotDomain, features: [InputFeature]) {
        self.domain = domain
        boundaryInputs = InputFeature.inputs(domain.grid(size: Self.boundarySize), features)
        neuronInputs = InputFeature.inputs(domain.grid(size: Self.neuronSize), features)
        hiddenSpaceInputs = InputFeature.inputs(domain.grid(size: HiddenSpace.gridSize), features)
    }

    /// ``HiddenSpace/of(_:points:grid:)`` for the data's network inputs `points` and this domain's grid.
    func hiddenSpace(of model: Sequential<Float>, points: Tensor<Float>) -> HiddenSpace? {
        HiddenSpace.of(model, points: points, grid: hiddenSpaceInputs)
    }

    /// ``PlaygroundHead/plotted(_:)`` in every cell of the boundary grid, scaled to 0…255 (128
    /// where it is not a number).
    func boundary(of model: Sequential<Float>, head: PlaygroundHead) throws -> [UInt8] {
        let plotted = head.plotted(try model.predict(boundaryInputs))
        return plotted.map { $0.isFinite ? UInt8((Swift.min(Swift.max($0, 0), 1) * 255).rounded()) : 128 }
    }

    /// For each hidden Dense layer, each unit's activation over the coarse grid, divided by the
    /// largest magnitude on that map and scaled to −127…127; empty for wide networks.
    /// The model must be in inference mode (dropout off).
    func neurons(of model: Sequential<Float>) -> [[[Int8]]] {
        let hidden = model.layers.dropLast()
        guard !hidden.isEmpty, hidden.allSatisfy({ ($0 as? Dense<Float>).map { $0.units <= Self.maximumUnitsForNeurons } ?? true })
        else { return [] }
        var maps: [[[Int8]]] = []
        withoutGradients {
            var x = Variable(neuronInputs)
            for layer in hidden {
                x = layer(x)
                if layer is Dense<Float> { maps.append(Self.unitMaps(x.value)) }
            }
        }
        return maps
    }

    /// Splits activations `[cells, units]` into one scaled map per unit.
    private static func unitMaps(_ activations: Tensor<Float>) -> [[Int8]] {
        let scalars = activations.scalars, units = activations.shape[1], cells = activations.shape[0]
        return (0..<units).map { unit in
            let values = (0..<cells).map { scalars[$0 * units + unit] }
            let largest = values.lazy.filter(\.isFinite).map(abs).max() ?? 0
            guard largest > 0 else { return Array(repeating: 0, count: cells) }
            return values.map { $0.isFinite ? Int8(($0 / largest * 127).rounded()) : 0 }
        }
    }
}
