import CAxoneKernels
import Foundation
import Synchronization

/// A fixed set of worker threads that run fork–join loops: ``parallelFor(_:_:)`` hands out the
/// iterations one at a time to whichever thread asks first, the calling thread included.
///
/// Built for the many short parallel regions of a training step (a few per step, each tens to
/// hundreds of microseconds):
/// - Iterations are claimed dynamically, so a thread that the operating system (or the hypervisor)
///   delays simply takes fewer of them: the loop degrades to the speed of one thread instead of
///   waiting for a static share.
/// - Idle workers spin briefly (with `pause`) to catch the next region of the same step, then
///   sleep on a condition variable; the caller waiting for the last iteration does the same. On a
///   host that sometimes runs both vCPUs on one core, a spinning thread takes time from the one
///   doing the work, so no thread spins for long.
/// - A loop started while another is running (from a second thread, or nested in an iteration)
///   runs serially on its caller: no deadlock, no oversubscription.
///
/// Which thread runs an iteration never changes what it computes, so results depend only on how
/// the caller splits the work, not on the number of workers.
final class WorkerPool: @unchecked Sendable {
    /// Generation (high 32 bits), iteration count (next 16) and next unclaimed iteration (low 16),
    /// packed so that a worker claims an iteration of the current loop with one compare-exchange
    /// and can never claim one of a loop that has already ended.
    private let state = Atomic<UInt64>(0)
    private let finished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    /// Whether the caller sleeps until the last iteration finishes.
    private let callerSleeps = Atomic<Bool>(false)
    private let retired = Atomic<Bool>(false)
    private let condition = NSCondition()
    /// The running loop's body and the index of its first iteration in this round of the packed
    /// counter: written before the generation is published, read only by a thread holding a
    /// claimed iteration (so the loop cannot have ended).
    private var body: ((Int) -> Void)?
    private var offset = 0
    private let workerCount: Int

    /// How long a waiting thread spins before it sleeps: long enough for the gaps within a training
    /// step, short enough to leave a shared core to the thread that works.
    private static let spinNanoseconds: UInt64 = 50_000
    /// The largest iteration count of one loop (the packed counter's range).
    static let maximumIterations = 0xFFFF

    /// Starts `workers` threads (0 makes every loop serial).
    init(workers: Int) {
        workerCount = max(0, workers)
        for index in 0..<workerCount {
            let thread = Thread { self.work() }
            thread.name = "axone-worker-\(index)"
            thread.start()
        }
    }

