import Foundation
import Testing
@testable import Axone
@testable import AxoneONNX

/// Graph models (`Model(inputs:outputs:)`) exported to ONNX: their inputs and outputs, shared
/// layers, merges and nested models, checked in the decoded file and run by onnxruntime.
///
/// Oracle: onnxruntime (CPU execution provider) after `onnx.checker.check_model` with
/// `full_check`, as in ``ONNXRuntimeParityTests``. Tolerance: the same 1e-5 absolute per element
/// (relative 0) — both sides compute in float32 with different summation orders and
/// transcendental implementations, a few ulps per layer on values of order 1.
@Suite("ONNX export — graph models")
struct ONNXGraphExportTests {
    /// Inputs `left` and `right` [4]; the Dense `shared` called on each; the two calls
    /// concatenated into the nested graph model `encoder` (which holds a nested Sequential with
    /// BatchNormalization); a three-input Add of both calls and `skip` on `left`. Outputs:
    /// `classes` (softmax over the encoder's code) and `score` (on the sum). Non-kernel
    /// parameters and buffers are drawn at random.
    static func twoTowers() throws -> Model<Float> {
        let left = Input<Float>(shape: [4], name: "left", seed: 1), right = Input<Float>(shape: [4], name: "right", seed: 2)
        let shared = Dense<Float>(6, activation: .tanh, name: "shared")
        let a = try shared(left), b = try shared(right)
        let code = try encoder()(Concatenate<Float>()([a, b]))
        let sum = try Add<Float>()([a, b, Dense(6, name: "skip")(left)])
        let model = try Model(inputs: [left, right],
                              outputs: [Dense(3, activation: .softmax, name: "classes")(code), Dense(2, name: "score")(sum)],
                              name: "two_towers")
        ONNXTestModel.randomizeNonKernels(of: model, seed: 11)
        return model
    }

    /// Input [12] → Sequential [Dense(5, ELU), BatchNormalization] → Dense(3) `code`.
    private static func encoder() throws -> Model<Float> {
        let input = Input<Float>(shape: [12], seed: 3)
        let hidden = try Sequential<Float>([Dense(5, activation: .elu()), try BatchNormalization()])(input)
        return try Model(inputs: input, outputs: Dense(3, name: "code")(hidden), name: "encoder")
    }

    /// Deterministic examples of `shape`.
    private static func examples(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
        var generator = SeededGenerator(seed: seed)
        return Tensor.randomNormal(shape, standardDeviation: 1.5, using: &generator)
    }

    /// The path (parameter prefix) of the top-level layer named `name` in the graph.
    private static func path(of name: String, in model: Model<Float>) throws -> String {
        let layer = try #require(model.graphDescription?.nodes.first { $0.name == name }?.layer)
        return try #require(model.namedChildren.first { $0.layer === layer }?.name)
    }

    @Test("onnxruntime computes what predict computes, for each output", arguments: [1, 6])
    func onnxruntimeMatchesPredict(batch: Int) throws {
        let model = try Self.twoTowers()
        let inputs = [Self.examples([batch, 4], seed: 3), Self.examples([batch, 4], seed: 4)]
        let exported = try ONNXReferenceRuntime.run(model, on: inputs)
        let expected = try model.predict(inputs)
        #expect(exported.count == 2)
        for (actual, wanted) in zip(exported, expected) { expectClose(actual, wanted, relative: 0, absolute: 1e-5) }
    }

    @Test("one graph input per model input, one output per model output, by name")
    func inputsAndOutputs() throws {
        let model = try Self.twoTowers()
        let proto = try Onnx_ModelProto(exported: ONNXExport.serialize(model))
        #expect(proto.graph.name == "two_towers")
        #expect(proto.docString.hasPrefix("Axone Functional 'two_towers' (7 layers)"))
        #expect(proto.graph.input.map(\.name) == ["left", "right"])
        #expect(proto.graph.input.map(Onnx_ModelProto.shape(of:)) == [["batch", "4"], ["batch", "4"]])
        #expect(proto.graph.output.map(\.name) == model.outputNames)
        #expect(model.outputNames == ["classes", "score"])
        #expect(proto.graph.output.map(Onnx_ModelProto.shape(of:)) == [["batch", "3"], ["batch", "2"]])
        let signature = try ONNXSignature(of: model)
        #expect(signature.inputs == [.init(name: "left", shape: [4]), .init(name: "right", shape: [4])])
        #expect(signature.outputs == [.init(name: "classes", shape: [3]), .init(name: "score", shape: [2])])
        // Inputs without names are named as the summary names them.
        let unnamed = Input<Float>(shape: [2])
        #expect(try ONNXSignature(of: Model(inputs: unnamed, outputs: Dense(1)(unnamed))).inputs.map(\.name) == ["input_layer"])
    }

