import ArgumentParser
import Axone
import Foundation

/// Builds seed 002's VGG16 (138,357,544 parameters) and times one forward pass.
struct VGG16Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vgg16",
        abstract: "VGG16 (include_top, 224×224×3, 1000 classes): build time and peak RSS, then one batch-1 forward pass.")

    @OptionGroup var options: BenchmarkOptions
    @Option(help: "Images per forward pass.") var batch: Int = 1

    /// 2 × the multiply-adds of one 224×224 image: 15,470,264,320 (13 convolutions, 3 Dense layers).
    static let gigaFlopsPerImage = 30.94

    func run() throws {
        printInvocation()
        Parallelism.setThreadCount(options.threads)
        let residentBefore = peakResidentMiB()
        let start = DispatchTime.now().uptimeNanoseconds
        let model = try VGG16(includeTop: true, inputShape: [224, 224, 3], classes: 1000)
        let build = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let parameters = model.trainableParameterCount + model.nonTrainableParameterCount
        let parameterMiB = Double(parameters * MemoryLayout<Float>.stride) / 1_048_576
        let residentBuilt = peakResidentMiB()
        print(String(format: "build: %.2f s, %d parameters (%.1f MiB as Float); peak RSS %.1f MiB before, %.1f MiB after building",
                     build, parameters, parameterMiB, residentBefore, residentBuilt))

        var generator = SeededGenerator(seed: 1)
        let images = Tensor<Float>.randomUniform([batch, 224, 224, 3], using: &generator)
        let firstStart = DispatchTime.now().uptimeNanoseconds
        var sink = try model.predict(images).scalars[0]
        let first = Double(DispatchTime.now().uptimeNanoseconds - firstStart) / 1e9
        var failure: Error?
        let median = medianSeconds(repeats: options.repeats) {
            do { sink += try model.predict(images).scalars[0] } catch { failure = error }
        }
        if let failure { throw failure }
        print(String(format: "forward [%d, 224, 224, 3] on %d threads: first call %.3f s, median of %d %.3f s (%.1f GFLOP/s); peak RSS %.1f MiB",
                     batch, options.threads, first, options.repeats, median, Self.gigaFlopsPerImage * Double(batch) / median, peakResidentMiB()
                     ) + (sink.isNaN ? " (NaN output)" : ""))
    }
}
