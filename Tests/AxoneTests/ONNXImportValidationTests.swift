import Foundation
import Testing
@testable import Axone
@testable import AxoneONNX

/// Bad ONNX files are refused with a typed ``ONNXImportError`` naming what is wrong, before any
/// large allocation.
@Suite("ONNX import — invalid and unsupported files")
struct ONNXImportValidationTests {
    typealias G = ONNXTestGraphs

    static func importing(_ model: Onnx_ModelProto) throws -> Model<Float> {
        try ONNXImport.model(from: try G.bytes(model))
    }

    @Test func theTestGraphsImport() throws {
        let mlp = try Self.importing(G.mlp)
        #expect(try mlp.predict(Tensor(shape: [2, 4], repeating: 1)).shape == [2, 3])
        let cnn = try Self.importing(G.cnn)
        #expect(try cnn.predict(Tensor(shape: [3, 2, 5, 5], repeating: 1)).shape == [3, 12])
    }

    @Test func truncatedAndCorruptBytes() throws {
        let bytes = try G.bytes(G.mlp)
        #expect(throws: ONNXImportError.self) { try ONNXImport.model(from: bytes.prefix(bytes.count / 2)) }
        #expect(throws: ONNXImportError.self) { try ONNXImport.model(from: Data()) }
        #expect(throws: ONNXImportError.self) { try ONNXImport.model(from: Data("not a model at all".utf8)) }
        for length in 0..<bytes.count {   // no prefix traps; each one is refused or imports
            do { _ = try ONNXImport.model(from: bytes.prefix(length)) } catch is ONNXImportError {}
        }
    }

    @Test func versions() throws {
        var model = G.mlp
        model.opsetImport[0].version = 6
        #expect(throws: ONNXImportError.unsupportedVersion("opset 6; the importer reads opsets 7–25")) { try Self.importing(model) }
        model = G.mlp
        model.irVersion = 2
        #expect(throws: ONNXImportError.unsupportedVersion("IR version 2; the importer reads IR 3–13")) { try Self.importing(model) }
        model = G.mlp
        model.opsetImport = []
        #expect(throws: ONNXImportError.self) { try Self.importing(model) }
    }

    /// Files of opsets 7–12 import with each operator's definition in that opset. Oracle: the
    /// definitions (ONNX's operator changelog), computed here in Double; float32 results, absolute
    /// tolerance 1e-6.
    @Test func olderOpsets() throws {
        var mlp = G.mlp
        (mlp.opsetImport[0].version, mlp.irVersion) = (7, 3)
        let x = Tensor<Float>(shape: [2, 4], scalars: (0..<8).map { Float($0) * 0.3 - 1 })
        #expect(try Self.importing(mlp).predict(x) == Self.importing(G.mlp).predict(x))

        // Softmax-11 flattens [2, 3] examples at its axis (default 1) and normalises all 6
        // values together; Softmax-13 normalises the last axis (default −1).
        var graph = Onnx_GraphProto()
        graph.input = [G.tensorInfo("x", [nil, 2, 3])]
        graph.output = [G.tensorInfo("y", [nil, 2, 3])]
        graph.node = [G.node("Softmax", ["x"], ["y"], name: "softmax")]
        let input = Tensor<Float>(shape: [2, 2, 3], scalars: (0..<12).map { Float($0 % 5) * 0.7 - 1 })
        let old = try Self.importing(G.model(graph, opset: 11)).predict(input).scalars
        let new = try Self.importing(G.model(graph, opset: 13)).predict(input).scalars
        func softmax(_ values: ArraySlice<Float>) -> [Double] {
            let e = values.map { exp(Double($0)) }
            return e.map { $0 / e.reduce(0, +) }
        }
        for example in 0..<2 {
            let start = example * 6
            for (j, p) in softmax(input.scalars[start..<start + 6]).enumerated() { #expect(abs(Double(old[start + j]) - p) < 1e-6) }
            for row in 0..<2 {
                let first = start + row * 3
                for (j, p) in softmax(input.scalars[first..<first + 3]).enumerated() { #expect(abs(Double(new[first + j]) - p) < 1e-6) }
            }
        }

        // Max-6 (before multidirectional broadcasting) is older than the importer reads.
        var max = Onnx_GraphProto()
        max.input = [G.tensorInfo("a", [nil, 3]), G.tensorInfo("b", [nil, 3])]
        max.output = [G.tensorInfo("y", [nil, 3])]
        max.node = [G.node("Max", ["a", "b"], ["y"], name: "max")]
        #expect(throws: ONNXImportError.unsupportedInput(node: "max", op: "Max", reason:
            "opset 7 holds an older definition of Max than the importer reads (from opset 8 on)")) {
            try Self.importing(G.model(max, opset: 7))
        }
    }

