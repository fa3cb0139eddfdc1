import Testing
@testable import Axone

/// Parameters, buffers and sub-layers are found by reflection, which skips the stored properties
/// of `Layer` and `Model` themselves (``Layer/classesWithoutReflectedProperties``): these tests
/// check that those classes declare nothing reflection looks for, and that a model's subclass is
/// still reflected in full.
@Suite struct LayerReflectionTests {
    /// A model of one's own: a parameter and a sub-layer declared as properties of a `Model` subclass.
    final class ScaledTower: Model<Double> {
        let inner = Dense<Double>(3, inputSize: 2, seed: 1)
        let scale = Variable(Tensor<Double>(shape: [3], scalars: [1, 2, 3]), requiresGradient: true)
        let state = Buffer(Tensor<Double>(shape: [1], scalars: [0]))

        override func forward(_ input: Variable<Double>) -> Variable<Double> { inner(input) * scale }
    }

    @Test func aModelSubclassKeepsItsParametersBuffersAndLayers() {
        let tower = ScaledTower()
        #expect(tower.namedParameters().map(\.name) == ["scale", "inner.weight", "inner.bias"])
        #expect(tower.namedBuffers().map(\.name) == ["state"])
        #expect(tower.namedChildren.map(\.name) == ["inner"])
        #expect(tower.trainableParameterCount == 3 + 2 * 3 + 3)
    }

    /// The declared type of a stored property, seen through optionals and arrays.
    static func innermostType(_ type: Any.Type) -> Any.Type {
        if let optional = type as? any OptionalType.Type { return innermostType(optional.wrappedType) }
        if let array = type as? any ArrayType.Type { return innermostType(array.elementType) }
        return type
    }

    /// Whether a stored property of declared type `type` may hold what reflection looks for.
    static func mayHoldReflectedValues(_ type: Any.Type) -> Bool {
        let inner = innermostType(type)
        return inner is Layer<Double>.Type || inner is Variable<Double>.Type || inner is Buffer<Double>.Type
    }

    /// Every stored property declared by `Layer` or `Model` themselves, in a trained Sequential and
    /// in a graph model: none is (or wraps) a layer, a variable or a buffer, even when empty.
    @Test func layerAndModelDeclareNothingReflectionLooksFor() throws {
        let chain = try Sequential<Double>(inputShape: [3], seed: 2) {
            Dense(4, activation: .relu)
            Dense(2)
        }
        chain.compile(optimizer: SGD(learningRate: 0.01), loss: .meanSquaredError)
        _ = try chain.fit(Tensor(shape: [4, 3], scalars: (0..<12).map { Double($0) / 10 }), Tensor(shape: [4, 2], repeating: 1),
                          epochs: 1, batchSize: 2, verbose: .silent)
        let input = Input<Double>(shape: [3], seed: 4)
        let graphModel = try Model(inputs: [input], outputs: [Dense(2)(input)])
        var checked = 0
        for model in [chain as Model<Double>, graphModel] {
            var mirror: Mirror? = Mirror(reflecting: model)
            while let level = mirror {
                if level.subjectType == Model<Double>.self || level.subjectType == Layer<Double>.self {
                    for field in level.children {
                        #expect(!Self.mayHoldReflectedValues(type(of: field.value)), "\(level.subjectType).\(field.label ?? "?")")
                        checked += 1
                    }
                }
                mirror = level.superclassMirror
            }
        }
        #expect(checked > 10, "too few fields checked: \(checked)")
        // The check itself sees through optionals and arrays.
        #expect(Self.mayHoldReflectedValues(Optional<Dense<Double>>.self))
        #expect(Self.mayHoldReflectedValues([Layer<Double>].self))
        #expect(!Self.mayHoldReflectedValues(Optional<[Int]>.self))
    }
}

/// An optional's wrapped type, for ``LayerReflectionTests``.
protocol OptionalType { static var wrappedType: Any.Type { get } }
extension Optional: OptionalType { static var wrappedType: Any.Type { Wrapped.self } }

/// An array's element type, for ``LayerReflectionTests``.
protocol ArrayType { static var elementType: Any.Type { get } }
extension Array: ArrayType { static var elementType: Any.Type { Element.self } }
