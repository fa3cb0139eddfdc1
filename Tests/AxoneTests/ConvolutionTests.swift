import Foundation
import Testing
@testable import Axone

/// One combination of convolution arguments run against the nested-loop reference.
private struct ConvolutionCase: CustomStringConvertible {
    var channels: Int, strides: (Int, Int), padding: Padding2D, dilation: (Int, Int), bias: Bool
    var description: String { "c\(channels) s\(strides) \(padding) d\(dilation)\(bias ? " bias" : "")" }

    /// 5×7 images, 3×2 kernels, 2 filters: every combination of 1 or 3 channels, stride 1 or 2,
    /// valid or same, dilation 1 or 2, with or without a bias.
    static let all: [ConvolutionCase] = [1, 3].flatMap { channels in
        [(1, 1), (2, 2)].flatMap { strides in
            Padding2D.allCases.flatMap { padding in
                [(1, 1), (2, 2)].flatMap { dilation in
                    [false, true].map { ConvolutionCase(channels: channels, strides: strides, padding: padding, dilation: dilation, bias: $0) }
                }
            }
        }
    }
}

/// The output size and padding before along one axis, from Keras's rules written out again.
private func referenceAxis(_ n: Int, _ k: Int, _ s: Int, _ d: Int, _ padding: Padding2D) -> (Int, Int) {
    let span = (k - 1) * d + 1
    if padding == .valid { return ((n - span) / s + 1, 0) }
    let out = Int((Double(n) / Double(s)).rounded(.up))
    return (out, max((out - 1) * s + span - n, 0) / 2)
}

/// A direct nested-loop convolution: `y[b, i, j, o] = bias[o] + Σ x[b, i·s − p + u·d, j·s − p + v·d, c]·k[u, v, c, o]`.
private func referenceConvolution(_ x: Tensor<Double>, _ k: Tensor<Double>, _ bias: Tensor<Double>?,
                                  strides: (Int, Int), padding: Padding2D, dilation: (Int, Int)) -> Tensor<Double> {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]), (kh, kw, f) = (k.shape[0], k.shape[1], k.shape[3])
    let (oh, top) = referenceAxis(h, kh, strides.0, dilation.0, padding)
    let (ow, left) = referenceAxis(w, kw, strides.1, dilation.1, padding)
    var y = Tensor<Double>.zeros([n, oh, ow, f])
    for b in 0..<n { for i in 0..<oh { for j in 0..<ow { for o in 0..<f {
        var sum = bias?[o] ?? 0
        for u in 0..<kh { for v in 0..<kw {
            let (r, q) = (i * strides.0 - top + u * dilation.0, j * strides.1 - left + v * dilation.1)
            guard r >= 0, r < h, q >= 0, q < w else { continue }
            for ch in 0..<c { sum += x[b, r, q, ch] * k[u, v, ch, o] }
        } }
        y[b, i, j, o] = sum
    } } } }
    return y
}

/// Max or average pooling by nested loops over the image elements each window covers.
private func referencePooling(_ x: Tensor<Double>, _ mode: PoolingMode, pool: (Int, Int), strides: (Int, Int),
                              padding: Padding2D) -> Tensor<Double> {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, top) = referenceAxis(h, pool.0, strides.0, 1, padding), (ow, left) = referenceAxis(w, pool.1, strides.1, 1, padding)
    var y = Tensor<Double>.zeros([n, oh, ow, c])
    for b in 0..<n { for i in 0..<oh { for j in 0..<ow { for ch in 0..<c {
        var covered: [Double] = []
        for u in 0..<pool.0 { for v in 0..<pool.1 {
            let (r, q) = (i * strides.0 - top + u, j * strides.1 - left + v)
            if r >= 0, r < h, q >= 0, q < w { covered.append(x[b, r, q, ch]) }
        } }
        y[b, i, j, ch] = mode == .max ? covered.max()! : covered.reduce(0, +) / Double(covered.count)
    } } } }
    return y
}

