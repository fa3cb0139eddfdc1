import Testing
@testable import Axone
import AxoneONNX

/// ONNX `MaxPool` and `AveragePool` over 1-D and 3-D windows, with dilations, strides, pads and
/// `ceil_mode`, as the importer computes them (``ONNXOperation``, strided slices reduced one axis at
/// a time). Their values are checked by the ONNX node tests (`ONNXImportConformanceTests`); here:
/// gradients against central differences in Double (relative error below 1e-6), so that an
/// imported model with these operators can be fine-tuned.
@Suite("ONNX import — pooling over any number of axes")
struct ONNXPoolingOperatorTests {
    static func operation(_ type: String, _ attributes: [String: ONNXAttribute]) throws -> ONNXOperation {
        var attributes = attributes
        if type == "AveragePool" { attributes["count_include_pad"] = .int(1) }
        return try ONNXOperation(node: "pool", type: type, attributes: attributes)
    }

    @Test(arguments: ["MaxPool", "AveragePool"])
    func oneDimensionalDilatedWindowsWithPadsAndCeilModeHaveExactGradients(type: String) throws {
        let pool = try Self.operation(type, ["kernel_shape": .ints([3]), "strides": .ints([2]), "dilations": .ints([2]),
                                             "pads": .ints([1, 2]), "ceil_mode": .int(1)])
        let x = randomTensor([2, 3, 11], seed: 4)
        #expect(try pool.apply([Variable(x)]).shape == [2, 3, 6])   // ceil((11 + 3 − 5) / 2 + 1) = 6
        try expectGradientsMatch(inputs: [x]) { try pool.apply([$0[0]]) }
    }

    @Test(arguments: ["MaxPool", "AveragePool"])
    func threeDimensionalWindowsHaveExactGradients(type: String) throws {
        let pool = try Self.operation(type, ["kernel_shape": .ints([2, 2, 3]), "strides": .ints([1, 2, 1]),
                                             "dilations": .ints([1, 1, 2]), "pads": .ints([0, 1, 0, 1, 0, 1])])
        let x = randomTensor([1, 2, 4, 5, 6], seed: 5)
        #expect(try pool.apply([Variable(x)]).shape == [1, 2, 4, 3, 3])
        try expectGradientsMatch(inputs: [x]) { try pool.apply([$0[0]]) }
    }

    @Test func aWindowWiderThanThePaddedImageIsRefused() throws {
        let pool = try Self.operation("MaxPool", ["kernel_shape": .ints([4]), "dilations": .ints([3])])
        #expect(throws: ONNXImportError.self) { try pool.apply([Variable(Tensor<Double>(shape: [1, 1, 9], repeating: 0))]) }
    }
}
