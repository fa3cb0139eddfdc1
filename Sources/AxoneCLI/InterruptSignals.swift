import Axone
import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT (Ctrl-C) and SIGTERM into a request that `fit` stop after its current step, so
/// `axone train` can write a checkpoint and exit (130 or 143); a second signal ends the process at
/// once (the files on disk stay whole: they are written atomically). Lives as long as the process.
/// (`@unchecked Sendable`: the sources are set once in `init`, the signal is an atomic.)
final class InterruptSignals: @unchecked Sendable {
    private let received = Atomic<Int32>(0)
    private var sources: [DispatchSourceSignal] = []

    /// Starts listening; `onSignal` runs (on a dispatch queue) at the first signal.
    init(onSignal: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { self.receive(number, then: onSignal) }
            source.resume()
            sources.append(source)
        }
    }

    private func receive(_ number: Int32, then onSignal: () -> Void) {
        guard received.compareExchange(expected: 0, desired: number, ordering: .relaxed).exchanged else { return }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        FileHandle.standardError.write(Data(
            "\n\(Self.name(number)) received: stopping after the current step (send it again to quit at once)\n".utf8))
        onSignal()
    }

    /// The first signal received, if any.
    var receivedSignal: Int32? { let value = received.load(ordering: .relaxed); return value == 0 ? nil : value }

    /// The shell's exit status for a process ended by the signal received: 128 + its number (130, 143).
    var exitStatus: Int32? { receivedSignal.map { 128 + $0 } }

    static func name(_ number: Int32) -> String { number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)" }
}
