import CAxoneKernels
import Testing
@testable import Axone

/// The C kernels cloned for each x86-64 level (`AXONE_WIDE_KERNEL` in `multiversion.h`): the loader
/// runs the highest this CPU has, so these tests call every clone the CPU can run and compare
/// them. AVX-512 (512-bit registers) and AVX2 (256-bit, both with FMA) must give the same bits:
/// each element is computed alone, whatever the vector width. The baseline has no FMA, so its
/// moments round differently; it must agree within a few units in the last place.
@Suite struct KernelCloneTests {
    /// The levels whose clones this CPU can run, baseline first (always there).
    static let levels = [0, 3, 4]
    #if arch(x86_64)
    /// The baseline and at least the AVX2 clone: every x86-64 host of this project has AVX2 and FMA.
    static let leastClones = 2
    #else
    static let leastClones = 1
    #endif

    /// Buffers for one Adam step of `count` elements, from `seed`: parameters, two gradients and
    /// both moments, with every 7th gradient 0 and every 5th moment tiny (so that the flush of
    /// subnormal moments to zero runs too).
    static func adamOperands<T: BinaryFloatingPoint>(_ count: Int, seed: UInt64, as: T.Type) -> [[T]] {
        var generator = SeededGenerator(seed: seed)
        func values(_ scale: Double, zeroEvery: Int? = nil) -> [T] {
            (0..<count).map { index in
                if let zeroEvery, index % zeroEvery == 0 { return 0 }
                return T(scale * (2 * generator.nextUnit() - 1))
            }
        }
        let tiny = T.leastNormalMagnitude * 2
        var m = values(1e-2), v = values(1e-4).map { abs($0) }
        for index in stride(from: 0, to: count, by: 5) { (m[index], v[index]) = (tiny, tiny) }
        return [values(1), values(1e-1, zeroEvery: 7), values(1e-1, zeroEvery: 7), m, v]
    }

    /// Runs `kernel` on a copy of `operands` (p, g, g2, m, v), with `g2` or without, and returns p, m and v.
    static func step<T>(_ operands: [[T]], addsSecondGradient: Bool,
                        _ kernel: (UnsafeMutablePointer<T>, UnsafePointer<T>, UnsafePointer<T>?, UnsafeMutablePointer<T>,
                                   UnsafeMutablePointer<T>, Int) -> Void) -> [[T]] {
        var (p, m, v) = (operands[0], operands[3], operands[4])
        operands[1].withUnsafeBufferPointer { g in
            operands[2].withUnsafeBufferPointer { g2 in
                kernel(&p, g.baseAddress!, addsSecondGradient ? g2.baseAddress! : nil, &m, &v, p.count)
            }
        }
        return [p, m, v]
    }

    /// The largest difference between corresponding buffers of `a` and `b`, each relative to the
    /// largest magnitude in its buffer (a moment near 0 is a difference of two terms, so an
    /// element's own magnitude is no scale for its rounding).
    static func largestRelativeDifference<T: BinaryFloatingPoint>(_ a: [[T]], _ b: [[T]]) -> T {
        zip(a, b).map { x, y in
            let scale = x.map { abs($0) }.max() ?? 1
            return zip(x, y).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
        }.max() ?? 0
    }

    /// Adam (PyTorch's form, with both weight decays at once) in Float: AVX-512 and AVX2 clones
    /// bit-identical; the baseline within 1e-6 of each buffer's largest magnitude (Float, p, m and v).
    @Test(arguments: [false, true]) func adamClonesAgreeInFloat(addsSecondGradient: Bool) throws {
        try checkAdamClones(seed: 11, addsSecondGradient: addsSecondGradient, baselineTolerance: Float(1e-6)) { level in
            axone_adam_f32_variant(level).map { kernel in { kernel($0, $1, $2, $3, $4, $5, 0.9, 0.999, 1e-3, 1.02, 1e-7, 1e-2, 0.999) } }
        }
    }

    /// The same in Double: AVX-512 and AVX2 bit-identical; the baseline within 1e-15 of each buffer's largest magnitude.
    @Test func adamClonesAgreeInDouble() throws {
        try checkAdamClones(seed: 12, addsSecondGradient: true, baselineTolerance: 1e-15) { level in
            axone_adam_f64_variant(level).map { kernel in { kernel($0, $1, $2, $3, $4, $5, 0.9, 0.999, 1e-3, 1.02, 1e-7, 1e-2, 0.999) } }
        }
    }

