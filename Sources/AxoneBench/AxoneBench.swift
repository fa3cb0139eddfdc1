import ArgumentParser
import Axone
import Foundation

@main
struct AxoneBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Axone benchmarks (build with -c release).",
        subcommands: [MLPBenchmark.self, CNNBenchmark.self, GemmBenchmark.self, OpsBenchmark.self, VGG16Benchmark.self])
}

/// Options shared by every benchmark.
struct BenchmarkOptions: ParsableArguments {
    @Option(help: "Threads.") var threads: Int = 2
    @Option(help: "Timed repetitions; the median is reported.") var repeats: Int = 7
}

/// Median wall time of `repeats` runs of `body`, after one warm-up run.
func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    for _ in 0..<max(repeats, 1) {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.sorted()[times.count / 2]
}

/// Prints the command line that produced the figures that follow.
func printInvocation() {
    print("# swift run -c release AxoneBench \(CommandLine.arguments.dropFirst().joined(separator: " "))")
}