private let poolingCases: [(pool: (Int, Int), strides: (Int, Int)?, padding: Padding2D)] = [
    ((2, 2), nil, .valid), ((2, 2), nil, .same), ((3, 2), (1, 1), .valid), ((3, 2), (2, 1), .same), ((3, 3), (2, 2), .same),
]

@Suite struct ConvolutionTests {
    @Test func sameMatchesAHandComputedExampleWithTheExtraPaddingBottomRight() throws {
        // 3×3 image 1…9, 2×2 kernel of ones, same padding: the window at the last row/column reads the
        // zero row/column added after the image (TensorFlow puts the odd padding bottom/right).
        let x = Tensor<Double>(shape: [1, 3, 3, 1], scalars: (1...9).map(Double.init))
        let y = try x.convolved2D(kernel: .ones([2, 2, 1, 1]), padding: .same)
        #expect(y == Tensor(shape: [1, 3, 3, 1], scalars: [12, 16, 9, 24, 28, 15, 15, 17, 9]))
    }

    @Test func convolutionMatchesNestedLoops() throws {
        // Double, relative 1e-12.
        for (index, test) in ConvolutionCase.all.enumerated() {
            let x = randomTensor([2, 5, 7, test.channels], seed: UInt64(index))
            let k = randomTensor([3, 2, test.channels, 2], seed: 100 + UInt64(index))
            let b = test.bias ? randomTensor([2], seed: 200 + UInt64(index)) : nil
            let y = try x.convolved2D(kernel: k, bias: b, strides: test.strides, padding: test.padding, dilation: test.dilation)
            expectClose(y, referenceConvolution(x, k, b, strides: test.strides, padding: test.padding, dilation: test.dilation),
                        relative: 1e-12, absolute: 1e-12)
        }
    }

    @Test func forwardKernelTilesMatchNestedLoopsInFloatAndDouble() throws {
        // The forward kernels' edges: 37 filters (two full panels of 16 floats and one of 5; four of
        // 8 doubles and one of 5), 3 images whose output pixels are not a multiple of the six-pixel
        // tile (so tiles span two images) and, for Winograd's 3×3 windows with stride 1 and 16
        // channels (valid, and same), not of the 4×4 tile either (partial tiles); a 9×9 window (81
        // taps, beyond a block of 64) with stride, dilation and same padding on the implicit GEMM;
        // and a fused ReLU. Oracle: the nested loops in Double. Tolerances: Double relative 1e-12
        // with absolute 1e-12; Float relative 1e-5 with absolute 1e-4 (Winograd F(4×4, 3×3) rounds
        // to about 1e-5 of the outputs' scale, which is about 2 here).
        let windows: [(kernel: (Int, Int), strides: (Int, Int), padding: Padding2D, dilation: (Int, Int), channels: Int)] = [
            ((3, 3), (1, 1), .valid, (1, 1), 16), ((3, 3), (1, 1), .same, (1, 1), 16), ((9, 9), (1, 2), .same, (2, 1), 5),
        ]
        for (index, test) in windows.enumerated() {
            let x = randomTensor([3, 11, 9, test.channels], seed: UInt64(index))
            let k = randomTensor([test.kernel.0, test.kernel.1, test.channels, 37], seed: 100 + UInt64(index), scale: 0.1)
            let b = randomTensor([37], seed: 200 + UInt64(index))
            let window = try Window2D(input: (11, 9), kernel: test.kernel, strides: test.strides, dilation: test.dilation,
                                      padding: test.padding, operation: "test")
            let reference = referenceConvolution(x, k, b, strides: test.strides, padding: test.padding, dilation: test.dilation)
            #expect(reference.shape[1] * reference.shape[2] % 6 != 0 && reference.shape[1] % 4 != 0)
            #expect(Convolution2DPrimitive<Float>(window: window).runsWinograd(channels: test.channels, filters: 37) == (test.kernel == (3, 3)))
            for relu in [false, true] {
                let expected = relu ? reference.mapped(.relu) : reference
                let double = Convolution2DPrimitive<Double>(window: window, activation: relu ? ElementwisePrimitive(.relu) : nil)
                expectClose(Variable.applying(double, to: [x, k, b].map { Variable($0) }).value, expected, relative: 1e-12, absolute: 1e-12)
                let float = Convolution2DPrimitive<Float>(window: window, activation: relu ? ElementwisePrimitive(.relu) : nil)
                let y = Variable.applying(float, to: [x, k, b].map { Variable($0.converted(to: Float.self)) }).value
                expectClose(y, expected.converted(to: Float.self), relative: 1e-5, absolute: 1e-4)
            }
        }
    }

