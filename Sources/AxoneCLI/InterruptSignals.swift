import Axone
import Foundation
import Synchronization

/// Turns SIGINT (Ctrl-C) and SIGTERM into a request that `fit` stop after its current step, so
/// `axone train` can write a checkpoint and exit (130 or 143); a second signal ends the process at
/// once (the files on disk stay whole: they are written atomically). Lives as long as the process.
///
/// The signal handler itself makes the request (an atomic store) and writes the message
/// (`write(2)`), so it waits for no thread: under `mpirun`, which binds each process to one core,
/// the dispatch pool has a single worker — the one training — and a dispatch source's handler
/// waited minutes for it.
/// (`@unchecked Sendable`: set once in `init`; the signal is an atomic.)
final class InterruptSignals: @unchecked Sendable {
    /// The process's listener (a signal handler has no context of its own).
    nonisolated(unsafe) private static var current: InterruptSignals?
    private let received = Atomic<Int32>(0)
    private let onSignal: @Sendable () -> Void
    /// The message of each signal, made before any arrives (a handler must not allocate).
    private let messages: [Int32: [UInt8]]

    /// Starts listening; `onSignal` runs in the signal handler at the first signal, so it must only
    /// do what a handler may (set an atomic flag).
    init(onSignal: @escaping @Sendable () -> Void) {
        self.onSignal = onSignal
        messages = Dictionary(uniqueKeysWithValues: [SIGINT, SIGTERM].map { number in
            (number, Array("\n\(Self.name(number)) received: stopping after the current step (send it again to quit at once)\n".utf8))
        })
        Self.current = self
        for number in [SIGINT, SIGTERM] { signal(number) { InterruptSignals.current?.receive($0) } }
    }

    private func receive(_ number: Int32) {
        guard received.compareExchange(expected: 0, desired: number, ordering: .relaxed).exchanged else { return }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        onSignal()
        _ = messages[number]?.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// The first signal received, if any.
    var receivedSignal: Int32? { let value = received.load(ordering: .relaxed); return value == 0 ? nil : value }

    /// The shell's exit status for a process ended by the signal received: 128 + its number (130, 143).
    var exitStatus: Int32? { receivedSignal.map { 128 + $0 } }

    static func name(_ number: Int32) -> String { number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)" }
}
