/// Joins several inputs along a feature axis (Keras `Concatenate`).
///
/// ```swift
/// let merged = try Concatenate<Float>()([left, right])   // (None, 32) and (None, 16) → (None, 48)
/// ```
public final class Concatenate<Scalar: TensorScalar>: Layer<Scalar> {
    /// The axis of one example along which inputs are joined; `-1` is the last.
    public let axis: Int

    /// Joins inputs along `axis` of one example (the last by default).
    public init(axis: Int = -1, name: String? = nil) {
        self.axis = axis
        super.init(name: name)
    }

    public override func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [[Int]] {
        guard inputShapes.count >= 2, let first = inputShapes.first else {
            throw LayerError.invalidArgument(layer: displayName, message: "joins at least two inputs, got \(inputShapes.count)")
        }
        let rank = first.count, joined = axis < 0 ? axis + rank : axis
        guard (0..<rank).contains(joined) else {
            throw LayerError.invalidArgument(layer: displayName, message: "axis \(axis) is out of range for inputs of shape \(first)")
        }
        func others(_ shape: [Int]) -> [Int] { shape.enumerated().filter { $0.offset != joined }.map(\.element) }
        for shape in inputShapes where shape.count != rank || others(shape) != others(first) {
            throw LayerError.shapeMismatch(layer: displayName, expected: "shapes equal except on axis \(axis), like \(first)", got: shape)
        }
        var output = first
        output[joined] = inputShapes.map { $0[joined] }.reduce(0, +)
        return [output]
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ inputs: [Variable<Scalar>]) -> [Variable<Scalar>] {
        let rank = inputs[0].value.rank
        return [Variable.concatenate(inputs, alongAxis: axis < 0 ? axis + rank : axis + 1)]
    }

    public override var specification: LayerSpecification {
        var s = super.specification
        s.axis = axis
        return s
    }
}

/// Adds several inputs of one shape (Keras `Add`), e.g. for a residual connection.
public final class Add<Scalar: TensorScalar>: Layer<Scalar> {
    /// Adds its inputs element by element.
    public override init(name: String? = nil) { super.init(name: name) }

    public override func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [[Int]] {
        guard inputShapes.count >= 2, let first = inputShapes.first else {
            throw LayerError.invalidArgument(layer: displayName, message: "adds at least two inputs, got \(inputShapes.count)")
        }
        for shape in inputShapes where shape != first {
            throw LayerError.shapeMismatch(layer: displayName, expected: "every input of shape \(first)", got: shape)
        }
        return [first]
    }

    public override var isTraceable: Bool { true }

    public override func forward(_ inputs: [Variable<Scalar>]) -> [Variable<Scalar>] {
        [inputs.dropFirst().reduce(inputs[0], +)]
    }
}