    @Test("initializers are the parameters and buffers by path, a shared layer's once")
    func sharedAndNestedInitializers() throws {
        let model = try Self.twoTowers()
        let proto = try Onnx_ModelProto(exported: ONNXExport.serialize(model))
        let tensors = model.namedParameters().map { ($0.name, $0.variable.value) } + model.namedBuffers().map { ($0.name, $0.buffer.value) }
        #expect(proto.graph.initializer.count == tensors.count)
        #expect(Set(proto.graph.initializer.map(\.name)) == Set(tensors.map(\.0)))
        for (name, tensor) in tensors {
            let initializer = try #require(proto.initializer(name), "no initializer \(name)")
            #expect(initializer.dims == tensor.shape.map(Int64.init) && initializer.floats == tensor.scalars, "\(name)")
        }
        // Both calls of `shared` read its one weight.
        let shared = try Self.path(of: "shared", in: model)
        #expect(proto.graph.node.filter { $0.input.contains("\(shared).weight") }.map(\.opType) == ["MatMul", "MatMul"])
        // The encoder's Sequential's BatchNormalization, two levels down.
        let encoder = try Self.path(of: "encoder", in: model)
        #expect(proto.initializer("\(encoder).layers.0.layers.1.runningMean") != nil)
        // The three-input Add is two Add nodes, left to right.
        let add = try Self.path(of: "add", in: model)
        #expect(proto.graph.node.filter { $0.name.hasPrefix("\(add)/") }.map(\.opType) == ["Add", "Add"])
    }

    /// Inputs `x` [2, 3] and `y` [1, 3]; outputs: Concatenate on example axis 0 (rows), on axis −1
    /// (columns), and the first again through Dropout (an output that is another output's value).
    private static func concatenations() throws -> Model<Float> {
        let x = Input<Float>(shape: [2, 3], name: "x"), y = Input<Float>(shape: [1, 3], name: "y")
        let rows = try Concatenate<Float>(axis: 0, name: "rows")([x, y])
        let columns = try Concatenate<Float>(axis: -1, name: "columns")([x, x])
        return try Model(inputs: [x, y], outputs: [rows, columns, try Dropout<Float>(rate: 0.5, name: "same_rows")(rows)])
    }

    @Test("Concatenate's axis counts the batch axis in ONNX; an output repeated is copied")
    func concatenateAxes() throws {
        let model = try Self.concatenations()
        let graph = try Onnx_ModelProto(exported: ONNXExport.serialize(model)).graph
        #expect(graph.node.map(\.opType) == ["Concat", "Concat", "Identity"])
        #expect(graph.node.map { $0.attribute.first?.i } == [1, -1, nil])
        #expect(graph.node.map(\.output) == [["rows"], ["columns"], ["same_rows"]])
        #expect(graph.node[2].input == ["rows"])
        let inputs = [Self.examples([5, 2, 3], seed: 5), Self.examples([5, 1, 3], seed: 6)]
        let exported = try ONNXReferenceRuntime.run(model, on: inputs)
        let expected = try model.predict(inputs)
        #expect(exported.map(\.shape) == [[5, 3, 3], [5, 2, 6], [5, 3, 3]])
        for (actual, wanted) in zip(exported, expected) { expectClose(actual, wanted, relative: 0, absolute: 1e-5) }
    }

    @Test("an unsupported layer is named by its path, in the graph or in a nested model")
    func unsupportedLayer() throws {
        let input = Input<Float>(shape: [3])
        let top = try Model(inputs: input, outputs: Doubler()(Dense(2)(input)))
        #expect(throws: ONNXExportError.unsupportedLayer(path: "layers.1", type: "Doubler")) { try ONNXExport.serialize(top) }

        let innerInput = Input<Float>(shape: [2])
        let inner = try Model(inputs: innerInput, outputs: Doubler()(innerInput))
        let outer = Input<Float>(shape: [3])
        let nested = try Model(inputs: outer, outputs: inner(Dense(2)(outer)))
        #expect(throws: ONNXExportError.unsupportedLayer(path: "layers.1.layers.0", type: "Doubler")) { try ONNXExport.serialize(nested) }
    }

    @Test("axone export-onnx writes a graph model and prints its input and output names")
    func command() throws {
        let left = Input<Float>(shape: [3], name: "left"), right = Input<Float>(shape: [3], name: "right")
        let shared = Dense<Float>(4, activation: .relu, name: "shared")
        let sum = try Add<Float>()([shared(left), shared(right)])
        let model = try Model(inputs: [left, right], outputs: [Dense(2, name: "classes")(sum), Dense(1, name: "score")(sum)])
        let directory = temporaryPath("onnx-graph-cli")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try model.architectureJSON().write(toFile: "\(directory)/graph.json", atomically: true, encoding: .utf8)
        let result = try runAxone(["export-onnx", "--model", "graph.json", "-o", "graph.onnx"], in: directory)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains(#"(inputs "left" [batch, 3], "right" [batch, 3]; outputs "classes" [batch, 2], "score" [batch, 1])"#),
                "\(result.output)")
        let proto = try Onnx_ModelProto(exported: [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(directory)/graph.onnx"))))
        #expect(proto.graph.input.map(\.name) == ["left", "right"] && proto.graph.output.map(\.name) == ["classes", "score"])
    }
}