    @Test func convolutionGradientsMatchCentralDifferences() throws {
        // Input, kernel and bias; Double, central differences, relative 1e-6. The objective is linear
        // in each input on its own, so central differences have no truncation error and a step of
        // 1e-3 only shrinks their rounding error (with 1e-6 it reached 5e-9 absolute, 1e-6 relative
        // on a gradient element of 4e-3).
        for (index, test) in ConvolutionCase.all.enumerated() {
            let inputs = [randomTensor([2, 5, 7, test.channels], seed: UInt64(index)),
                          randomTensor([3, 2, test.channels, 2], seed: 100 + UInt64(index))]
                + (test.bias ? [randomTensor([2], seed: 200 + UInt64(index))] : [])
            try expectGradientsMatch(inputs: inputs, step: 1e-3) { v in
                try Variable.convolution2D(v[0], kernel: v[1], bias: test.bias ? v[2] : nil, strides: test.strides,
                                           padding: test.padding, dilation: test.dilation)
            }
        }
    }

    @Test func winogradForwardMatchesThePullbackByCentralDifferences() throws {
        // A 3×3 window with stride 1 and 16 channels and filters runs Winograd's forward pass; its
        // gradients come from the im2col pullback, so central differences of the forward check the
        // two against each other. Valid and same padding, with a bias; Double, relative 1e-6, step
        // 1e-3 (the objective is linear in each input, as above).
        for (index, padding) in Padding2D.allCases.enumerated() {
            let window = try Window2D(input: (5, 6), kernel: (3, 3), strides: (1, 1), dilation: (1, 1), padding: padding, operation: "test")
            #expect(Convolution2DPrimitive<Double>(window: window).runsWinograd(channels: 16, filters: 16))
            let inputs = [randomTensor([1, 5, 6, 16], seed: 40 + UInt64(index)), randomTensor([3, 3, 16, 16], seed: 50 + UInt64(index)),
                          randomTensor([16], seed: 60 + UInt64(index))]
            try expectGradientsMatch(inputs: inputs, step: 1e-3) { v in
                try Variable.convolution2D(v[0], kernel: v[1], bias: v[2], padding: padding)
            }
        }
    }

