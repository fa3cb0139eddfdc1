import Foundation
import Testing
@testable import Axone
@testable import AxoneONNX

/// Mutated ONNX files — bit flips, truncations, inserted and deleted bytes, and edits of the
/// parsed message (dimensions, attribute values, operator types, input names) — are imported: each
/// either imports and then predicts on one example (the batch size its import was checked with), or throws ``ONNXImportError``.
/// A trap or a hang ends the test process, so finishing is the "0 crashes, 0 hangs" check.
///
/// `make test` runs 300 mutations; `AXONE_ONNX_FUZZ_MUTATIONS=5000 swift test --filter
/// ONNXImportFuzzTests` runs more and prints the tally.
@Suite("ONNX import — fuzzing")
struct ONNXImportFuzzTests {
    static var mutations: Int {
        ProcessInfo.processInfo.environment["AXONE_ONNX_FUZZ_MUTATIONS"].flatMap(Int.init) ?? 300
    }

    @Test func mutatedFilesAreImportedOrRefused() throws {
        var rng = SeededGenerator(seed: 16)
        let seeds = [ONNXTestGraphs.mlp, ONNXTestGraphs.cnn]
        let seedBytes = try seeds.map { [UInt8](try ONNXTestGraphs.bytes($0)) }
        var imported = 0, refused = 0
        for index in 0..<Self.mutations {
            let which = index % seeds.count
            let bytes: [UInt8]
            switch index % 5 {
            case 0, 1: bytes = Self.flipBits(seedBytes[which], using: &rng)
            case 2: bytes = Array(seedBytes[which].prefix(Int.random(in: 0..<seedBytes[which].count, using: &rng)))
            case 3: bytes = Self.spliceBytes(seedBytes[which], using: &rng)
            default: bytes = [UInt8](try ONNXTestGraphs.bytes(Self.editFields(seeds[which], using: &rng)))
            }
            do {
                let model = try ONNXImport.model(from: Data(bytes))
                let inputs = model.inputs.map { Tensor<Float>(shape: [1] + $0.shape, repeating: 0.5) }
                #expect(try model.predict(inputs).count == model.outputs.count)
                imported += 1
            } catch is ONNXImportError {
                refused += 1
            } catch {
                Issue.record("mutation \(index): \(type(of: error)) \(error)")
            }
        }
        print("ONNX import fuzz: \(Self.mutations) mutated files, \(imported) imported, \(refused) refused, 0 crashes")
        #expect(imported + refused == Self.mutations)
        #expect(refused > 0)
    }

    static func flipBits(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
        }
        return bytes
    }

    static func spliceBytes(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        if Bool.random(using: &rng) {
            bytes.insert(contentsOf: (0..<Int.random(in: 1...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
        } else {
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...4, using: &rng)))
        }
        return bytes
    }

    /// One edit of the parsed model: a dimension, an attribute, an operator type or an input name.
    static func editFields(_ model: Onnx_ModelProto, using rng: inout SeededGenerator) -> Onnx_ModelProto {
        var model = model
        let sizes: [Int64] = [-1, 0, 1, 2, 3, 7, 1 << 31, 1 << 62]
        let node = Int.random(in: 0..<model.graph.node.count, using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            let i = Int.random(in: 0..<model.graph.initializer.count, using: &rng)
            let d = Int.random(in: 0..<model.graph.initializer[i].dims.count, using: &rng)
            model.graph.initializer[i].dims[d] = sizes.randomElement(using: &rng)!
        case 1:
            let d = Int.random(in: 0..<model.graph.input[0].type.tensorType.shape.dim.count, using: &rng)
            model.graph.input[0].type.tensorType.shape.dim[d].dimValue = sizes.randomElement(using: &rng)!
        case 2 where !model.graph.node[node].attribute.isEmpty:
            let a = Int.random(in: 0..<model.graph.node[node].attribute.count, using: &rng)
            model.graph.node[node].attribute[a].ints = (0..<Int.random(in: 0...5, using: &rng)).map { _ in sizes.randomElement(using: &rng)! }
            model.graph.node[node].attribute[a].i = sizes.randomElement(using: &rng)!
        case 3:
            let ops = ["Relu", "Softmax", "Transpose", "Reshape", "Concat", "MatMul", "Gemm", "Conv", "MaxPool", "AveragePool",
                       "Flatten", "BatchNormalization", "ReduceSum", "Clip", "Dropout", "GlobalAveragePool", "Add", "Identity"]
            model.graph.node[node].opType = ops.randomElement(using: &rng)!
        case 4:
            let names = model.graph.initializer.map(\.name) + model.graph.node.flatMap(\.output) + ["x", "", "missing"]
            if !model.graph.node[node].input.isEmpty {
                let i = Int.random(in: 0..<model.graph.node[node].input.count, using: &rng)
                model.graph.node[node].input[i] = names.randomElement(using: &rng)!
            }
        default:
            model.graph.node[node].attribute.append(.ints(["axis", "perm", "pads", "strides", "kernel_shape"].randomElement(using: &rng)!,
                                                          [Int64.random(in: -3...3, using: &rng), Int64.random(in: -3...3, using: &rng)]))
        }
        return model
    }
}