    /// Lets the workers finish their current loop and exit (the pool then runs loops serially).
    func retire() {
        retired.store(true, ordering: .sequentiallyConsistent)
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// The number of threads a loop can use, the caller included.
    var threadCount: Int { workerCount + 1 }

    /// Runs `body(0)`, …, `body(count − 1)`, spread over the pool and the calling thread, and returns
    /// when all have finished. Iterations must be independent of each other.
    func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        guard takePool(for: count) else {
            for i in 0..<count { body(i) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        // Checking that the body did not escape boxes its context: one allocation per loop.
        withoutActuallyEscaping(body) { runAll(count, $0) }
    }

    /// ``parallelFor(_:_:)`` for a body the caller keeps between loops (a stored closure): the
    /// pool holds it as it is, so the loop allocates nothing.
    func parallelForStored(_ count: Int, _ body: @escaping (Int) -> Void) {
        guard takePool(for: count) else {
            for i in 0..<count { body(i) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        runAll(count, body)
    }

    /// ``parallelFor(_:_:)`` for a body that captures nothing, called with `context`: the pool runs
    /// it through a closure it keeps, so the loop allocates nothing.
    func parallelFor(_ count: Int, context: UnsafeMutableRawPointer, _ body: @convention(c) (UnsafeMutableRawPointer, Int) -> Void) {
        guard takePool(for: count) else {
            for i in 0..<count { body(context, i) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        contextBody = (body, context)
        defer { contextBody = nil }
        runAll(count, contextLoop)
    }

    /// The body and context of the running ``parallelFor(_:context:_:)`` loop (set while the caller holds the pool).
    private var contextBody: (function: @convention(c) (UnsafeMutableRawPointer, Int) -> Void, context: UnsafeMutableRawPointer)?
    /// The closure that runs ``contextBody``, made once.
    private lazy var contextLoop: (Int) -> Void = { [unowned self] index in
        let (function, context) = self.contextBody!
        function(context, index)
    }

    /// Whether a loop of `count` iterations runs on the pool, which it then holds (`false`: it runs
    /// serially on its caller, being too short, or started while another loop runs).
    private func takePool(for count: Int) -> Bool {
        count > 1 && workerCount > 0 && !retired.load(ordering: .relaxed)
            && busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }

    /// Runs every iteration of `body` on the pool (which the caller holds).
    private func runAll(_ count: Int, _ body: @escaping (Int) -> Void) {
        self.body = body
        for start in stride(from: 0, to: count, by: Self.maximumIterations) {
            run(start: start, count: min(Self.maximumIterations, count - start))
        }
        self.body = nil
    }

    /// Runs iterations `start ..< start + count` of the stored body.
    private func run(start: Int, count: Int) {
        offset = start
        finished.store(0, ordering: .relaxed)
        let generation = ((state.load(ordering: .relaxed) >> 32) &+ 1) & 0xFFFF_FFFF   // wraps within 32 bits
        state.store((generation << 32) | (UInt64(count) << 16), ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }
        while claimAndRun(generation: generation) {}
        guard !spin(until: { finished.load(ordering: .acquiring) >= count }) else { return }
        condition.lock()
        callerSleeps.store(true, ordering: .sequentiallyConsistent)
        while finished.load(ordering: .sequentiallyConsistent) < count { condition.wait() }
        callerSleeps.store(false, ordering: .relaxed)
        condition.unlock()
    }

    /// Spins (with `pause`) for at most ``spinNanoseconds`` until `ready()`; returns whether it became true.
    private func spin(until ready: () -> Bool) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
        var spins = 0
        while !ready() {
            spins += 1
            if spins & 63 == 0, DispatchTime.now().uptimeNanoseconds >= deadline { return false }
            axone_spin_pause()
        }
        return true
    }

    /// Claims one iteration of loop `generation` and runs it; `false` when none is left.
    private func claimAndRun(generation: UInt64) -> Bool {
        var current = state.load(ordering: .acquiring)
        while true {
            let next = current & 0xFFFF, count = (current >> 16) & 0xFFFF
            guard current >> 32 == generation, next < count else { return false }
            let claimed = state.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if claimed.exchanged {
                runClaimed(Int(next))
                let done = finished.add(1, ordering: .sequentiallyConsistent).newValue
                if done == Int(count), callerSleeps.load(ordering: .sequentiallyConsistent) {
                    condition.lock()
                    condition.broadcast()
                    condition.unlock()
                }
                return true
            }
            current = claimed.original
        }
    }

    /// Runs one claimed iteration; a function of its own so that the body's copy is released
    /// before the iteration is counted as finished.
    private func runClaimed(_ index: Int) {
        body!(offset + index)
    }

    private func work() {
        var seen: UInt64 = 0
        while let generation = waitForLoop(after: seen) {
            while claimAndRun(generation: generation) {}
            seen = generation
        }
    }

    /// Waits for a loop newer than generation `seen` (spinning first, then sleeping) and returns its
    /// generation, or `nil` once the pool is retired.
    private func waitForLoop(after seen: UInt64) -> UInt64? {
        func newLoopOrRetired() -> Bool { state.load(ordering: .acquiring) >> 32 != seen || retired.load(ordering: .relaxed) }
        if !spin(until: newLoopOrRetired) {
            condition.lock()
            sleepers.add(1, ordering: .sequentiallyConsistent)
            while state.load(ordering: .sequentiallyConsistent) >> 32 == seen, !retired.load(ordering: .sequentiallyConsistent) {
                condition.wait()
            }
            sleepers.subtract(1, ordering: .sequentiallyConsistent)
            condition.unlock()
        }
        let generation = state.load(ordering: .acquiring) >> 32
        return generation != seen ? generation : nil
    }
}