    @Test func convolutionInChunksOfOneImageMatchesTheWholeBatch() throws {
        // Three images run one per chunk, so the kernel's and the bias's gradients add over chunks;
        // with and without a fused tanh. Oracles: the nested loops for the values, and for the
        // gradients the primitive on the whole batch in one chunk followed by the tape's tanh (checked
        // against central differences above). Double, relative 1e-12.
        let cases = [ConvolutionCase(channels: 3, strides: (2, 1), padding: .same, dilation: (1, 1), bias: true),
                     ConvolutionCase(channels: 2, strides: (1, 1), padding: .valid, dilation: (2, 1), bias: false)]
        for (index, test) in cases.enumerated() {
            let window = try Window2D(input: (5, 7), kernel: (3, 2), strides: test.strides, dilation: test.dilation,
                                      padding: test.padding, operation: "test")
            let inputs = [randomTensor([3, 5, 7, test.channels], seed: UInt64(index)),
                          randomTensor([3, 2, test.channels, 2], seed: 100 + UInt64(index))]
                + (test.bias ? [randomTensor([2], seed: 200 + UInt64(index))] : [])
            let reference = referenceConvolution(inputs[0], inputs[1], test.bias ? inputs[2] : nil, strides: test.strides,
                                                 padding: test.padding, dilation: test.dilation)
            let projection = Variable(randomTensor(reference.shape, seed: 300 + UInt64(index)))
            func valueAndGradients(_ f: ([Variable<Double>]) -> Variable<Double>) throws -> (Tensor<Double>, [Tensor<Double>]) {
                let variables = inputs.map { Variable($0, requiresGradient: true) }
                let y = f(variables)
                try (y * projection).sum().backward()
                return (y.value, try variables.map { try #require($0.gradient) })
            }
            let whole = Convolution2DPrimitive<Double>(window: window)
            #expect(whole.chunkImages(test.channels) >= 3)
            for activation in [nil, ElementwisePrimitive<Double>(.tanh)] {
                let chunked = Convolution2DPrimitive(window: window, activation: activation, chunkBytes: 1)
                #expect(chunked.chunkImages(test.channels) == 1)
                let (y, gradients) = try valueAndGradients { Variable.applying(chunked, to: $0) }
                let (expected, expectedGradients) = try valueAndGradients { v in
                    let linear = Variable.applying(whole, to: v)
                    return activation == nil ? linear : Variable.applying(ElementwisePrimitive(.tanh), to: [linear])
                }
                expectClose(y, activation == nil ? reference : reference.mapped(.tanh), relative: 1e-12, absolute: 1e-12)
                expectClose(y, expected, relative: 1e-12, absolute: 1e-12)
                for (gradient, oracle) in zip(gradients, expectedGradients) { expectClose(gradient, oracle, relative: 1e-12, absolute: 1e-12) }
            }
        }
    }

    @Test func poolingMatchesNestedLoopsIncludingTies() throws {
        // Small integers make ties within windows; Double, relative 1e-12.
        var rng = SeededGenerator(seed: 5)
        let x = Tensor<Double>(shape: [2, 5, 7, 3], scalars: (0..<210).map { _ in Double(Int.random(in: 0..<4, using: &rng)) })
        for test in poolingCases {
            for mode in PoolingMode.allCases {
                let y = try x.pooled2D(mode, poolSize: test.pool, strides: test.strides, padding: test.padding)
                expectClose(y, referencePooling(x, mode, pool: test.pool, strides: test.strides ?? test.pool, padding: test.padding),
                            relative: 1e-12, absolute: 1e-12)
            }
        }
    }

    @Test func poolingGradientsMatchCentralDifferences() throws {
        // Normal draws have no exact ties, so max pooling is differentiable at them; relative 1e-6.
        for test in poolingCases {
            for mode in PoolingMode.allCases {
                try expectGradientsMatch(inputs: [randomTensor([2, 5, 7, 3], seed: 7)]) { v in
                    try v[0].pooled2D(mode, poolSize: test.pool, strides: test.strides, padding: test.padding)
                }
            }
        }
    }

    @Test func maxPoolingSendsATiedGradientToTheFirstMaximum() throws {
        // Row-major window order: in [[1, 3], [3, 3]] the first 3 is at (0, 1). Overlapping windows
        // (stride 1) add their gradients on the element they share.
        let x = Variable(Tensor<Double>(shape: [1, 2, 2, 1], scalars: [1, 3, 3, 3]), requiresGradient: true)
        try x.pooled2D(.max, poolSize: (2, 2)).backward()
        #expect(x.gradient == Tensor(shape: [1, 2, 2, 1], scalars: [0, 1, 0, 0]))
        let flat = Variable(Tensor<Double>(shape: [1, 1, 4, 1], scalars: [2, 2, 2, 2]), requiresGradient: true)
        try flat.pooled2D(.max, poolSize: (1, 2), strides: (1, 1)).backward(seed: Tensor(shape: [1, 1, 3, 1], scalars: [1, 10, 100]))
        #expect(flat.gradient == Tensor(shape: [1, 1, 4, 1], scalars: [1, 10, 100, 0]))
    }

    @Test func layersHaveKerasOutputShapesAndParameterCounts() throws {
        let conv = try built(Conv2D<Double>(filters: 64, kernelSize: 3, padding: .same, activation: .relu), inputShape: [224, 224, 3])
        var generator = SeededGenerator(seed: 0)
        #expect(try conv.build(inputShape: [224, 224, 3], generator: &generator) == [224, 224, 64])
        #expect(conv.trainableParameterCount == 1_792)   // Keras's VGG16 block1_conv1
        let shapes: [(Layer<Double>, [Int], [Int])] = [
            (Conv2D(filters: 4, kernelSize: Size2D(3, 2), strides: 2), [5, 7, 1], [2, 3, 4]),
            (Conv2D(filters: 4, kernelSize: 3, padding: .same, dilation: 2), [5, 7, 3], [5, 7, 4]),
            (MaxPooling2D(), [224, 224, 64], [112, 112, 64]),
            (AveragePooling2D(poolSize: 3, strides: 2, padding: .same), [5, 7, 3], [3, 4, 3]),
            (GlobalAveragePooling2D(), [5, 7, 3], [3]),
            (GlobalMaxPooling2D(), [5, 7, 3], [3]),
            (ZeroPadding2D(top: 1, bottom: 2, left: 0, right: 3), [5, 7, 3], [8, 10, 3]),
        ]
        for (layer, input, output) in shapes {
            #expect(try layer.build(inputShape: input, generator: &generator) == output, "\(layer.typeName)")
        }
    }

    @Test func badShapesAndArgumentsThrow() {
        var generator = SeededGenerator(seed: 0)
        let failing: [(Layer<Double>, [Int])] = [
            (Conv2D(filters: 2, kernelSize: 3), [28, 28]),
            (Conv2D(filters: 2, kernelSize: 5), [3, 3, 1]),
            (Conv2D(filters: 0, kernelSize: 3), [8, 8, 1]),
            (Conv2D(filters: 2, kernelSize: 3, strides: 0), [8, 8, 1]),
            (MaxPooling2D(poolSize: 3), [2, 2, 1]),
            (AveragePooling2D(), [10]),
            (GlobalMaxPooling2D(), [4, 4]),
            (ZeroPadding2D(padding: -1), [4, 4, 1]),
        ]
        for (layer, input) in failing {
            #expect(throws: LayerError.self, "\(layer.typeName) on \(input)") { try layer.build(inputShape: input, generator: &generator) }
        }
        let conv = Conv2D<Double>(filters: 2, kernelSize: 3)
        _ = try? conv.build(inputShape: [8, 8, 3], generator: &generator)
        #expect(throws: LayerError.shapeMismatch(layer: "Conv2D", expected: "an image [height, width, 3]", got: [8, 8, 1])) {
            try conv.build(inputShape: [8, 8, 1], generator: &generator)
        }
        #expect(throws: TensorError.self) {
            try Variable<Double>.convolution2D(Variable(.zeros([1, 4, 4, 2])), kernel: Variable(.zeros([2, 2, 3, 1])))
        }
    }

