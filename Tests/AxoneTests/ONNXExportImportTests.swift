import Foundation
import Testing
@testable import Axone
import AxoneONNX

/// Axone's own ONNX exports (the exporter's test models: every exportable layer and activation,
/// convolutions with padding, strides, dilation and pooling) import back and predict what the
/// original predicts; the ones using operators the importer lacks are refused with a typed error.
///
/// Tolerance: 1e-5 absolute, as the exporter's parity tests (float32 on both sides; the imported
/// convolutions run the same kernels on transposed copies).
@Suite("ONNX import — Axone's own exports")
struct ONNXExportImportTests {
    /// The models whose export uses an operator the importer does not read, with that operator.
    static let refused: [ONNXTestModel: String] = [.step: "GreaterOrEqual", .maxoutVanillaDropout: "ReduceMax"]

    @Test(arguments: ONNXTestModel.allCases)
    func exportedModelsImportBack(_ testModel: ONNXTestModel) throws {
        let model = try testModel.make()
        let input = testModel.input()
        do {
            let imported = try ONNXImport.model(from: Data(ONNXExport.serialize(model)))
            #expect(Self.refused[testModel] == nil, "expected a refusal")
            expectClose(try imported.predict(input), try model.predict(input), relative: 0, absolute: 1e-5)
        } catch let error as ONNXImportError {
            let op = try #require(Self.refused[testModel], "refused: \(error)")
            #expect(error.description.contains(op), "\(error)")
        }
    }

    @Test func exportedConvolutionsImportBack() throws {
        let models = [(try ONNXConvolutionExportTests.convolutionChain(), [17, 20, 3]),
                      (try ONNXConvolutionExportTests.globalPooling(.average), [7, 9, 2]),
                      (try ONNXConvolutionExportTests.globalPooling(.max), [7, 9, 2])]
        for (model, shape) in models {
            let input = ONNXConvolutionExportTests.input(shape)
            let imported = try ONNXImport.model(from: Data(ONNXExport.serialize(model)))
            expectClose(try imported.predict(input), try model.predict(input), relative: 0, absolute: 1e-5)
        }
    }
}
