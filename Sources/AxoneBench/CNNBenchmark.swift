import ArgumentParser
import Axone
import Foundation

/// The CNN task: Fashion-MNIST through the 2-conv network (``FashionMNISTNetwork/twoConv``),
/// softmax cross-entropy, Adam 1e-3, reshuffled every epoch; epoch time = median of epochs 2…N.
/// Then the GEMMs of one training step run alone as the compiled step runs them, against the sgemm
/// peak of `AxoneBench gemm` (1024³ on OpenBLAS's own threads).
struct CNNBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnn", abstract: "Train the 2-conv Fashion-MNIST network; print the peers' RESULT columns and its GEMMs against the sgemm peak.",
        discussion: """
            --distributed trains data-parallel over the processes of an mpirun job (--batch is the global batch) and \
            prints the all-reduce lines of `AxoneBench mlp --distributed` instead of the GEMM report.
            """)

    @OptionGroup var options: BenchmarkOptions
    @Option(help: "Epochs (the median skips the first).") var epochs = 3
    @Option(help: "Batch size.") var batch = 128
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Fashion-MNIST directory.") var dataDirectory = FashionMNIST.defaultDirectory
    @OptionGroup var cluster: DistributedOptions

    func run() throws {
        let job = cluster.distributed ? try DistributedBenchmark(cluster) : nil
        let prints = job?.prints ?? true
        if prints { printInvocation() }
        Parallelism.setThreadCount(options.threads)
        let train = try FashionMNIST.load(directory: dataDirectory, split: .train).channelsLast
        let test = try FashionMNIST.load(directory: dataDirectory, split: .test).channelsLast
        let model = try FashionMNISTNetwork.twoConv.model(seed: seed)
        model.compile(optimizer: Adam(learningRate: 1e-3), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        job?.synchronize(model)
        let epochSeconds = try timedFit(model, on: train, epochs: epochs, batchSize: batch, seed: seed, prints: prints)
        if let job {
            job.reportAllReduce(of: model, steps: epochs * ((train.count + batch - 1) / batch))
            guard prints else { return }
        }
        let (accuracy, inference) = timedInference(model, images: test.allImages(), labels: test.images.labels)
        let median = medianEpoch(epochSeconds)
        printResult(threads: options.threads, medianEpoch: median, trainCount: train.count, accuracy: accuracy,
                    inferenceSeconds: inference, testCount: test.count)
        if cluster.distributed { return }
        reportGEMMs(medianEpoch: median, steps: (train.count + batch - 1) / batch)
    }

    /// The GEMMs of one training step for `images` images, layer by layer: forward `Z = A·W`,
    /// weight gradient `dW = Aᵀ·dZ`, and input gradient `dA = dZ·Wᵀ` below the first layer. A
    /// convolution's `A` is its im2col matrix (a row per output pixel, `kh·kw·c` columns), made and
    /// multiplied in chunks of images whose `A` fills about 256 KiB, as `Conv2D`'s primitive does.
    static func stepProducts(images: Int) -> (convolutions: [GemmBenchmark.Product], dense: [GemmBenchmark.Product]) {
        // (label, rows of A per image, columns of A, outputs) for conv1, conv2, dense1, dense2.
        let layers = [("conv1", 26 * 26, 9, 32), ("conv2", 11 * 11, 288, 64), ("dense1", 1, 1600, 128), ("dense2", 1, 128, 10)]
        let products = layers.enumerated().map { index, layer -> [GemmBenchmark.Product] in
            let (label, pixels, k, n) = layer
            let chunk = pixels == 1 ? images : max(1, (256 << 10) / (pixels * k * MemoryLayout<Float>.stride))
            return stride(from: 0, to: images, by: chunk).flatMap { start -> [GemmBenchmark.Product] in
                let m = min(chunk, images - start) * pixels
                var step = [GemmBenchmark.Product(label: "\(label) fwd  \(m)×\(k) · \(k)×\(n)", m: m, n: n, k: k, transposeA: false, transposeB: false),
                            GemmBenchmark.Product(label: "\(label) dW   (\(m)×\(k))ᵀ · \(m)×\(n)", m: k, n: n, k: m, transposeA: true, transposeB: false)]
                if index > 0 {
                    step.append(GemmBenchmark.Product(label: "\(label) dA   \(m)×\(n) · (\(k)×\(n))ᵀ", m: m, n: k, k: n, transposeA: false, transposeB: true))
                }
                return step
            }
        }
        return (Array(products[0..<2].joined()), Array(products[2...].joined()))
    }

    /// Times the step's GEMMs in row shards on the worker pool (one single-threaded call per shard
    /// and product, as the compiled step makes them) and prints them against the sgemm peak and the
    /// epoch against its GEMM floor (one epoch's GEMM FLOPs ÷ peak).
    func reportGEMMs(medianEpoch: Double, steps: Int) {
        print("sgemm peak (AxoneBench gemm's 1024³ on \(options.threads) OpenBLAS threads):")
        let peak = GemmBenchmark.sgemmPeak(threads: options.threads, repeats: options.repeats)
        let shards = max(1, min(8, batch / 64))
        let (convolutions, dense) = Self.stepProducts(images: batch / shards)
        func rate(_ products: [GemmBenchmark.Product]) -> (flops: Double, perSecond: Double) {
            let flops = Double(shards) * products.map(\.flops).reduce(0, +)
            return (flops, flops / GemmBenchmark.shardedSeconds(products, shards: shards, repeats: options.repeats * 5))
        }
        let conv = rate(convolutions), all = rate(convolutions + dense)
        print(String(format: "conv GEMMs (%d shards of %d images): %.1f GFLOP/s = %.0f %% of the sgemm peak %.1f GFLOP/s",
                     shards, batch / shards, conv.perSecond / 1e9, conv.perSecond / peak * 100, peak / 1e9))
        print(String(format: "all GEMMs of a step: %.3f GFLOP, %.1f GFLOP/s as sharded", all.flops / 1e9, all.perSecond / 1e9))
        let floor = all.flops * Double(steps) / peak
        print(String(format: "GEMM floor: %.3f s per epoch (%d steps at the sgemm peak); median epoch %.3f s = %.2f× the floor",
                     floor, steps, medianEpoch, medianEpoch / floor))
    }
}