    @Test func layerGradientsMatchCentralDifferences() throws {
        // Double, central differences with a step of 1e-5, relative 1e-6: these layers are linear
        // or smooth between kinks, and rounding in the objective (≈ ε·|objective|/step, ~1e-9 at a
        // step of 1e-6) would otherwise reach 1e-6 of the smallest gradient elements.
        let input = randomTensor([2, 5, 7, 3], seed: 11)
        let layers: [Layer<Double>] = [
            Conv2D(filters: 2, kernelSize: Size2D(3, 2), strides: Size2D(2, 1), padding: .same, activation: .tanh),
            Conv2D(filters: 2, kernelSize: 2, dilation: 2, useBias: false),
            MaxPooling2D(padding: .same), AveragePooling2D(poolSize: 3, strides: 1),
            GlobalMaxPooling2D(), GlobalAveragePooling2D(), ZeroPadding2D(top: 1, bottom: 0, left: 2, right: 1),
        ]
        for layer in layers {
            try expectLayerGradientsMatch(try built(layer, inputShape: [5, 7, 3]), input: input, step: 1e-5)
        }
    }

    @Test func globalPoolingAndZeroPaddingValues() throws {
        let x = randomTensor([2, 5, 7, 3], seed: 12)
        let average = try built(GlobalAveragePooling2D<Double>(), inputShape: [5, 7, 3])(Variable(x)).value
        let maximum = try built(GlobalMaxPooling2D<Double>(), inputShape: [5, 7, 3])(Variable(x)).value
        expectClose(average, x.mean(alongAxes: [1, 2]), relative: 1e-12)
        #expect(maximum == x.max(alongAxes: [1, 2]))
        let padded = try built(ZeroPadding2D<Double>(top: 1, bottom: 2, left: 0, right: 3), inputShape: [5, 7, 3])(Variable(x)).value
        #expect(padded == (try x.padded([(0, 0), (1, 2), (0, 3), (0, 0)])))
    }

