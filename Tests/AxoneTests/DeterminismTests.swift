import CAxoneKernels
import Foundation
import Testing
@testable import Axone

/// What the README's "Determinism" paragraph promises, by construction rather than by a property of
/// one BLAS kernel: every split product runs in row blocks of 64 that start at row 0, training
/// shards depend on the batch size alone, and inference batches are whole blocks. `make test` runs
/// this suite under the native OpenBLAS core type, `Haswell` and `Sandybridge` (OpenBLAS's AVX2
/// kernels round a row differently according to its place in a call and the call's size; the
/// Sandybridge kernels have no FMA at all).
@Suite(.serialized) struct DeterminismTests {
    /// `op(A)·op(B)` computed as separate products of the row ranges `blocks`, stacked.
    func blockwise<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>, transposeA: Bool, transposeB: Bool,
                                    blocks: [Range<Int>]) -> Tensor<S> {
        let pieces = blocks.map { range -> Tensor<S> in
            let rows = transposeA ? a.transposed().rows(range).transposed() : a.rows(range)
            return Tensor.matmul(rows, b, transposeA: transposeA, transposeB: transposeB)
        }
        return Tensor.concatenate(pieces)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productsSplitAtMultiplesOf64RowsHaveTheSameBits(flags: (Bool, Bool)) {
        expectBlockIndependence(Float.self, flags)
        expectBlockIndependence(Double.self, flags)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func smallProductsAreFMAChainsWhateverTheBLASKernel(flags: (Bool, Bool)) {
        // Products of at most `smallProductLimit` multiply-adds skip BLAS: each element is the FMA
        // chain over p in order (Swift's `addingProduct` is a fused multiply-add), bit for bit, under
        // every OpenBLAS core type `make test` runs this suite with (the hosts all have FMA).
        expectFMAChains(Float.self, flags)
        expectFMAChains(Double.self, flags)
    }

    func expectFMAChains<S: TensorScalar>(_: S.Type, _ flags: (Bool, Bool)) {
        let (ta, tb) = flags, (m, n, k) = (7, 11, 9)
        var rng = SeededGenerator(seed: 5)
        let a = Tensor<S>.randomNormal(ta ? [k, m] : [m, k], using: &rng)
        let b = Tensor<S>.randomNormal(tb ? [n, k] : [k, n], using: &rng)
        #expect(m * n * k <= S.smallProductLimit)
        let expected = Tensor<S>(shape: [m, n], scalars: (0..<m).flatMap { i in
            (0..<n).map { j in
                (0..<k).reduce(S.zero) { sum, p in sum.addingProduct(ta ? a[p, i] : a[i, p], tb ? b[j, p] : b[p, j]) }
            }
        })
        #expect(Tensor.matmul(a, b, transposeA: ta, transposeB: tb) == expected, "\(S.self) \(flags)")
    }

    @Test(arguments: [false, true])
    func denseLayerProductsAreFMAChainsWhateverTheBLASKernel(transposeA: Bool) {
        // On CPUs with AVX-512, a dense layer's `Float` products (α = 1, B as it is, 64 columns or
        // more) run Axone's tiled kernel: the same FMA chains as the small products, whatever the
        // OpenBLAS kernel, in a product far above `smallProductLimit` (a layer 784-256 on a shard of
        // 64 rows). Elsewhere they stay on BLAS.
        let (m, n, k) = transposeA ? (784, 256, 64) : (64, 256, 784)
        #expect(m * n * k > Float.smallProductLimit)
        guard Float.isTiled(n: n, k: k) else {
            #expect(axone_tiled_gemm_f32_avx512() == nil)
            return
        }
        var rng = SeededGenerator(seed: 9)
        let a = Tensor<Float>.randomNormal(transposeA ? [k, m] : [m, k], using: &rng)
        let b = Tensor<Float>.randomNormal([k, n], using: &rng)
        let product = Tensor.matmul(a, b, transposeA: transposeA)
        for (i, j) in [(0, 0), (5, 17), (m - 1, n - 1), (m / 2, 64), (m - 3, 200)] {
            let chain = (0..<k).reduce(Float.zero) { sum, p in sum.addingProduct(transposeA ? a[p, i] : a[i, p], b[p, j]) }
            #expect(product[i, j] == chain, "element (\(i), \(j))")
        }
    }

    func expectBlockIndependence<S: TensorScalar>(_: S.Type, _ flags: (Bool, Bool)) {
        let (ta, tb) = flags
        var rng = SeededGenerator(seed: 4)
        let a = Tensor<S>.randomNormal(ta ? [70, 300] : [300, 70], using: &rng)
        let b = Tensor<S>.randomNormal(tb ? [90, 70] : [70, 90], using: &rng)
        let whole = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
        // Pieces that start on multiples of 64 rows make the same calls as the whole product (the
        // 44-row tail stays the tail), large pieces (split over threads) and small ones alike.
        for blocks in [[0..<64, 64..<300], [0..<128, 128..<256, 256..<300], [0..<192, 192..<300]] {
            #expect(blockwise(a, b, transposeA: ta, transposeB: tb, blocks: blocks) == whole, "\(S.self) \(blocks)")
        }
    }

    @Test func productsAndTrainingGiveTheSameBitsAtEveryThreadCount() throws {
        defer { Parallelism.setThreadCount(2) }
        var rng = SeededGenerator(seed: 5)
        let a = Tensor<Float>.randomNormal([517, 300], using: &rng), b = Tensor<Float>.randomNormal([300, 200], using: &rng)
        let x = Tensor<Float>.randomNormal([256, 100], using: &rng), wide = Tensor<Float>.randomNormal([256, 200], using: &rng)
        let y = Tensor<Float>(shape: [256], scalars: (0..<256).map { Float($0 % 3) })
        var results: [(product: Tensor<Float>, weights: [String: Tensor<Float>], compiled: [String: Tensor<Float>])] = []
        for threads in [1, 2, 3] {
            Parallelism.setThreadCount(threads)
            #expect(Parallelism.threadCount == threads)
            // A model on the eager tape, whose products (128×100·100×300 and the gradients) are
            // large enough to be split over the threads.
            let model = try Sequential<Float>(inputShape: [100], seed: 6) {
                Dense(300, activation: .tanh)
                try Dropout(rate: 0.2)
                Dense(3)
            }
            model.compile(optimizer: Adam(), loss: .categoricalCrossEntropy())
            model.usesCompiledPasses = false
            #expect(model.executor(training: true) == nil)
            try model.fit(x, y, epochs: 2, batchSize: 128, verbose: .silent, seed: 1)
            // A compiled one whose first weight's gradient the update computes in two blocks of rows.
            let compiled = try Sequential<Float>(inputShape: [200], seed: 7) {
                Dense(64, activation: .relu)
                Dense(3)
            }
            compiled.compile(optimizer: Adam(), loss: .categoricalCrossEntropy())
            #expect(compiled.executor(training: true)?.deferredWeightName(rows: 128) == "layers.0.weight")
            try compiled.fit(wide, y, epochs: 2, batchSize: 128, verbose: .silent, seed: 1)
            results.append((Tensor.matmul(a, b), model.state(), compiled.state()))
        }
        for other in results.dropFirst() {
            #expect(other.product == results[0].product)
            #expect(other.weights == results[0].weights)
            #expect(other.compiled == results[0].compiled)
        }
    }

    @Test func predictionsAreBitIdenticalWhateverTheBatchSizeAndThreadCount() throws {
        defer { Parallelism.setThreadCount(2) }
        let planned = try Sequential<Float>(inputShape: [784], seed: 1) {
            Dense(256, activation: .relu)
            Dense(128, activation: .relu)
            Dense(10)
        }
        // Off the planned path: the autodiff forward pass through BatchNorm in inference mode.
        let autodiff = try Sequential<Float>(inputShape: [784], seed: 1) {
            Dense(256, activation: .relu)
            try BatchNormalization()
            Dense(10)
        }
        #expect(planned.executor(training: true) != nil && autodiff.executor(training: true) == nil)
        var rng = SeededGenerator(seed: 2)
        let x = Tensor<Float>.randomNormal([1000, 784], using: &rng)
        let labels = Tensor<Float>(shape: [1000], scalars: (0..<1000).map { Float($0 % 10) })
        for model in [planned, autodiff] {
            let whole = try model.predict(x, batchSize: 1000)
            // Batches of 1…600 rows (tails included) are rounded up to whole 256-row inference blocks
            // (the compiled path takes the whole input at once), so every row meets the same calls
            // as in the 1000-row batch.
            for size in [1, 8, 24, 64, 100, 320, 500, 600] { #expect(try model.predict(x, batchSize: size) == whole, "batch \(size)") }
            for threads in [1, 3] {
                Parallelism.setThreadCount(threads)
                #expect(try model.predict(x, batchSize: 256) == whole, "\(threads) threads")
            }
            Parallelism.setThreadCount(2)
            // `evaluate` feeds the executor whole inference blocks too: the same predictions, so the
            // same accuracy; its loss sums per-batch Float means, equal to Float rounding (relative 1e-6).
            model.compile(optimizer: SGD(learningRate: 0.1), loss: .categoricalCrossEntropy(fromLogits: true), metrics: [.accuracy])
            let logs = try model.evaluate(x, labels, batchSize: 1000)
            for size in [1, 64, 100, 300] {
                let other = try model.evaluate(x, labels, batchSize: size)
                #expect(other["accuracy"] == logs["accuracy"], "evaluate, batch \(size)")
                #expect(abs(other["loss"]! - logs["loss"]!) <= 1e-6 * logs["loss"]!, "evaluate, batch \(size)")
            }
        }
    }

    @Test func cliTrainingAndPredictionAreBitIdenticalWhateverTheThreadCount() throws {
        let directory = temporaryPath("determinism")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 300 examples of 3 classes; batches of 150 rows are split into 2 shards, whichever threads run them.
        var lines = ["a,b,c,d,label"]
        var rng = SeededGenerator(seed: 5)
        for i in 0..<300 {
            let features = (0..<4).map { _ in String(Double.random(in: -1...1, using: &rng) + Double(i % 3)) }
            lines.append((features + ["\(i % 3)"]).joined(separator: ","))
        }
        try lines.joined(separator: "\n").write(toFile: "\(directory)/three.csv", atomically: true, encoding: .utf8)
        var files: [(model: Data, history: Data, predictions: Data)] = []
        for threads in [1, 2, 3] {
            let run = try runAxone(["train", "--model", "mlp:4-32-16-3", "--csv", "three.csv", "--epochs", "3", "--batch-size", "150",
                                    "--threads", "\(threads)", "--verbose", "0", "--output", "t\(threads).safetensors",
                                    "--history", "t\(threads).csv"], in: directory)
            #expect(run.status == 0, "\(run.error)")
            let predict = try runAxone(["predict", "--model", "t\(threads).safetensors", "--csv", "three.csv", "--threads", "\(threads)",
                                        "--output", "p\(threads).csv"], in: directory)
            #expect(predict.status == 0, "\(predict.error)")
            let data = { (name: String) in try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)")) }
            files.append((try data("t\(threads).safetensors"), try data("t\(threads).csv"), try data("p\(threads).csv")))
        }
        #expect(files[0].model.count > 2_000 && files[0].predictions.count > 3_000)
        for other in files.dropFirst() {
            #expect(other.model == files[0].model)
            #expect(other.history == files[0].history)
            #expect(other.predictions == files[0].predictions)
        }
    }
}
