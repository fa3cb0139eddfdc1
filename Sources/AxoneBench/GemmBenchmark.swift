import ArgumentParser
import Axone
import COpenBLAS
import Foundation

/// sgemm GFLOP/s on a square product and on every GEMM of one MLP training step, run two ways:
/// by OpenBLAS's own threads, and with the call shapes of Axone's compiled step (side by side on the
/// worker pool, each a single-threaded call, through the kernel `Float.gemm` picks, as the step calls
/// it; then every one through OpenBLAS, for comparison). The faster way gives the epoch's GEMM floor.
struct GemmBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm", abstract: "sgemm GFLOP/s: 1024³ and the GEMMs of a 784-256-128-10 MLP step.")

    @OptionGroup var options: BenchmarkOptions
    @Option(help: "Batch size of the MLP shapes.") var batch: Int = 128

    /// One GEMM of the step: `C[m×n] = op(A)·op(B)`.
    struct Product {
        let label: String
        let m, n, k: Int
        let transposeA, transposeB: Bool
        var flops: Double { 2 * Double(m * n * k) }
    }

    /// The step's GEMMs for `rows` examples: forward `Z = A·W`, weight gradient `dW = Aᵀ·dZ`, and
    /// input gradient `dA = dZ·Wᵀ` below the first layer.
    static func stepProducts(rows: Int) -> [Product] {
        let widths = [784, 256, 128, 10]
        return (0..<3).flatMap { l -> [Product] in
            let (i, o) = (widths[l], widths[l + 1])
            var products = [Product(label: "fwd  \(rows)×\(i) · \(i)×\(o)", m: rows, n: o, k: i, transposeA: false, transposeB: false),
                            Product(label: "dW   (\(rows)×\(i))ᵀ · \(rows)×\(o)", m: i, n: o, k: rows, transposeA: true, transposeB: false)]
            if l > 0 {
                products.append(Product(label: "dA   \(rows)×\(o) · (\(i)×\(o))ᵀ", m: rows, n: i, k: o, transposeA: false, transposeB: true))
            }
            return products
        }
    }

    func run() {
        printInvocation()
        Parallelism.setThreadCount(options.threads)
        let steps = Double((60_000 + batch - 1) / batch)
        // Axone's way is timed first, once OpenBLAS's own threads have gone to sleep: they spin for
        // a while after the library starts and after each threaded product, and on two cores they
        // took one from the worker pool (steps or phases then timed up to twice their length).
        Thread.sleep(forTimeInterval: 0.5)
        let shards = Self.shards(batch: batch), phases = Self.executorPhases(batch: batch, shards: shards)
        let sharded = Self.shardedSeconds(phases, repeats: options.repeats * 20)
        let shardedBLAS = Self.shardedSeconds(phases, throughBLAS: true, repeats: options.repeats * 20)
        // The same phases one at a time, when there are three (with one shard, the step is its only phase).
        let phaseSeconds = phases.count == 3 ? phases.map { Self.shardedSeconds([$0], repeats: options.repeats * 20) } : []

        // Axone keeps OpenBLAS single-threaded; give it the threads back for this part.
        openblas_set_num_threads(Int32(options.threads))
        print("OpenBLAS (kernel \(BLASKernel.name)\(BLASKernel.wasChosenByAxone ? ", chosen by Axone" : "")), \(options.threads) threads per product")
        print("shape (m×k · k×n)                      flags  GFLOP/s   ms")
        Self.time(Self.peakProduct, repeats: options.repeats)
        let products = Self.stepProducts(rows: batch)
        let threaded = products.map { Self.time($0, repeats: options.repeats) }.reduce(0, +)
        openblas_set_num_threads(1)
        let flops = products.map(\.flops).reduce(0, +)
        print(String(format: "one step: %.3f ms, %.1f GFLOP/s; epoch floor %.3f s", threaded * 1e3, flops / threaded / 1e9, threaded * steps))

        print(String(format: "as Axone runs it (%d shards of %d rows on %d threads, one thread per product%@): "
                     + "one step %.3f ms, %.1f GFLOP/s; epoch floor %.3f s",
                     shards, batch / shards, Parallelism.threadCount, shards > 1 ? ", W₁ in blocks of rows" : "",
                     sharded * 1e3, flops / sharded / 1e9, sharded * steps))
        print(String(format: "the same, every product through OpenBLAS (as before Axone's tiled kernel): one step %.3f ms, "
                     + "%.1f GFLOP/s; epoch floor %.3f s", shardedBLAS * 1e3, flops / shardedBLAS / 1e9, shardedBLAS * steps))
        print(String(format: "GEMM floor: %.3f s per epoch", min(threaded, sharded) * steps))
        if !phaseSeconds.isEmpty {
            // Named by the profiler's phases (`AxoneBench mlp --profile`).
            let names: [TrainingProfiler.Phase] = [.deferredProduct, .forwardBackward, .update]
            print("floor by phase, as Axone runs it (ms per epoch): " + zip(names, phaseSeconds).map { name, seconds in
                "\(name) " + String(format: "%.1f", seconds * steps * 1e3)
            }.joined(separator: ", "))
        }
    }

    /// The shards Axone's compiled step splits a batch of `batch` rows into (64 rows or more each, at most 8).
    static func shards(batch: Int) -> Int { max(1, min(8, batch / 64)) }

    /// The step's products for a batch of `batch` rows with the call shapes of Axone's compiled step
    /// at `shards` shards, as phases (each a meeting point of the threads) of one list of products per shard. With more than
    /// one shard, the first layer's forward product and weight gradient run over the whole batch, in
    /// one block of W₁'s rows per shard (on multiples of 8 rows, as `CompiledModel` splits it): the
    /// partial products `x[:, block]·W₁[block, :]` before the shards, `dW₁[block, :] = x[:, block]ᵀ·dZ₁`
    /// after them; the shards run the rest on their own rows. The operands are contiguous (in the
    /// step, `x[:, block]` is a column block of the batch).
    static func executorPhases(batch: Int, shards: Int) -> [[[Product]]] {
        let rows = batch / shards, perShard = stepProducts(rows: rows)
        guard shards > 1 else { return [[perShard]] }
        // `stepProducts` lists the first layer's two products first: its forward product gives the
        // layer's inputs (k) and width (n).
        let (inputs, width) = (perShard[0].k, perShard[0].n), blocks = (inputs + 7) / 8
        func boundary(_ s: Int) -> Int { min(inputs, blocks * s / shards * 8) }
        let block = (0..<shards).map { boundary($0 + 1) - boundary($0) }
        let forward = block.map { k in [Product(label: "fwd₁ block", m: batch, n: width, k: k, transposeA: false, transposeB: false)] }
        let gradient = block.map { k in [Product(label: "dW₁ block", m: k, n: width, k: batch, transposeA: true, transposeB: false)] }
        return [forward, Array(repeating: Array(perShard.dropFirst(2)), count: shards), gradient]
    }

    /// The square product whose GFLOP/s on OpenBLAS's own threads is the sgemm peak.
    static let peakProduct = Product(label: "1024×1024 · 1024×1024", m: 1024, n: 1024, k: 1024, transposeA: false, transposeB: false)

    /// The sgemm peak in FLOP/s: ``peakProduct`` on `threads` OpenBLAS threads (its line printed);
    /// OpenBLAS is left single-threaded afterwards, as Axone runs it.
    static func sgemmPeak(threads: Int, repeats: Int) -> Double {
        openblas_set_num_threads(Int32(threads))
        defer { openblas_set_num_threads(1) }
        return peakProduct.flops / time(peakProduct, repeats: repeats)
    }

    /// Median seconds of one run of `phases` (see ``ShardedStep``).
    static func shardedSeconds(_ phases: [[[Product]]], throughBLAS: Bool = false, repeats: Int) -> Double {
        let step = ShardedStep(phases, throughBLAS: throughBLAS)
        return medianSeconds(repeats: repeats) { step.run() }
    }

    /// Times one product (median of `repeats`, 20 times more for small ones) and prints its line.
    @discardableResult
    static func time(_ product: Product, repeats: Int) -> Double {
        let operands = Operands(product)
        let seconds = medianSeconds(repeats: repeats * (product.m * product.n * product.k < 1 << 24 ? 20 : 1)) {
            operands.multiply(product, throughBLAS: true)
        }
        let flags = "\(product.transposeA ? "T" : "N")\(product.transposeB ? "T" : "N")"
        print(product.label.padding(toLength: 38, withPad: " ", startingAt: 0), " \(flags)  ",
              String(format: "%7.1f  %6.3f", product.flops / seconds / 1e9, seconds * 1e3))
        return seconds
    }
}

