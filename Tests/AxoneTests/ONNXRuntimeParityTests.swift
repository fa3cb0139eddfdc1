import Testing
@testable import Axone
import AxoneONNX

/// The exported graph, run by onnxruntime, computes what `model.predict` computes.
///
/// Oracle: onnxruntime (CPU execution provider) from PyPI, after `onnx.checker.check_model` with
/// `full_check` accepts the file. Tolerance: 1e-5 absolute per element — both sides compute in
/// float32 with different summation orders and transcendental implementations, a few ulps per
/// layer on values of order 1.
@Suite("ONNX export — parity with onnxruntime")
struct ONNXRuntimeParityTests {
    @Test(arguments: ONNXTestModel.allCases)
    func onnxruntimeMatchesPredict(_ testModel: ONNXTestModel) throws {
        let model = try testModel.make()
        let input = testModel.input()
        expectClose(try ONNXReferenceRuntime.run(model, on: input), try model.predict(input), relative: 0, absolute: 1e-5)
    }

    @Test("the symbolic batch dimension accepts another batch size")
    func otherBatchSize() throws {
        let model = try ONNXTestModel.maxoutVanillaDropout.make()
        let input = ONNXTestModel.maxoutVanillaDropout.input(batch: 1)
        expectClose(try ONNXReferenceRuntime.run(model, on: input), try model.predict(input), relative: 0, absolute: 1e-5)
    }

    @Test("a model left in training mode exports its inference behaviour")
    func trainingModeIsIgnored() throws {
        let model = try ONNXTestModel.batchNormDropoutNoise.make()
        let input = ONNXTestModel.batchNormDropoutNoise.input()
        let expected = try model.predict(input)
        model.train()
        expectClose(try ONNXReferenceRuntime.run(model, on: input), expected, relative: 0, absolute: 1e-5)
    }
}