    /// 8×8 images holding one bright bar, vertical (class 0) or horizontal (class 1), over faint noise.
    private func bars(count: Int, seed: UInt64) -> (x: Tensor<Float>, y: Tensor<Float>) {
        var rng = SeededGenerator(seed: seed)
        var pixels: [Float] = [], labels: [Float] = []
        for i in 0..<count {
            let vertical = i % 2 == 0, line = Int.random(in: 0..<8, using: &rng)
            for r in 0..<8 { for c in 0..<8 {
                pixels.append((vertical ? c == line : r == line) ? 1 : Float.random(in: 0..<0.3, using: &rng))
            } }
            labels.append(vertical ? 0 : 1)
        }
        return (Tensor(shape: [count, 8, 8, 1], scalars: pixels), Tensor(shape: [count], scalars: labels))
    }

    @Test func aSmallCNNLearnsBarOrientationAndRoundTripsThroughAModelFile() throws {
        let (x, y) = bars(count: 128, seed: 1), test = bars(count: 64, seed: 2)
        let model = try Sequential<Float>(inputShape: [8, 8, 1], seed: 3) {
            Conv2D(filters: 4, kernelSize: 3, activation: .relu)
            MaxPooling2D()
            Flatten()
            Dense(2)
        }
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        _ = try model.fit(x, y, epochs: 30, batchSize: 16, verbose: .silent)
        #expect(try model.evaluate(test.x, test.y)["accuracy"]! > 0.9)

        let path = NSTemporaryDirectory() + "axone-cnn-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, to: path)
        let loaded = try ModelFile.load(from: path, as: Float.self).model
        #expect(try loaded.predict(test.x) == model.predict(test.x))
    }

    @Test func specificationsRoundTripThroughArchitectureJSON() throws {
        let architecture = try Sequential<Float>(inputShape: [9, 9, 2], seed: 0) {
            ZeroPadding2D(top: 1, bottom: 0, left: 2, right: 1)
            Conv2D(filters: 3, kernelSize: Size2D(3, 2), strides: 2, padding: .same, dilation: Size2D(1, 2), activation: .relu,
                   useBias: false, kernelInitializer: .heNormal)
            AveragePooling2D(poolSize: 2, strides: 1, padding: .same)
            MaxPooling2D(poolSize: Size2D(2, 1))
            GlobalMaxPooling2D()
        }.architecture()
        let decoded = try Architecture(json: architecture.json)
        #expect(decoded == architecture)
        #expect(try Sequential<Float>(architecture: decoded).architecture() == architecture)
        #expect(try architecture.summaryRows().map(\.outputShapes) == [[[10, 12, 2]], [[5, 6, 3]], [[5, 6, 3]], [[2, 6, 3]], [[3]]])
        #expect(try architecture.summaryRows().map(\.trainable) == [0, 36, 0, 0, 0])
    }
}