/// Phases of products (see ``GemmBenchmark/executorPhases(batch:shards:)``) with their operands,
/// run as Axone's compiled step runs them: each phase's shards side by side on the worker pool, each
/// product a single-threaded call on the shard's own operands (through Axone's kernels, as the step
/// calls them, or every one through OpenBLAS), the next phase after the last shard of this one.
final class ShardedStep {
    private let phases: [[[GemmBenchmark.Product]]]
    private let operands: [[[Operands]]]
    private let throughBLAS: Bool

    init(_ phases: [[[GemmBenchmark.Product]]], throughBLAS: Bool = false) {
        self.phases = phases
        self.throughBLAS = throughBLAS
        operands = phases.map { shards in shards.map { products in products.map { Operands($0) } } }
    }

    /// Runs every phase once.
    func run() {
        for (phase, phaseOperands) in zip(phases, operands) {
            Parallelism.parallelFor(phase.count) { shard in
                for (product, operand) in zip(phase[shard], phaseOperands[shard]) { operand.multiply(product, throughBLAS: throughBLAS) }
            }
        }
    }
}

/// Random operands for one call of a product (each shard's call has its own).
final class Operands {
    let a: UnsafeMutableBufferPointer<Float>, b: UnsafeMutableBufferPointer<Float>, c: UnsafeMutableBufferPointer<Float>

    init(_ product: GemmBenchmark.Product) {
        var rng = SeededGenerator(seed: 1)
        func random(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            for i in buffer.indices { buffer[i] = Float.random(in: -1...1, using: &rng) }
            return buffer
        }
        (a, b, c) = (random(product.m * product.k), random(product.k * product.n), random(product.m * product.n))
    }

    deinit { for buffer in [a, b, c] { buffer.deallocate() } }

    /// `C = op(A)·op(B)` through `Float.gemm` (Axone's choice of kernel) or through OpenBLAS.
    func multiply(_ p: GemmBenchmark.Product, throughBLAS: Bool) {
        let (lda, ldb) = (p.transposeA ? p.m : p.k, p.transposeB ? p.k : p.n)
        if throughBLAS {
            cblas_sgemm(CblasRowMajor, p.transposeA ? CblasTrans : CblasNoTrans, p.transposeB ? CblasTrans : CblasNoTrans,
                        Int32(p.m), Int32(p.n), Int32(p.k), 1, a.baseAddress!, Int32(lda), b.baseAddress!, Int32(ldb), 0,
                        c.baseAddress!, Int32(p.n))
        } else {
            Float.gemm(transposeA: p.transposeA, transposeB: p.transposeB, m: p.m, n: p.n, k: p.k, alpha: 1,
                       a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, beta: 0, c: c.baseAddress!, ldc: p.n)
        }
    }
}
