import ArgumentParser
import Axone

/// Throughput of the element-wise kernels as called from another module.
struct OpsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops", abstract: "Element-wise kernel throughput in GB/s (read + write).")

    @OptionGroup var options: BenchmarkOptions
    @Option(help: "Elements per tensor.") var count: Int = 1 << 20

    func run() {
        printInvocation()
        var rng = SeededGenerator(seed: 1)
        let x = Tensor<Float>.randomNormal([count / 256, 256], using: &rng)
        let bias = Tensor<Float>.randomNormal([256], using: &rng)
        let bytes = Double(count * MemoryLayout<Float>.size)
        func row(_ name: String, streams: Double, _ body: () -> Tensor<Float>) {
            var sink: Float = 0
            let s = medianSeconds(repeats: options.repeats) { sink += body().scalars[0] }
            print(name.padding(toLength: 28, withPad: " ", startingAt: 0),
                  String(format: "%7.2f GB/s  %8.3f ms", streams * bytes / s / 1e9, s * 1e3), sink.isNaN ? "" : "")
        }
        print("kernel (\(count) Float)            throughput     time")
        row("relu", streams: 2) { x.mapped(.relu) }
        row("sigmoid", streams: 2) { x.mapped(.sigmoid) }
        row("tanh", streams: 2) { x.mapped(.tanh) }
        row("exp", streams: 2) { x.mapped(.exp) }
        row("add (same shape)", streams: 3) { x + x }
        row("add bias row [n,256]+[256]", streams: 2) { x + bias }
        row("multiply", streams: 3) { x * x }
        row("sum over batch axis", streams: 1) { x.sum(alongAxes: [0]) }
        row("softmax rows", streams: 2) { x.softmax() }
    }
}
