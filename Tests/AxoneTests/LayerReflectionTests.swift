import Testing
@testable import Axone

/// Parameters, buffers and sub-layers are found by reflection, which reads only the stored
/// properties whose declared types can hold one (``ReflectionPlan``). These tests check that the
/// plan finds what a walk over every property finds, in the library's layers and in layers of
/// one's own whose properties are declared loosely (`Any`, a protocol, optionals, empty arrays)
/// and filled after the plan was made; and that it skips the bookkeeping.
@Suite struct LayerReflectionTests {
    /// A model of one's own: a parameter and a sub-layer declared as properties of a `Model` subclass.
    final class ScaledTower: Model<Double> {
        let inner = Dense<Double>(3, inputSize: 2, seed: 1)
        let scale = Variable(Tensor<Double>(shape: [3], scalars: [1, 2, 3]), requiresGradient: true)
        let state = Buffer(Tensor<Double>(shape: [1], scalars: [0]))

        override func forward(_ input: Variable<Double>) -> Variable<Double> { inner(input) * scale }
    }

    /// A protocol some layers of one's own conform to.
    protocol Block: AnyObject {}
    /// A layer of one's own that conforms to ``Block``.
    final class Scale: Layer<Double>, Block {
        let factor = Variable(Tensor<Double>(shape: [1], scalars: [3]), requiresGradient: true)
    }

    /// A layer whose properties are declared as loosely as Swift allows, all empty or holding
    /// something else at first.
    final class LooseLayer: Layer<Double> {
        var anything: Any = 0
        var block: (any Block)?
        var maybeLayer: Dense<Double>?
        var maybeParameter: Variable<Double>?
        var layers: [Layer<Double>] = []
        var hashable: AnyHashable = 1
        var counts: [Int] = [1, 2]
        var label = "loose"
        var nested: Dense<Double>?? = .some(nil)
    }

    /// A layer of one's own that points at layers it does not own.
    final class Linked: Layer<Double> {
        weak var peer: Layer<Double>?
        unowned let owner: Layer<Double>
        let inner = Dense<Double>(2, inputSize: 1, seed: 1)

        init(owner: Layer<Double>) {
            self.owner = owner
            super.init()
        }
    }

    /// `layer`'s parameters, buffers and children as a walk over every stored property finds them
    /// (the reflection before ``ReflectionPlan``), recursively, named by property path.
    static func referenceNames(_ layer: Layer<Double>, prefix: String = "") -> (parameters: [String], buffers: [String], children: [String]) {
        var parameters: [String] = [], buffers: [String] = [], children: [(String, Layer<Double>)] = []
        var mirror: Mirror? = Mirror(reflecting: layer)
        while let level = mirror {
            for child in level.children {
                guard let label = child.label else { continue }
                if let sub = child.value as? Layer<Double> { children.append((label, sub)) }
                if let subs = child.value as? [Layer<Double>] {
                    children += subs.enumerated().map { ("\(label).\($0.offset)", $0.element) }
                }
                if child.value is Variable<Double> { parameters.append(prefix + label) }
                if child.value is Buffer<Double> { buffers.append(prefix + label) }
            }
            mirror = level.superclassMirror
        }
        if let model = layer as? Model<Double>, let graph = model.graph {
            children = graph.layers.enumerated().map { ("layers.\($0.offset)", $0.element) }
        }
        var childNames = children.map { prefix + $0.0 }
        for (label, child) in children {
            let below = referenceNames(child, prefix: prefix + label + ".")
            parameters += below.parameters
            buffers += below.buffers
            childNames += below.children
        }
        return (parameters, buffers, childNames)
    }

    /// The names the library finds, recursively, in the order of ``referenceNames(_:prefix:)``.
    static func libraryNames(_ layer: Layer<Double>, prefix: String = "") -> (parameters: [String], buffers: [String], children: [String]) {
        var result = (parameters: [String](), buffers: [String](), children: layer.namedChildren.map { prefix + $0.name })
        result.parameters = layer.namedParameters().map { prefix + $0.name }
        result.buffers = layer.namedBuffers().map { prefix + $0.name }
        for (name, child) in layer.namedChildren { result.children += libraryNames(child, prefix: prefix + name + ".").children }
        return result
    }

    @Test func aModelSubclassKeepsItsParametersBuffersAndLayers() {
        let tower = ScaledTower()
        #expect(tower.namedParameters().map(\.name) == ["scale", "inner.weight", "inner.bias"])
        #expect(tower.namedBuffers().map(\.name) == ["state"])
        #expect(tower.namedChildren.map(\.name) == ["inner"])
        #expect(tower.trainableParameterCount == 3 + 2 * 3 + 3)
    }

