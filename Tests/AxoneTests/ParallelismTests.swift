import Testing
@testable import Axone

/// Axone's results must not depend on the thread count: products split their rows over threads in
/// blocks that start on multiples of 16 rows and hold at least 16, which relies on OpenBLAS giving
/// a row the same bits whatever other rows it is computed with.
@Suite struct ParallelismTests {
    /// `op(A)·op(B)` for a 300-row result, in blocks of `rows` rows each computed on its own.
    func blockwise<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>, transposeA: Bool, transposeB: Bool,
                                    blocks: [Range<Int>]) -> Tensor<S> {
        let pieces = blocks.map { range -> Tensor<S> in
            let rows = transposeA ? a.transposed().rows(range).transposed() : a.rows(range)
            return Tensor.matmul(rows, b, transposeA: transposeA, transposeB: transposeB)
        }
        return Tensor.concatenate(pieces)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func aRowOfAProductHasTheSameBitsWhateverTheOtherRows(flags: (Bool, Bool)) {
        expectRowIndependence(Float.self, flags)
        expectRowIndependence(Double.self, flags)
    }

    func expectRowIndependence<S: TensorScalar>(_: S.Type, _ flags: (Bool, Bool)) {
        let (ta, tb) = flags
        var rng = SeededGenerator(seed: 4)
        let a = Tensor<S>.randomNormal(ta ? [70, 300] : [300, 70], using: &rng)
        let b = Tensor<S>.randomNormal(tb ? [90, 70] : [70, 90], using: &rng)
        let whole = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
        // Blocks start on multiples of 16 rows and hold 16 or more, as the split's do, so the
        // 12-row tail stays the tail of a larger product. (Computed alone, with transposed B,
        // those 12 rows do come out differently: OpenBLAS takes another path for so few rows.)
        for blocks in [[0..<16, 16..<48, 48..<300], [0..<32, 32..<144, 144..<300]] {
            #expect(blockwise(a, b, transposeA: ta, transposeB: tb, blocks: blocks) == whole, "\(S.self) \(blocks)")
        }
    }

    @Test func productsAndTrainingGiveTheSameBitsAtEveryThreadCount() throws {
        defer { Parallelism.setThreadCount(2) }
        var rng = SeededGenerator(seed: 5)
        let a = Tensor<Float>.randomNormal([517, 300], using: &rng), b = Tensor<Float>.randomNormal([300, 200], using: &rng)
        let x = Tensor<Float>.randomNormal([256, 100], using: &rng)
        let y = Tensor<Float>(shape: [256], scalars: (0..<256).map { Float($0 % 3) })
        var results: [(product: Tensor<Float>, weights: [String: Tensor<Float>])] = []
        for threads in [1, 2, 3] {
            Parallelism.setThreadCount(threads)
            #expect(Parallelism.threadCount == threads)
            // A model off the planned path (dropout) whose products (128×100·100×300 and the
            // gradients) are large enough to be split over the threads.
            let model = try Sequential<Float>(inputShape: [100], seed: 6) {
                Dense(300, activation: .tanh)
                try Dropout(rate: 0.2)
                Dense(3)
            }
            model.compile(optimizer: Adam(), loss: .categoricalCrossEntropy())
            #expect(model.densePlan() == nil)
            try model.fit(x, y, epochs: 2, batchSize: 128, verbose: .silent, seed: 1)
            results.append((Tensor.matmul(a, b), model.state()))
        }
        for other in results.dropFirst() {
            #expect(other.product == results[0].product)
            #expect(other.weights == results[0].weights)
        }
    }
}
