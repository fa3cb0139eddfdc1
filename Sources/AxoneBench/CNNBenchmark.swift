import ArgumentParser
import Axone
import Foundation

/// The CNN task: Fashion-MNIST through the 2-conv network (``FashionMNISTNetwork/twoConv``),
/// softmax cross-entropy, Adam 1e-3, reshuffled every epoch; epoch time = median of epochs 2…N.
/// Then the convolutions' forward kernel and the GEMMs of one training step run alone as the
/// compiled step runs them, against the sgemm peak of `AxoneBench gemm` (1024³ on OpenBLAS's own
/// threads).
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
        try reportGEMMs(medianEpoch: median, steps: (train.count + batch - 1) / batch)
    }

    /// A convolution of the 2-conv network: input `h × w × c`, `filters` 3×3 filters, valid padding.
    struct Convolution {
        let label: String
        let height: Int, width: Int, channels: Int, filters: Int
        /// Output pixels per image, and the length `kh·kw·c` of a window.
        var pixels: Int { (height - 2) * (width - 2) }
        var depth: Int { 9 * channels }
        func flops(images: Int) -> Double { 2 * Double(images * pixels * depth * filters) }
    }

    static let convolutions = [Convolution(label: "conv1", height: 28, width: 28, channels: 1, filters: 32),
                               Convolution(label: "conv2", height: 13, width: 13, channels: 32, filters: 64)]

    /// The GEMMs of one training step for `images` images besides the convolutions' forward
    /// passes (an implicit GEMM, timed by ``forwardSeconds(images:shards:)``): each convolution's
    /// weight gradient `dW = Aᵀ·dZ` and, below the first, input gradient `dA = dZ·Wᵀ`, where `A` is
    /// its im2col matrix (a row per output pixel, `kh·kw·c` columns) made and multiplied in chunks
    /// of images whose `A` fills about 256 KiB, as `Conv2D`'s pullback does; then the Dense layers'
    /// forward and backward products.
    static func stepProducts(images: Int) -> (convolutions: [GemmBenchmark.Product], dense: [GemmBenchmark.Product]) {
        let convolutionProducts = convolutions.enumerated().flatMap { index, layer -> [GemmBenchmark.Product] in
            let (label, k, n) = (layer.label, layer.depth, layer.filters)
            let chunk = max(1, (256 << 10) / (layer.pixels * k * MemoryLayout<Float>.stride))
            return stride(from: 0, to: images, by: chunk).flatMap { start -> [GemmBenchmark.Product] in
                let m = min(chunk, images - start) * layer.pixels
                var step = [GemmBenchmark.Product(label: "\(label) dW   (\(m)×\(k))ᵀ · \(m)×\(n)", m: k, n: n, k: m, transposeA: true, transposeB: false)]
                if index > 0 {
                    step.append(GemmBenchmark.Product(label: "\(label) dA   \(m)×\(n) · (\(k)×\(n))ᵀ", m: m, n: k, k: n, transposeA: false, transposeB: true))
                }
                return step
            }
        }
        let dense = [(1600, 128), (128, 10)].enumerated().flatMap { index, layer -> [GemmBenchmark.Product] in
            let (k, n, label) = (layer.0, layer.1, "dense\(index + 1)")
            return [GemmBenchmark.Product(label: "\(label) fwd  \(images)×\(k) · \(k)×\(n)", m: images, n: n, k: k, transposeA: false, transposeB: false),
                    GemmBenchmark.Product(label: "\(label) dW   (\(images)×\(k))ᵀ · \(images)×\(n)", m: k, n: n, k: images, transposeA: true, transposeB: false),
                    GemmBenchmark.Product(label: "\(label) dA   \(images)×\(n) · (\(k)×\(n))ᵀ", m: images, n: k, k: n, transposeA: false, transposeB: true)]
        }
        return (convolutionProducts, dense)
    }

    /// Median seconds of the convolutions' forward passes (bias included) on `images`
    /// images per shard, `shards` shards side by side on the worker pool, through the public
    /// `convolved2D`, which runs `Conv2D`'s forward kernels (Winograd's F(4×4, 3×3) for conv2: its
    /// rate counts the direct form's FLOPs, so it can pass the sgemm peak).
    func forwardSeconds(images: Int, shards: Int) throws -> Double {
        var rng = SeededGenerator(seed: 1)
        let operands = Self.convolutions.map { layer in
            (0..<shards).map { _ in
                (Tensor<Float>.randomNormal([images, layer.height, layer.width, layer.channels], using: &rng),
                 Tensor<Float>.randomNormal([3, 3, layer.channels, layer.filters], using: &rng),
                 Tensor<Float>.randomNormal([layer.filters], using: &rng))
            }
        }
        return medianSeconds(repeats: options.repeats * 5) {
            Parallelism.parallelFor(shards) { shard in
                for layer in operands {
                    let (x, kernel, bias) = layer[shard]
                    _ = try? x.convolved2D(kernel: kernel, bias: bias)
                }
            }
        }
    }

    /// Times the convolutions' forward kernel and the step's GEMMs in row shards on the worker
    /// pool (one single-threaded call per shard and product, as the compiled step makes them) and
    /// prints them against the sgemm peak, and the epoch against its floor (one epoch's
    /// convolution and GEMM FLOPs ÷ peak).
    func reportGEMMs(medianEpoch: Double, steps: Int) throws {
        print("sgemm peak (AxoneBench gemm's 1024³ on \(options.threads) OpenBLAS threads):")
        let peak = GemmBenchmark.sgemmPeak(threads: options.threads, repeats: options.repeats)
        let shards = max(1, min(8, batch / 64)), images = batch / shards
        let (backward, dense) = Self.stepProducts(images: images)
        func rate(_ products: [GemmBenchmark.Product]) -> (flops: Double, perSecond: Double) {
            let flops = Double(shards) * products.map(\.flops).reduce(0, +)
            return (flops, flops / GemmBenchmark.shardedSeconds([Array(repeating: products, count: shards)], repeats: options.repeats * 5))
        }
        let forwardFlops = Double(shards) * Self.convolutions.map { $0.flops(images: images) }.reduce(0, +)
        let forward = (flops: forwardFlops, perSecond: forwardFlops / (try forwardSeconds(images: images, shards: shards)))
        let gradients = rate(backward), layers = rate(dense)
        for (name, measured) in [("conv forward (conv1 implicit GEMM, conv2 Winograd; + bias), in direct-form FLOPs", forward), ("conv backward GEMMs (im2col)", gradients),
                                 ("Dense GEMMs", layers)] {
            print(String(format: "%@ (%d shards of %d images): %.1f GFLOP/s = %.0f %% of the sgemm peak %.1f GFLOP/s",
                         name, shards, images, measured.perSecond / 1e9, measured.perSecond / peak * 100, peak / 1e9))
        }
        let flops = forward.flops + gradients.flops + layers.flops
        let seconds = forward.flops / forward.perSecond + gradients.flops / gradients.perSecond + layers.flops / layers.perSecond
        print(String(format: "all products of a step: %.3f GFLOP, %.1f GFLOP/s as sharded", flops / 1e9, flops / seconds / 1e9))
        let floor = flops * Double(steps) / peak
        print(String(format: "GEMM floor: %.3f s per epoch (%d steps at the sgemm peak); median epoch %.3f s = %.2f× the floor",
                     floor, steps, medianEpoch, medianEpoch / floor))
    }
}