    /// A graph whose leading axis is fixed may mix the examples along it (`torch.onnx.export`
    /// without dynamic axes writes `x.view(1, -1)` as a `Reshape` to `[1, 6]`): the model then
    /// takes batches of exactly that size. Oracle: the operators' definitions, per batch.
    @Test func fixedBatchGraphsTakeBatchesOfTheirSize() throws {
        var shape = Onnx_TensorProto()
        (shape.name, shape.dims, shape.dataType, shape.int64Data) = ("shape", [2], Int32(Onnx_TensorProto.DataType.int64.rawValue), [1, 6])
        var reshape = Onnx_GraphProto()
        reshape.input = [G.tensorInfo("x", [1, 2, 3])]
        reshape.output = [G.tensorInfo("y", [1, 6])]
        reshape.initializer = [shape]
        reshape.node = [G.node("Reshape", ["x", "shape"], ["y"], name: "reshape")]
        let flat = try Self.importing(G.model(reshape))
        #expect(flat.requiredBatchSize == 1)
        let x = Tensor<Float>(shape: [5, 2, 3], scalars: (0..<30).map(Float.init))
        #expect(try flat.predict(x) == x.reshaped([5, 6]))
        #expect(throws: ONNXExportError.batchDependentLayer(path: "layers.0", type: "ONNXOperator")) { _ = try ONNXExport.serialize(flat) }

        // Softmax over the fixed batch axis of 2: each pair of examples is normalised together.
        var softmax = Onnx_GraphProto()
        softmax.input = [G.tensorInfo("x", [2, 3])]
        softmax.output = [G.tensorInfo("y", [2, 3])]
        softmax.node = [G.node("Softmax", ["x"], ["y"], name: "softmax", attributes: [.int("axis", 0)])]
        let pairs = try Self.importing(G.model(softmax))
        pairs.compile(optimizer: SGD(learningRate: 0.1), loss: .meanSquaredError)
        let input = Tensor<Float>(shape: [4, 3], scalars: (0..<12).map { Float($0 % 5) * 0.4 })
        let y = try pairs.predict(input, batchSize: 256)
        for pair in 0..<2 {
            for column in 0..<3 {
                let (a, b) = (Double(input[2 * pair, column]), Double(input[2 * pair + 1, column]))
                #expect(abs(Double(y[2 * pair, column]) - exp(a) / (exp(a) + exp(b))) < 1e-6)   // float32, absolute
            }
        }
        #expect(throws: TrainingError.self) { try pairs.predict(input.rows(0..<3)) }
        #expect(throws: TrainingError.self) { try pairs.evaluate(input.rows(0..<3), input.rows(0..<3)) }
        #expect(throws: TrainingError.self) { try pairs.fit(input, input, batchSize: 4, verbose: .silent) }
        #expect(try pairs.fit(input, input, batchSize: 2, verbose: .silent)["loss"].count == 1)

        // The product of two vectors of 3 is a scalar: one per batch of 3.
        var dot = Onnx_GraphProto()
        dot.input = [G.tensorInfo("a", [3]), G.tensorInfo("b", [3])]
        dot.output = [G.tensorInfo("c", [])]
        dot.node = [G.node("MatMul", ["a", "b"], ["c"], name: "dot")]
        let product = try Self.importing(G.model(dot))
        let (a, b) = (Tensor<Float>(shape: [6], scalars: [1, 2, 3, 4, 5, 6]), Tensor<Float>(shape: [6], scalars: [1, 0, -1, 2, 1, 0.5]))
        #expect(withoutGradients { product.forward([Variable(a.rows(0..<3)), Variable(b.rows(0..<3))]) }[0].value == Tensor(-2))
        #expect(try product.predict([a, b])[0] == Tensor(shape: [2], scalars: [-2, 16]))
    }

    @Test func graphStructure() throws {
        var cycle = G.mlp
        cycle.graph.node = [G.node("Relu", ["x2"], ["h"], name: "a"), G.node("Add", ["h", "x"], ["x2"], name: "b"),
                            G.node("Relu", ["h"], ["y"], name: "c")]
        #expect(throws: ONNXImportError.invalidGraph("the graph has a cycle through nodes a, b, c")) { try Self.importing(cycle) }

        var dangling = G.mlp
        dangling.graph.node[1].input = ["nowhere"]
        #expect(throws: ONNXImportError.invalidGraph("node 'relu' reads 'nowhere', which nothing produces")) { try Self.importing(dangling) }

        var twice = G.mlp
        twice.graph.node[1].output = ["h"]
        #expect(throws: ONNXImportError.self) { try Self.importing(twice) }

        var duplicateInitializer = G.mlp
        duplicateInitializer.graph.initializer.append(G.initializer("fc.bias", [3]))
        #expect(throws: ONNXImportError.invalidGraph("the initializer name 'fc.bias' is empty or repeated")) { try Self.importing(duplicateInitializer) }

        var missingOutput = G.mlp
        missingOutput.graph.output[0].name = "z"
        #expect(throws: ONNXImportError.invalidGraph("the graph output 'z' is never produced")) { try Self.importing(missingOutput) }
    }