    /// Runs Adam's clone of every level this CPU has (`clone(level)`, nil when it has not) on the
    /// same operands: the AVX-512 and AVX2 clones must agree to the bit, the baseline within
    /// `baselineTolerance` of each buffer's largest magnitude.
    func checkAdamClones<T: BinaryFloatingPoint>(
        seed: UInt64, addsSecondGradient: Bool, baselineTolerance: T,
        _ clone: (Int32) -> ((UnsafeMutablePointer<T>, UnsafePointer<T>, UnsafePointer<T>?, UnsafeMutablePointer<T>,
                              UnsafeMutablePointer<T>, Int) -> Void)?
    ) throws {
        let operands = Self.adamOperands(1_037, seed: seed, as: T.self)
        let results = Self.levels.compactMap { level in
            clone(Int32(level)).map { Self.step(operands, addsSecondGradient: addsSecondGradient, $0) }
        }
        try #require(results.count >= Self.leastClones)
        #expect(results[0] != [operands[0], operands[3], operands[4]], "the step changed nothing")
        for result in results.dropFirst(2) { #expect(result == results[1]) }
        #expect(Self.largestRelativeDifference(results[0], results[1]) <= baselineTolerance)
    }

    /// Pixels to floats: every clone gives `Float(byte) / 255` exactly (a correctly rounded
    /// division, no FMA involved), rows gathered in the order asked, over rows whose length is
    /// not a multiple of the vector width.
    @Test func gatherClonesGiveTheSameBits() throws {
        let rowSize = 787, rowCount = 9
        let bytes = (0..<rowSize * rowCount).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 255) }
        let rows = [8, 0, 3, 3, 7, 1]
        let expected = rows.flatMap { row in (0..<rowSize).map { Float(bytes[row * rowSize + $0]) / 255 } }
        var clones = 0
        for level in Self.levels {
            guard let kernel = axone_gather_scaled_bytes_variant(Int32(level)) else { continue }
            var out = [Float](repeating: .nan, count: rows.count * rowSize)
            kernel(&out, bytes, rowSize, rows, rows.count, 255)
            #expect(out == expected, "level \(level)")
            clones += 1
        }
        #expect(clones >= Self.leastClones)
    }

    /// Inputs for eˣ: every 4,099th bit pattern of the 2³² floats (both signs, every exponent,
    /// NaNs included), then the ends of the fast range and their neighbours, the two inputs on
    /// which glibc's `expf` rounds differently without FMA, ±0, ±∞ and the smallest subnormals.
    static let exponentInputs: [Float] = {
        var inputs = stride(from: UInt32(0), to: UInt32.max - 4_099, by: 4_099).map { Float(bitPattern: $0) }
        for edge: Float in [0x1.62e42ep6, -0x1.9fe368p6, -0x1.9d1d9ep6, 88, -88, 0x1.04845ep+5, -0x1.f8cbb2p+5] {
            inputs += [edge.nextDown, edge, edge.nextUp]
        }
        return inputs + [0, -0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
    }()

    /// eˣ in Float: the AVX-512 and AVX2 clones give the bits of libm's `expf` (what `Float.exp`
    /// calls, and what the loops they replace called) on every input above, and the baseline the
    /// same bits as them (it keeps their fused multiply-adds); in place too.
    @Test func expClonesGiveLibmBits() throws {
        let inputs = Self.exponentInputs, expected = inputs.map { Float.exp($0) }
        var results: [[Float]] = []
        for level in Self.levels {
            guard let kernel = axone_exp_f32_variant(Int32(level)) else { continue }
            var out = [Float](repeating: 7, count: inputs.count)
            kernel(inputs, &out, inputs.count)
            if level > 0 { #expect(Self.sameBits(out, expected), "level \(level) against libm") }
            var inPlace = inputs
            inPlace.withUnsafeMutableBufferPointer { kernel($0.baseAddress!, $0.baseAddress!, $0.count) }
            #expect(Self.sameBits(inPlace, out), "level \(level) in place")
            results.append(out)
        }
        try #require(results.count >= Self.leastClones)
        for result in results.dropFirst() { #expect(Self.sameBits(result, results[0]), "baseline against the vector clones") }
    }

    /// Values for the streaming kernels: random of both signs, with −0, +0, ±∞, NaN, subnormals
    /// and the largest finite value among them; `count` is not a multiple of any vector width.
    static func streamingValues<T: BinaryFloatingPoint>(_ count: Int, seed: UInt64, as: T.Type) -> [T] {
        var generator = SeededGenerator(seed: seed)
        let special: [T] = [-0.0, 0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude]
        return (0..<count).map { index in index % 9 == 4 ? special[(index / 9) % special.count] : T(2 * generator.nextUnit() - 1) }
    }

    /// Whether `a` and `b` hold the same bits (NaN included).
    static func sameBits<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 ? $0.sign == $1.sign : ($0.isNaN && $1.isNaN) }
    }

    /// One level's clones of the streaming kernels, called through Swift closures.
    struct StreamingClones<T> {
        let accumulate: (UnsafeMutablePointer<T>, UnsafePointer<T>, Int) -> Void
        let relu: (UnsafePointer<T>, UnsafeMutablePointer<T>, Int) -> Void
        let reluDerivative: (UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, Int) -> Void
        let sumRows: (UnsafePointer<T>, Int, Int, UnsafeMutablePointer<T>) -> Void
    }

    /// Every clone of the streaming kernels (sum, ReLU, ReLU's pullback, column sums) gives what
    /// the Swift loops they replace give, to the bit (−0 → +0 and NaN → 0 under ReLU included).
    @Test func streamingClonesMatchTheSwiftLoopsInFloat() {
        checkStreamingClones(Float.self) { level in
            guard let a = axone_accumulate_f32_variant(level), let r = axone_relu_f32_variant(level),
                  let d = axone_relu_derivative_f32_variant(level), let s = axone_sum_rows_f32_variant(level) else { return nil }
            return StreamingClones(accumulate: { a($0, $1, $2) }, relu: { r($0, $1, $2) }, reluDerivative: { d($0, $1, $2, $3) },
                                   sumRows: { s($0, $1, $2, $3) })
        }
    }

    /// The same in Double.
    @Test func streamingClonesMatchTheSwiftLoopsInDouble() {
        checkStreamingClones(Double.self) { level in
            guard let a = axone_accumulate_f64_variant(level), let r = axone_relu_f64_variant(level),
                  let d = axone_relu_derivative_f64_variant(level), let s = axone_sum_rows_f64_variant(level) else { return nil }
            return StreamingClones(accumulate: { a($0, $1, $2) }, relu: { r($0, $1, $2) }, reluDerivative: { d($0, $1, $2, $3) },
                                   sumRows: { s($0, $1, $2, $3) })
        }
    }

    /// Runs the clones of every level this CPU has (`clones(level)`, nil when it has not) against the Swift loops.
    func checkStreamingClones<T: BinaryFloatingPoint>(_: T.Type, _ clones: (Int32) -> StreamingClones<T>?) {
        let (rows, columns) = (7, 45)
        let x = Self.streamingValues(rows * columns, seed: 21, as: T.self), dy = Self.streamingValues(rows * columns, seed: 22, as: T.self)
        let sum = zip(x, dy).map { $0 + $1 }
        let relued = x.map { $0 > 0 ? $0 : 0 }
        let pulledBack = zip(x, dy).map { $0 > 0 ? $1 : 0 }
        var columnSums = Array(x[0..<columns])
        for row in 1..<rows { for column in 0..<columns { columnSums[column] += x[row * columns + column] } }
        var count = 0
        for level in Self.levels.map(Int32.init) {
            guard let kernels = clones(level) else { continue }
            var y = dy
            kernels.accumulate(&y, x, x.count)
            #expect(Self.sameBits(y, sum), "accumulate, level \(level)")
            y = dy
            kernels.relu(x, &y, x.count)
            #expect(Self.sameBits(y, relued), "ReLU, level \(level)")
            kernels.reluDerivative(x, dy, &y, x.count)
            #expect(Self.sameBits(y, pulledBack), "ReLU's pullback, level \(level)")
            var sums = [T](repeating: .nan, count: columns)
            kernels.sumRows(x, rows, columns, &sums)
            #expect(Self.sameBits(sums, columnSums), "column sums, level \(level)")
            count += 1
        }
        #expect(count >= Self.leastClones)
    }
}
