import Testing
@testable import Axone

@Suite struct TensorTests {
    @Test func broadcastingAddsABiasRowToEveryExample() {
        let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor<Float>(shape: [3], scalars: [10, 20, 30])
        #expect((x + b).scalars == [11, 22, 33, 14, 25, 36])
        let column = Tensor<Float>(shape: [2, 1], scalars: [100, 200])
        #expect((x + column).scalars == [101, 102, 103, 204, 205, 206])
        #expect(Tensor<Float>.broadcastShape([4, 1, 3], [5, 1]) == [4, 5, 3])
        #expect(Tensor<Float>.broadcastShape([2, 3], [2]) == nil)
    }

    @Test func matmulMatchesTheDefinitionForEveryTransposeFlag() {
        let a = randomTensor([4, 3], seed: 1), b = randomTensor([3, 5], seed: 2)
        var expected = Tensor<Double>.zeros([4, 5])
        for i in 0..<4 { for j in 0..<5 { for k in 0..<3 { expected[i, j] += a[i, k] * b[k, j] } } }
        expectClose(Tensor.matmul(a, b), expected)
        expectClose(Tensor.matmul(a.transposed(), b, transposeA: true), expected)
        expectClose(Tensor.matmul(a, b.transposed(), transposeB: true), expected)
        expectClose(Tensor.matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true), expected)
    }

    @Test func reductionsOverAxes() {
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.sum().scalar == 21)
        #expect(x.sum(alongAxes: [0]).scalars == [5, 7, 9])
        #expect(x.sum(alongAxes: [1], keepingDimensions: true).shape == [2, 1])
        #expect(x.mean(alongAxes: [-1]).scalars == [2, 5])
        #expect(x.max(alongAxes: [1]).scalars == [3, 6])
        #expect(x.argmaxRows() == [2, 2])
        #expect(Tensor<Double>.ones([4, 2, 3]).summed(toShape: [2, 1]).scalars == [12, 12])
    }

    /// The arg-max of each row: the first of equal largest values, all-negative rows, the largest
    /// at either end, and a NaN never chosen over a number before it (a NaN first stays chosen:
    /// no number compares larger), in Float and Double.
    @Test func argmaxRowsPicksTheFirstLargest() {
        let scalars: [Double] = [3, 1, 3, 0, -5, -2, -9, -2, .nan, 1, 2, 0, 0, 1, .nan, 7, -1, -1, -1, -1]
        #expect(Tensor<Double>(shape: [5, 4], scalars: scalars).argmaxRows() == [0, 1, 0, 3, 0])
        #expect(Tensor<Float>(shape: [5, 4], scalars: scalars.map { Float($0) }).argmaxRows() == [0, 1, 0, 3, 0])
        #expect(Tensor<Float>(shape: [2, 1], scalars: [4, -4]).argmaxRows() == [0, 0])
    }

    /// SPEC §8 (seed 003:1004-1057): softmax of equal logits is 1/K even for huge logits.
    @Test func softmaxIsStableForHugeLogits() {
        let x = Tensor<Float>(shape: [2, 4], repeating: 1e30)
        #expect(x.softmax().scalars.allSatisfy { $0 == 0.25 })
        let logits = Tensor<Double>([[1000, 0, -1000]])
        #expect(logits.softmax().scalars == [1, 0, 0])
        expectClose(logits.logSoftmax(), Tensor([[0, -1000, -2000]]))
    }

    /// SPEC §8 (seed 003): σ(1) = 0.7311, σ′(1) = 0.1966, −log 0.8 = 0.2231.
    @Test func seedValuesOfSigmoidAndLog() throws {
        let x = Variable(Tensor<Double>(1), requiresGradient: true)
        let y = x.sigmoid()
        try y.backward()
        expectClose(y.value.scalar, 0.7311, absolute: 5e-5)
        expectClose(x.gradient!.scalar, 0.1966, absolute: 5e-5)
        expectClose(-Tensor<Double>(0.8).mapped(.log).scalar, 0.2231, absolute: 5e-5)
    }

    @Test func slicingAndConcatenationRoundTrip() {
        let x = Tensor<Float>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.rows(1..<3).scalars == [3, 4, 5, 6])
        #expect(x.rows(at: [2, 0]).scalars == [5, 6, 1, 2])
        let joined = Tensor.concatenate([x, x.rows(0..<1)])
        #expect(joined.shape == [4, 2])
        let side = Tensor.concatenate([x, x], alongAxis: 1)
        #expect(side.scalars == [1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6])
        #expect(side.split(sizes: [2, 2], alongAxis: 1) == [x, x])
        #expect(x.reshaped([-1]).shape == [6])
        #expect(x.transposed().scalars == [1, 3, 5, 2, 4, 6])
    }

    @Test func seededRandomnessIsReproducibleWithTheRightMoments() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let x = Tensor<Double>.randomNormal([100_000], using: &a)
        #expect(x == Tensor<Double>.randomNormal([100_000], using: &b))
        let mean = x.mean().scalar
        let variance = (x - mean).mapped(.square).mean().scalar
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.02)
        let u = Tensor<Double>.randomUniform([100_000], in: -2...2, using: &a)
        #expect(u.scalars.allSatisfy { $0 >= -2 && $0 < 2 })
        #expect(abs(u.mean().scalar) < 0.02)
        var c = SeededGenerator(seed: 43)
        #expect(Tensor<Double>.randomNormal([4], using: &c) != Tensor<Double>.randomNormal([4], using: &a))
    }

    @Test func mismatchedShapesStopWithAMessageNamingBothShapes() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor<Float>.zeros([2, 3]) + Tensor<Float>.zeros([2])
        }
        await #expect(processExitsWith: .failure) {
            _ = Tensor.matmul(Tensor<Float>.zeros([2, 3]), Tensor<Float>.zeros([4, 5]))
        }
        #expect(TensorError.incompatibleShapes(operation: "matmul", lhs: [2, 3], rhs: [4, 5]).description
                == "matmul: shapes [2, 3] and [4, 5] are not compatible")
    }
}
