import ArgumentParser
import Axone

/// GFLOP/s of sgemm on a square product and on every GEMM of one MLP training step.
struct GemmBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm", abstract: "sgemm GFLOP/s: 1024³ and the GEMMs of a 784-256-128-10 MLP step.")

    @OptionGroup var options: BenchmarkOptions
    @Option(help: "Batch size of the MLP shapes.") var batch: Int = 128

    func run() {
        printInvocation()
        Parallelism.setThreadCount(options.threads)
        print("threads: \(Parallelism.threadCount)")
        print("shape (m×k · k×n)                      flags  GFLOP/s   ms")
        var total = 0.0, flops = 0.0
        report("1024×1024 · 1024×1024", m: 1024, n: 1024, k: 1024, ta: false, tb: false)
        let widths = [784, 256, 128, 10]
        for l in 0..<3 {
            let (i, o) = (widths[l], widths[l + 1])
            // Forward Z = A·W, weight gradient dW = Aᵀ·dZ, input gradient dA = dZ·Wᵀ (not for the first layer).
            var t = report("fwd  \(batch)×\(i) · \(i)×\(o)", m: batch, n: o, k: i, ta: false, tb: false)
            total += t; flops += 2.0 * Double(batch * i * o)
            t = report("dW   (\(batch)×\(i))ᵀ · \(batch)×\(o)", m: i, n: o, k: batch, ta: true, tb: false)
            total += t; flops += 2.0 * Double(batch * i * o)
            if l > 0 {
                t = report("dA   \(batch)×\(o) · (\(i)×\(o))ᵀ", m: batch, n: i, k: o, ta: false, tb: true)
                total += t; flops += 2.0 * Double(batch * i * o)
            }
        }
        let steps = (60_000 + batch - 1) / batch
        print(String(format: "one step: %.3f ms, %.1f GFLOP/s; GEMM floor for a 60k epoch: %.3f s",
                     total * 1e3, flops / total / 1e9, total * Double(steps)))
    }

    @discardableResult
    func report(_ label: String, m: Int, n: Int, k: Int, ta: Bool, tb: Bool) -> Double {
        var rng = SeededGenerator(seed: 1)
        let a = Tensor<Float>.randomUniform(ta ? [k, m] : [m, k], using: &rng)
        let b = Tensor<Float>.randomUniform(tb ? [n, k] : [k, n], using: &rng)
        var c = Tensor<Float>.zeros([m, n])
        let seconds = medianSeconds(repeats: options.repeats * (m * n * k < 1 << 24 ? 20 : 1)) {
            c.withUnsafeMutableBufferPointer { pc in
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        Float.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1,
                                   a: pa.baseAddress!, lda: ta ? m : k, b: pb.baseAddress!, ldb: tb ? k : n,
                                   beta: 0, c: pc.baseAddress!, ldc: n)
                    }
                }
            }
        }
        let flags = "\(ta ? "T" : "N")\(tb ? "T" : "N")"
        print(label.padding(toLength: 38, withPad: " ", startingAt: 0), " \(flags)  ",
              String(format: "%7.1f  %6.3f", 2.0 * Double(m * n * k) / seconds / 1e9, seconds * 1e3))
        return seconds
    }
}