    @Test func tensorsAreCheckedBeforeAllocation() throws {
        var external = G.mlp
        external.graph.initializer[0].dataLocation = .external
        #expect(throws: ONNXImportError.unsupportedTensor(name: "fc.weight", reason: "stores its data in an external file, which the importer does not read")) {
            try Self.importing(external)
        }

        var huge = G.mlp   // 2⁴⁰ elements declared, 12 present: refused without allocating
        huge.graph.initializer[0].dims = [1 << 20, 1 << 20]
        #expect(throws: ONNXImportError.self) { try Self.importing(huge) }

        var short = G.mlp
        short.graph.initializer[0].floatData.removeLast()
        #expect(throws: ONNXImportError.unsupportedTensor(name: "fc.weight", reason: "holds 11 values for shape [3, 4]")) { try Self.importing(short) }

        var wideInput = G.mlp
        wideInput.graph.input[0] = G.tensorInfo("x", [nil, 1 << 40])
        #expect(throws: ONNXImportError.self) { try Self.importing(wideInput) }

        var widePads = G.cnn   // a 120,005 × 120,005 padded image: refused before any example is computed
        widePads.graph.node[0].attribute = [.ints("pads", [60_000, 60_000, 60_000, 60_000])]
        #expect(throws: ONNXImportError.self) { try Self.importing(widePads) }

        var outer = G.mlp   // [N, 20000, 1] + [20000]: 4·10⁸ elements from 40,000
        outer.graph.input[0] = G.tensorInfo("x", [nil, 20_000, 1])
        outer.graph.initializer = [G.initializer("row", [20_000])]
        outer.graph.node = [G.node("Add", ["x", "row"], ["y"], name: "outer")]
        let error = #expect(throws: ONNXImportError.self) { try Self.importing(outer) }
        #expect(error?.description.contains("outer (Add) result") == true, "\(String(describing: error))")

        var doubleInput = G.mlp
        doubleInput.graph.input[0] = G.tensorInfo("x", [nil, 4], type: .double)
        #expect(throws: ONNXImportError.self) { try Self.importing(doubleInput) }
    }

    @Test func operatorsMixingTheExamplesOfASymbolicBatchAreRefused() throws {
        let mixing: [(String, [Onnx_AttributeProto])] = [
            ("Softmax", [.int("axis", 0)]), ("Transpose", []), ("ReduceSum", []), ("Flatten", [.int("axis", 0)]),
        ]
        for (op, attributes) in mixing {
            var model = G.mlp
            model.graph.node[1] = G.node(op, ["h"], ["y"], name: "mix", attributes: attributes)
            #expect(throws: ONNXImportError.unsupportedInput(node: "mix", op: op, reason:
                "mixes the examples of a batch along the symbolic batch axis; an Axone model computes each example on its own")) {
                try Self.importing(model)
            }
            model.graph.input[0] = G.tensorInfo("x", [2, 4])   // a fixed first axis: computed as ONNX does
            let x = Tensor<Float>(shape: [2, 4], scalars: (0..<8).map { Float($0) / 8 })
            #expect(try Self.importing(model).forward([Variable(x)])[0].value.count > 0, "\(op)")
        }
        var perExample = G.mlp   // softmax over the last axis, a reshape copying the batch axis: kept
        perExample.graph.node[1] = G.node("Softmax", ["h"], ["y"], name: "softmax", attributes: [.int("axis", -1)])
        #expect(try Self.importing(perExample).predict(Tensor(shape: [3, 4], repeating: 1)).shape == [3, 3])
    }

    @Test func unsupportedOperatorsAndAttributesNameTheNode() throws {
        var erf = G.mlp
        erf.graph.node[1].opType = "Erf"
        #expect(throws: ONNXImportError.unsupportedOperator(node: "relu", op: "Erf", domain: "")) { try Self.importing(erf) }

        var grouped = G.cnn
        grouped.graph.node[0].attribute.append(.int("group", 2))
        #expect(throws: ONNXImportError.unsupportedAttribute(node: "conv", op: "Conv", attribute: "group",
                                                             reason: "must be 1 (grouped convolutions are not supported)")) {
            try Self.importing(grouped)
        }

        var unknown = G.mlp
        unknown.graph.node[0].attribute.append(.int("mystery", 1))
        #expect(throws: ONNXImportError.unsupportedAttribute(node: "fc", op: "Gemm", attribute: "mystery", reason: "is not supported")) {
            try Self.importing(unknown)
        }

        var trainingDropout = G.mlp
        trainingDropout.graph.node[1] = G.node("Dropout", ["h", "", "mode"], ["y"], name: "drop")
        var mode = Onnx_TensorProto()
        mode.name = "mode"
        mode.dataType = Int32(Onnx_TensorProto.DataType.bool.rawValue)
        mode.int32Data = [1]
        trainingDropout.graph.initializer.append(mode)
        let error = #expect(throws: ONNXImportError.self) { try Self.importing(trainingDropout) }
        #expect(error?.description.contains("training_mode") == true)
    }
}
