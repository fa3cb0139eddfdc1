import Foundation
import Testing
@testable import Axone
import AxoneONNX

/// Models exported by PyTorch (`torch.onnx.export`, torch 2.13, opset 17): the `.onnx` files, an
/// input batch and PyTorch's output for it are committed in `Tests/Fixtures/pytorch/`, with the
/// script that made them (`make_models.py`), so the test needs no PyTorch.
@Suite("ONNX import — models exported by PyTorch")
struct ONNXPyTorchModelTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pytorch")

    /// A committed batch: PyTorch's input and output, and the value before the last `Gemm`.
    struct Record: Decodable {
        struct Values: Decodable {
            let shape: [Int]
            let data: [Float]
            var tensor: Tensor<Float> { Tensor(shape: shape, scalars: data) }
        }
        let input: Values, output: Values
        let bodyOutput: String

        enum CodingKeys: String, CodingKey { case input, output, bodyOutput = "body_output" }
    }

    static func record(_ name: String) throws -> Record {
        try JSONDecoder().decode(Record.self, from: Data(contentsOf: directory.appendingPathComponent("\(name).json")))
    }

    static func path(_ name: String) -> String { directory.appendingPathComponent("\(name).onnx").path }

    /// Axone's prediction matches PyTorch's output (float32, absolute 1e-4 + relative 1e-3: the
    /// summation orders of two BLAS libraries differ).
    @Test(arguments: ["mlp", "lenet", "residual"])
    func predictionsMatchPyTorch(_ name: String) throws {
        let record = try Self.record(name)
        let model = try ONNXImport.load(contentsOf: Self.path(name))
        let predicted = try model.predict(record.input.tensor)
        let expected = record.output.tensor
        #expect(predicted.shape == expected.shape)
        for (p, e) in zip(predicted.scalars, expected.scalars) {
            #expect(abs(p - e) <= 1e-4 + 1e-3 * abs(e), "\(name): \(p) vs PyTorch's \(e)")
        }
    }

    /// Seed 002's recipe on a model trained in PyTorch: keep its body frozen, put a new head on it,
    /// train the head on a slice of Fashion-MNIST, save, and resume from the file.
    @Test func aPyTorchModelIsFineTunedOnFashionMNISTSavedAndResumed() throws {
        guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
            Issue.record("Fashion-MNIST is missing from \(FashionMNIST.defaultDirectory): `make test` installs it")
            return
        }
        let record = try Self.record("mlp")
        let body = try ONNXImport.load(contentsOf: Self.path("mlp"), outputs: [record.bodyOutput])
        for name in body.layerNames { try body.layer(named: name).isTrainable = false }
        let head = try Dense<Float>(10, name: "new_head")(try body.output())
        let model = try Model(inputs: body.inputs, outputs: [head])
        #expect(model.trainableParameterCount == 32 * 10 + 10, "only the new head trains")
        let frozen = body.state()

        let train = try FashionMNIST.load(split: .train).subset(0..<3000)
        let test = try FashionMNIST.load(split: .test).subset(0..<1000)
        let (x, y) = (test.allImages(), Tensor<Float>(shape: [1000], scalars: test.labels.map(Float.init)))
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        try model.fit(train, epochs: 2, batchSize: 64, verbose: .silent)
        let accuracy = try model.evaluate(x, y)["accuracy"]!
        // PyTorch trained the body for one epoch (about 83 % with its own head); a new head on the
        // frozen features gets most of that back from 3,000 images.
        #expect(accuracy > 0.75, "fine-tuned accuracy \(accuracy)")
        #expect(body.state() == frozen, "the imported layers did not move")

        let file = temporaryPath("pytorch-fine-tuned") + ".safetensors"
        try ModelFile.save(model, to: file)
        let resumed = try ModelFile.load(from: file, as: Float.self).model
        #expect(try resumed.predict(x) == (try model.predict(x)))
        #expect(resumed.trainableParameterCount == 32 * 10 + 10, "the imported layers stay frozen")
        resumed.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        try resumed.fit(train, epochs: 1, batchSize: 64, verbose: .silent)
        #expect(try resumed.evaluate(x, y)["accuracy"]! > 0.75)
    }
}
