import Foundation
@testable import Axone
@testable import AxoneONNX

/// Small models that together use every layer and activation the ONNX exporter handles, with
/// every parameter and buffer other than the kernels drawn at random (biases, BatchNorm γ, β and
/// running statistics, PReLU slopes) so that no operand of the exported graph is trivial.
enum ONNXTestModel: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Dense with ReLU, sigmoid, tanh, leaky ReLU, ELU, then softmax.
    case denseActivations
    /// Dense with SELU, softplus, linear without bias, an Activation layer, then log-softmax.
    case moreDenseActivations
    /// Dense with the Heaviside step as output.
    case step
    /// BatchNormalization between Dense layers, with Dropout and GaussianNoise (identity at inference).
    case batchNormDropoutNoise
    /// A `[2, 3]` input through Flatten, per-unit and shared PReLU, and RReLU.
    case flattenPReLURReLU
    /// Maxout followed by vanilla-style Dropout (a `Mul` by the keep probability) and a sigmoid output.
    case maxoutVanillaDropout
    /// A Sequential nested in a Sequential.
    case nested

    var description: String { rawValue }

    /// One example's shape.
    var inputShape: [Int] { self == .flattenPReLURReLU ? [2, 3] : [5] }

    /// The model, built and with its non-kernel parameters randomised (deterministic).
    func make() throws -> Sequential<Float> {
        let model = try Sequential<Float>(layers, inputShape: inputShape, seed: 7, name: rawValue)
        Self.randomizeNonKernels(of: model, seed: 11)
        return model
    }

    /// A deterministic input batch of `batch` examples.
    func input(batch: Int = 6) -> Tensor<Float> {
        var generator = SeededGenerator(seed: 3)
        return Tensor.randomNormal([batch] + inputShape, standardDeviation: 1.5, using: &generator)
    }

    private var layers: [Layer<Float>] {
        get throws {
            switch self {
            case .denseActivations:
                [Dense(8, activation: .relu), Dense(8, activation: .sigmoid), Dense(8, activation: .tanh),
                 Dense(8, activation: .leakyRelu(alpha: 0.2)), Dense(8, activation: .elu(alpha: 0.7)),
                 Dense(4, activation: .softmax)]
            case .moreDenseActivations:
                [Dense(8, activation: .selu), Dense(8, activation: .softplus), Dense(8, useBias: false),
                 ActivationLayer(.tanh), Dense(4, activation: .logSoftmax)]
            case .step:
                [Dense(6, activation: .relu), Dense(4, activation: .step)]
            case .batchNormDropoutNoise:
                [Dense(8), try BatchNormalization(epsilon: 1e-3), ActivationLayer(.relu), try Dropout(rate: 0.3),
                 try GaussianNoise(standardDeviation: 0.5), Dense(6), try BatchNormalization(), Dense(3)]
            case .flattenPReLURReLU:
                [Flatten(), Dense(8), PReLU(), Dense(8), PReLU(perUnit: false), Dense(6), try RReLU(), Dense(3)]
            case .maxoutVanillaDropout:
                [Dense(8, activation: .tanh), try Maxout(4, pieces: 3), try Dropout(rate: 0.25, style: .vanilla),
                 Dense(2, activation: .sigmoid)]
            case .nested:
                [Dense(6, activation: .relu), try Sequential<Float>([Dense(5, activation: .elu()), try BatchNormalization()]),
                 Dense(3)]
            }
        }
    }

    /// Draws every parameter not named `weight`, and every buffer, at random; running variances
    /// stay positive.
    static func randomizeNonKernels(of model: Model<Float>, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for (name, parameter) in model.namedParameters() where !name.hasSuffix("weight") {
            parameter.value = Tensor.randomNormal(parameter.shape, mean: name.hasSuffix("gamma") ? 1 : 0,
                                                  standardDeviation: 0.5, using: &generator)
        }
        for (name, buffer) in model.namedBuffers() {
            buffer.value = name.hasSuffix("runningVariance")
                ? Tensor.randomUniform(buffer.value.shape, in: 0.3...2, using: &generator)
                : Tensor.randomNormal(buffer.value.shape, standardDeviation: 0.5, using: &generator)
        }
    }
}

/// Reading back what the exporter wrote.
extension Onnx_ModelProto {
    /// Decodes a serialized model.
    init(exported bytes: [UInt8]) throws { try self.init(serializedBytes: bytes) }

    /// The graph's node types in order.
    var opTypes: [String] { graph.node.map(\.opType) }

    /// The initializer called `name`.
    func initializer(_ name: String) -> Onnx_TensorProto? { graph.initializer.first { $0.name == name } }

    /// The shape of the graph value `info`: symbolic dimensions by name, fixed ones by value.
    static func shape(of info: Onnx_ValueInfoProto) -> [String] {
        info.type.tensorType.shape.dim.map { $0.dimParam.isEmpty ? String($0.dimValue) : $0.dimParam }
    }
}

extension Onnx_TensorProto {
    /// The elements of a float tensor stored as `raw_data`.
    var floats: [Float] { LittleEndianFloats.decode([UInt8](rawData)) }
}

/// float32 as little-endian bytes: the layout of ONNX `raw_data` and of the files onnxruntime reads.
enum LittleEndianFloats {
    static func encode(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    static func decode(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count - 3, by: 4).map { offset in
            Float(bitPattern: bytes[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
    }
}
