import Testing
@testable import Axone

/// Checks shape first, then every element within `absolute + relative·|expected|`.
func expectClose<S: TensorScalar>(_ actual: Tensor<S>, _ expected: Tensor<S>, relative: S = 1e-6, absolute: S = 1e-9,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    for (i, (a, e)) in zip(actual.scalars, expected.scalars).enumerated() {
        if abs(a - e) > absolute + relative * abs(e) {
            Issue.record("element \(i): \(a) vs expected \(e)", sourceLocation: sourceLocation)
            return
        }
    }
}

func expectClose<S: TensorScalar>(_ actual: S, _ expected: S, absolute: S,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(actual - expected) <= absolute, "\(actual) vs expected \(expected) (±\(absolute))",
            sourceLocation: sourceLocation)
}

/// Gradient-checks `f` (reduced to a scalar by a fixed random projection, so every output element
/// contributes) with respect to each input, in Double with central differences.
/// Tolerance: relative error (as defined by `GradientCheck`) below `tolerance`.
func expectGradientsMatch(inputs: [Tensor<Double>], tolerance: Double = 1e-6, step: Double = 1e-6,
                          sourceLocation: SourceLocation = #_sourceLocation,
                          _ f: ([Variable<Double>]) throws -> Variable<Double>) throws {
    let variables = inputs.map { Variable($0, requiresGradient: true) }
    var rng = SeededGenerator(seed: 99)
    let probe = try f(variables).value
    let projection = Variable(Tensor<Double>.randomNormal(probe.shape, using: &rng))
    let report = try GradientCheck.run(
        parameters: variables.enumerated().map { ("input\($0.offset)", $0.element) }, step: step
    ) {
        (try f(variables) * projection).sum()
    }
    #expect(report.maxRelativeError < tolerance, "\(report)", sourceLocation: sourceLocation)
}

/// A tensor of standard normal values from a fixed seed.
func randomTensor(_ shape: [Int], seed: UInt64 = 1, scale: Double = 1) -> Tensor<Double> {
    var rng = SeededGenerator(seed: seed)
    return Tensor<Double>.randomNormal(shape, standardDeviation: scale, using: &rng)
}

/// Gradient-checks a layer in Double with central differences: the input and every parameter the
/// layer lists in `namedParameters()` (the objective is the output under a fixed random projection).
/// `beforeEachForward` runs before every forward pass (e.g. to re-seed a random layer so that each
/// finite-difference evaluation sees the same noise). Tolerance: relative error below `tolerance`.
func expectLayerGradientsMatch(_ layer: Layer<Double>, input: Tensor<Double>, tolerance: Double = 1e-6, step: Double = 1e-6,
                               sourceLocation: SourceLocation = #_sourceLocation,
                               beforeEachForward: () -> Void = {}) throws {
    let x = Variable(input, requiresGradient: true)
    var rng = SeededGenerator(seed: 98)
    beforeEachForward()
    let projection = Variable(Tensor<Double>.randomNormal(layer(x).shape, using: &rng))
    let parameters = [("input", x)] + layer.namedParameters()
    let report = try GradientCheck.run(parameters: parameters, step: step) {
        beforeEachForward()
        return (layer(x) * projection).sum()
    }
    #expect(report.parameters.count == parameters.count, sourceLocation: sourceLocation)
    #expect(report.maxRelativeError < tolerance, "\(report)", sourceLocation: sourceLocation)
}

/// Builds a single layer for inputs of `inputShape` (features only) with a fixed generator.
@discardableResult
func built<L: Layer<Double>>(_ layer: L, inputShape: [Int], seed: UInt64 = 0) throws -> L {
    var generator = SeededGenerator(seed: seed)
    _ = try layer.build(inputShape: inputShape, generator: &generator)
    return layer
}