    /// Every layer type of the library, in a chain, nested chains, a graph and a model subclass:
    /// the planned reflection finds the names a full walk finds (as sets: the library lists a
    /// layer's own parameters before its children's).
    @Test func thePlanFindsWhatAFullWalkFinds() throws {
        let convolutional = try Sequential<Double>(inputShape: [6, 6, 2], seed: 3) {
            ZeroPadding2D(padding: 1)
            Conv2D(filters: 3, kernelSize: 3)
            try BatchNormalization()
            try SpatialDropout2D(rate: 0.2)
            MaxPooling2D()
            GlobalAveragePooling2D()
            Dense(4)
        }
        let dense = try Sequential<Double>(inputShape: [5], seed: 4) {
            Dense(6, activation: .relu)
            try BatchNormalization()
            try Dropout(rate: 0.3)
            try GaussianNoise(standardDeviation: 0.1)
            PReLU()
            try Maxout(3, pieces: 2)
            Dense(2)
        }
        let nested = try Sequential<Double>(inputShape: [5], seed: 5) {
            dense
            Dense(2)
        }
        let input = Input<Double>(shape: [5], seed: 6)
        let trunk = try Dense<Double>(4, activation: .tanh)(input)
        let graph = try Model(inputs: [input], outputs: [Dense(2)(trunk), Concatenate()([trunk, Dense(3)(trunk)])])
        for layer in [convolutional, dense, nested, graph, ScaledTower()] as [Layer<Double>] {
            let planned = Self.libraryNames(layer), reference = Self.referenceNames(layer)
            #expect(Set(planned.parameters) == Set(reference.parameters), "\(layer.displayName)")
            #expect(Set(planned.buffers) == Set(reference.buffers), "\(layer.displayName)")
            #expect(Set(planned.children) == Set(reference.children), "\(layer.displayName)")
            #expect(!reference.parameters.isEmpty)
        }
        #expect(Set(Self.libraryNames(convolutional).buffers).count == 2)   // BatchNorm's running statistics
    }

