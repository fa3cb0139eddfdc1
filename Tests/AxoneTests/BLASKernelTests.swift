import Foundation
import Testing
@testable import Axone

/// Which OpenBLAS kernel the products run on (``BLASKernel``). `make test` runs these tests again
/// under `OPENBLAS_CORETYPE=Haswell` and `Sandybridge`.
@Suite struct BLASKernelTests {
    /// The CPU's feature flags, from /proc/cpuinfo.
    static let cpuFlags: Set<Substring> = {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        return Set(line.split(separator: " "))
    }()

    /// The kernel that OpenBLAS's later releases, and Axone, choose for the features in `flags`.
    static func kernel(forFeatures flags: Set<Substring>) -> String? {
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return flags.contains("avx") ? "Sandybridge" : nil
    }

    /// A kernel named by `OPENBLAS_CORETYPE` is the one in use; otherwise a CPU with AVX never
    /// runs OpenBLAS's generic SSE3 kernel (Debian's OpenBLAS 0.3.21 falls back to it on CPUs it
    /// does not know, such as an AVX-512 Xeon of model 207), and a kernel Axone chose is the one
    /// the CPU's features give.
    @Test func theKernelIsTheOneNamedOrTheOneTheFeaturesAllow() throws {
        if let named = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !named.isEmpty {
            #expect(BLASKernel.name.lowercased() == named.lowercased())
            #expect(!BLASKernel.wasChosenByAxone)
            return
        }
        let expected = Self.kernel(forFeatures: Self.cpuFlags)
        if expected != nil { #expect(BLASKernel.name != "Prescott") }
        if BLASKernel.wasChosenByAxone { #expect(BLASKernel.name == expected) }
    }
}
