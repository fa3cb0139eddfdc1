import Foundation
import Testing
@testable import Axone
import AxoneONNX

/// Models written by another producer (`onnx.helper`, see ``ONNXHelperModel``) imported into Axone.
///
/// Serialized: the oracle's Python processes would otherwise run side by side with the rest of the suite.
///
/// Oracle: onnxruntime's outputs on the same input. Tolerance: 1e-5 absolute plus 1e-4 relative
/// per element — both sides compute in float32 with different summation orders (im2col GEMMs
/// here, direct convolutions there), a few ulps per layer on values of order 1.
@Suite("ONNX import — models from onnx.helper", .serialized)
struct ONNXImportModelTests {
    static func expectMatches(_ actual: Tensor<Float>, _ expected: Tensor<Float>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == expected.shape, sourceLocation: sourceLocation)
        let worst = zip(actual.scalars, expected.scalars).map { abs($0 - $1) - 1e-4 * abs($1) }.max() ?? 0
        #expect(actual.shape == expected.shape && worst <= 1e-5, "worst excess error \(worst)", sourceLocation: sourceLocation)
    }

    static func withDirectory<R>(_ body: (String) throws -> R) throws -> R {
        let directory = NSTemporaryDirectory() + "axone-onnx-import-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try body(directory)
    }

    @Test("predict matches onnxruntime", arguments: ONNXHelperModel.allCases)
    func predictMatchesOnnxruntime(_ kind: ONNXHelperModel) throws {
        let (path, input, expected) = try kind.files()
        Self.expectMatches(try ONNXImport.load(contentsOf: path).predict(input), expected)
    }

    @Test("import → export → onnxruntime gives the same outputs", arguments: ONNXHelperModel.allCases)
    func exportOfImportMatches(_ kind: ONNXHelperModel) throws {
        let (path, input, expected) = try kind.files()
        Self.expectMatches(try ONNXReferenceRuntime.run(try ONNXImport.load(contentsOf: path), on: input), expected)
    }

    @Test("layers are Axone's own, named after the initializers")
    func layersAndParameterNames() throws {
        let mlp = try ONNXImport.load(contentsOf: try ONNXHelperModel.mlp.files().path)
        #expect(mlp.layerNames == ["fc1", "relu1", "fc2", "relu2", "head", "log_softmax"])
        #expect(try mlp.layer(named: "fc2") is Dense<Float>, "MatMul + Add fused into one Dense")
        #expect(try mlp.layer(named: "log_softmax") is ActivationLayer<Float>)
        #expect(try mlp.layer(named: "fc1").namedParameters().map(\.name) == ["weight", "bias"])
        #expect(try mlp.layer(named: "fc2").namedParameters().map(\.variable.shape) == [[16, 10], [10]])
        #expect(try mlp.layer(named: "fc1").namedParameters().map(\.variable.shape) == [[12, 16], [16]], "[inputs, units], transposed from Gemm's transB")
        #expect(mlp.summary().contains("Dense"))

        let cnn = try ONNXImport.load(contentsOf: try ONNXHelperModel.cnn.files().path)
        #expect(try cnn.layer(named: "conv1") is Conv2D<Float>)
        #expect(try cnn.layer(named: "conv2_pad") is ZeroPadding2D<Float>)
        #expect(try cnn.layer(named: "pool1") is MaxPooling2D<Float>)
        #expect(try cnn.layer(named: "fc") is Dense<Float>)
        #expect(try cnn.layer(named: "bn1") is ONNXOperatorLayer<Float>, "a 4-D BatchNormalization is an operator layer")
        let operators = cnn.layerNames.filter { (try? cnn.layer(named: $0)) is ONNXOperatorLayer<Float> }
        // NCHW → NHWC before conv1 and pool1, back before bn1 and the flatten; bn1; the Reshape.
        #expect(operators == ["conv1_nhwc", "bn1_nchw", "bn1", "pool1_nhwc", "flatten_nchw", "flatten"])
        #expect(cnn.inputs[0].shape == [1, 12, 12])
    }

    @Test("an imported model saves and loads with its operator layers")
    func saveAndLoad() throws {
        try Self.withDirectory { directory in
            for kind in [ONNXHelperModel.cnn, .residual] {
                let (path, input, _) = try kind.files()
                let model = try ONNXImport.load(contentsOf: path)
                let saved = directory + "/\(kind).safetensors"
                try ModelFile.save(model, to: saved)
                let loaded = try ModelFile.load(from: saved, as: Float.self).model
                #expect(try loaded.predict(input) == (try model.predict(input)))
                #expect(loaded.layerNames == model.layerNames)
            }
        }
    }

    @Test("fine-tune: freeze the imported body, replace the head, fit, save, resume")
    func fineTune() throws {
        try Self.withDirectory { directory in
            let path = try ONNXHelperModel.mlp.files().path
            let body = try ONNXImport.load(contentsOf: path, outputs: ["a2"])   // without the head
            #expect(body.layerNames == ["fc1", "relu1", "fc2", "relu2"])
            for name in body.layerNames { try body.layer(named: name).isTrainable = false }
            let head = try Dense<Float>(2, activation: .softmax, name: "new_head")(try body.output())
            let model = try Model(inputs: body.inputs, outputs: [head])
            #expect(model.trainableParameterCount == 10 * 2 + 2, "only the new head trains")

            var rng = SeededGenerator(seed: 3)
            let x = Tensor<Float>.randomNormal([128, 12], using: &rng)
            let y = Tensor<Float>(shape: [128], scalars: (0..<128).map { x[$0, 0] > 0 ? 1 : 0 })
            let frozen = body.state()
            model.compile(optimizer: Adam(learningRate: 0.05), loss: .categoricalCrossEntropy(fromLogits: false))
            let history = try model.fit(x, y, epochs: 8, batchSize: 32, verbose: .silent)
            #expect(history["loss"].last! < history["loss"].first!, "the head learns: \(history["loss"])")
            #expect(body.state() == frozen, "the frozen imported layers did not move")

            let saved = directory + "/fine-tuned.safetensors"
            try ModelFile.save(model, to: saved)
            let resumed = try ModelFile.load(from: saved, as: Float.self).model
            #expect(try resumed.predict(x) == (try model.predict(x)))
            #expect(resumed.trainableParameterCount == 10 * 2 + 2, "the frozen layers stay frozen")
        }
    }
}
