import Foundation
import Synchronization
import Testing
@testable import Axone

/// The fork–join pool behind planned passes: every iteration runs exactly once, loops follow each
/// other without losing or repeating work, and contention degrades to serial execution.
@Suite struct WorkerPoolTests {
    @Test func everyIterationRunsExactlyOnceOverManyLoops() {
        let pool = WorkerPool(workers: 3)
        defer { pool.retire() }
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 64)
        defer { counts.deallocate() }
        for loop in 0..<2_000 {
            let n = 1 + loop % 64
            counts.initialize(repeating: 0)
            // Each iteration writes its own slot, so the counts are race-free.
            pool.parallelFor(n) { counts[$0] += 1 }
            #expect(counts[0..<n].allSatisfy { $0 == 1 } && counts[n...].allSatisfy { $0 == 0 }, "loop \(loop)")
        }
    }

    @Test func loopsWithAContextRunEveryIterationOnceWithIt() {
        let pool = WorkerPool(workers: 2)
        defer { pool.retire() }
        var counts = [Int](repeating: 0, count: 64)
        for n in [1, 2, 5, 64] {
            for i in counts.indices { counts[i] = 0 }
            counts.withUnsafeMutableBufferPointer { buffer in
                // Each iteration adds 1 to its own slot of the context's buffer; the body captures nothing.
                pool.parallelFor(n, context: buffer.baseAddress!) { context, index in
                    context.assumingMemoryBound(to: Int.self)[index] += 1
                }
            }
            #expect(counts[0..<n].allSatisfy { $0 == 1 } && counts[n...].allSatisfy { $0 == 0 }, "\(n) iterations")
        }
    }

    @Test func loopsLargerThanOnePackedCounterStillCoverEveryIteration() {
        let pool = WorkerPool(workers: 1)
        defer { pool.retire() }
        let total = Atomic<Int>(0)
        let n = WorkerPool.maximumIterations * 2 + 7
        pool.parallelFor(n) { total.add($0, ordering: .relaxed) }
        #expect(total.load(ordering: .relaxed) == n * (n - 1) / 2)
    }

    /// A counter that concurrent tasks can share.
    final class Tally: Sendable {
        let total = Atomic<Int>(0)
    }

    @Test func nestedAndConcurrentLoopsRunSeriallyInsteadOfDeadlocking() async {
        let pool = WorkerPool(workers: 2)
        defer { pool.retire() }
        let tally = Tally()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<50 {
                        pool.parallelFor(8) { _ in pool.parallelFor(4) { _ in tally.total.add(1, ordering: .relaxed) } }
                    }
                }
            }
        }
        #expect(tally.total.load(ordering: .relaxed) == 4 * 50 * 8 * 4)
    }

    @Test func aRetiredPoolRunsLoopsOnTheCaller() {
        let pool = WorkerPool(workers: 2)
        pool.retire()
        let caller = Thread.current
        var ranElsewhere = false
        pool.parallelFor(16) { _ in if Thread.current != caller { ranElsewhere = true } }
        #expect(!ranElsewhere)
    }
}