    /// Properties declared `Any`, as a protocol, as optionals, as `AnyHashable` or as an empty
    /// array are found once they hold a layer or a parameter, though the plan was made while they
    /// held none; the other properties are never read.
    @Test func looselyDeclaredPropertiesAreFoundWhenFilledLater() throws {
        let loose = LooseLayer()
        #expect(loose.namedParameters().isEmpty && loose.namedChildren.isEmpty)   // the plan is made now
        loose.anything = Dense<Double>(2, inputSize: 1, seed: 1)
        loose.block = Scale()
        loose.maybeLayer = Dense<Double>(2, inputSize: 1, seed: 3)
        loose.maybeParameter = Variable(Tensor<Double>(shape: [1], scalars: [1]), requiresGradient: true)
        loose.layers = [Dense<Double>(2, inputSize: 1, seed: 4)]
        loose.hashable = AnyHashable(5)
        loose.nested = .some(Dense<Double>(2, inputSize: 1, seed: 5))
        #expect(loose.namedChildren.map(\.name) == ["anything", "block", "maybeLayer", "layers.0", "nested"])
        #expect(Set(loose.namedParameters().map(\.name)) == ["maybeParameter", "anything.weight", "anything.bias", "block.factor",
                                                             "maybeLayer.weight", "maybeLayer.bias", "layers.0.weight", "layers.0.bias",
                                                             "nested.weight", "nested.bias"])
        let reference = Self.referenceNames(loose), planned = Self.libraryNames(loose)
        #expect(Set(planned.parameters) == Set(reference.parameters))
        #expect(Set(planned.children) == Set(reference.children))

        let plan = try #require(ReflectionPlan.of(loose))
        let labels = Mirror(reflecting: loose).children.map(\.label)
        let read = plan.levels.first.flatMap { $0 }?.map { labels[$0.index] ?? "?" }
        #expect(read == ["anything", "block", "maybeLayer", "maybeParameter", "layers", "hashable", "nested"])
        // `Layer`'s own properties (name, flags) hold nothing reflection looks for.
        #expect(plan.levels.count == 1)
    }

    /// The library's own bookkeeping is skipped: a `Dense` reads its weight and bias; a graph model
    /// (its layers come from its graph) reads only its gradient synchroniser, declared as a
    /// protocol type, which a layer could conform to.
    @Test func thePlanSkipsBookkeeping() throws {
        let dense = Dense<Double>(2, inputSize: 3, seed: 1)
        let plan = try #require(ReflectionPlan.of(dense))
        let labels = Mirror(reflecting: dense).children.map(\.label)
        #expect(plan.levels.count == 1)
        #expect(plan.levels[0]?.map { labels[$0.index] ?? "?" } == ["weight", "bias"])
        // Both are read from memory, and a parameter replaced after the plan was made is found.
        #expect(plan.readsDirectly)
        let weight = Variable(Tensor<Double>.zeros([3, 2]), requiresGradient: true)
        dense.weight = weight
        #expect(dense.namedParameters().first?.variable === weight)
        let input = Input<Double>(shape: [3], seed: 2)
        let graph = try Model(inputs: [input], outputs: [Dense(2)(input)])
        let graphPlan = try #require(ReflectionPlan.of(graph))
        let modelLabels = Mirror(reflecting: graph).children.map(\.label)
        #expect(graphPlan.levels.count == 1)
        #expect(graphPlan.levels.first??.map { "\(modelLabels[$0.index] ?? "?") \($0.role)" } == ["gradientSynchronizer any"])
        #expect(graphPlan.readsDirectly)
    }

    /// `weak` and `unowned` properties are not stored as plain references: reading them from
    /// memory as such would be wrong, so a layer holding one is read through `Mirror`, and finds
    /// what a full walk finds.
    @Test func weakAndUnownedPropertiesAreReadThroughMirror() throws {
        let owner = Dense<Double>(1, inputSize: 1, seed: 2), peer = Dense<Double>(1, inputSize: 1, seed: 3)
        let linked = Linked(owner: owner)
        linked.peer = peer
        let plan = try #require(ReflectionPlan.of(linked))
        #expect(plan.levels.first??.map { "\($0.label) \($0.isStrong)" } == ["peer false", "owner false", "inner true"])
        #expect(!plan.readsDirectly)
        #expect(linked.namedChildren.map(\.name) == ["peer", "owner", "inner"])
        #expect(linked.namedChildren.map { ObjectIdentifier($0.layer) } == [peer, owner, linked.inner].map(ObjectIdentifier.init))
        let planned = Self.libraryNames(linked), reference = Self.referenceNames(linked)
        #expect(Set(planned.parameters) == Set(reference.parameters))
        #expect(Set(planned.children) == Set(reference.children))
    }

    /// Fields declared as a class or an optional of one are read as one pointer (null for `nil`);
    /// an optional of an optional, an array or an existential is read as a value and cast.
    @Test func referencesAreReadAsPointers() throws {
        let layer = LooseLayer()
        let plan = try #require(ReflectionPlan.of(layer))
        let flags = Dictionary(uniqueKeysWithValues: plan.levels.compactMap { $0 }.joined().map { ($0.label, $0.holdsReference) })
        #expect(flags == ["anything": false, "block": false, "maybeLayer": true, "maybeParameter": true, "layers": false,
                          "hashable": false, "nested": false])
        #expect(plan.readsDirectly)
        #expect(layer.namedChildren.isEmpty && layer.namedParameters().isEmpty)
        let dense = Dense<Double>(2, inputSize: 1, seed: 1), inner = Dense<Double>(1, inputSize: 2, seed: 2)
        let variable = Variable(Tensor<Double>(shape: [1], scalars: [4]), requiresGradient: true)
        layer.maybeLayer = dense
        layer.nested = .some(inner)
        layer.maybeParameter = variable
        #expect(layer.namedChildren.map { ObjectIdentifier($0.layer) } == [dense, inner].map(ObjectIdentifier.init))
        #expect(layer.namedParameters().map(\.name) == ["maybeParameter", "maybeLayer.weight", "maybeLayer.bias", "nested.weight", "nested.bias"])
        #expect(layer.namedParameters().first?.variable === variable)
    }

    /// A layer of one's own that holds one sub-layer under two properties, and calls it twice.
    final class Twice: Layer<Double> {
        let first: Dense<Double>
        let second: Dense<Double>

        init(_ layer: Dense<Double>) {
            first = layer
            second = layer
            super.init()
        }

        override var isTraceable: Bool { true }
        override func forward(_ input: Variable<Double>) -> Variable<Double> { second(first(input)) }
    }

    /// The name-free walk meets the parameters in ``Layer/namedParameters(includeFrozen:)``'s
    /// order, repeats included; an executor still reads a model whose layer is met twice, and no
    /// longer once a weight is replaced.
    @Test func theParameterWalkFollowsNamedParameters() throws {
        let shared = Dense<Double>(2, inputSize: 2, seed: 1)
        let input = Input<Double>(shape: [2], seed: 3)
        let model = try Model(inputs: [input], outputs: [Dense<Double>(1)(Twice(shared)(input))])
        var walked: [ObjectIdentifier] = []
        model.forEachParameter { walked.append(ObjectIdentifier($0)) }
        let named = model.namedParameters().map { ObjectIdentifier($0.variable) }
        #expect(walked.count == named.count + 2)   // the shared weight and bias, met twice
        var seen: Set<ObjectIdentifier> = []
        #expect(walked.filter { seen.insert($0).inserted } == named)
        let executor = try #require(model.executor(training: true))
        #expect(executor.reads(model))
        shared.weight = Variable(shared.weight!.value, requiresGradient: true)
        #expect(!executor.reads(model))
    }

    /// A layer with a mirror of its own is reflected through that mirror, whole.
    @Test func aCustomMirrorIsReadWhole() {
        final class Mirrored: Layer<Double>, CustomReflectable {
            let hidden = Variable(Tensor<Double>(shape: [1], scalars: [2]), requiresGradient: true)
            var customMirror: Mirror { Mirror(self, children: ["shown": hidden]) }
        }
        let layer = Mirrored()
        #expect(ReflectionPlan.of(layer) == nil)
        #expect(layer.namedParameters().map(\.name) == ["shown"])
    }
}
