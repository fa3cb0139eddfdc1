import Foundation

/// Prints training progress: a live bar with loss and ETA when stdout is a terminal, otherwise
/// exactly one line per epoch (`Epoch 3/10 - 1.2s - loss: 0.4100 - accuracy: 0.8500 - …`); with
/// ``Verbosity/progressBarOnly``, the bar alone, erased at the end.
final class ProgressDisplay {
    private let verbosity: Verbosity
    private let epochs: Int
    private let steps: Int
    private let live: Bool
    private var epochStart = DispatchTime.now()
    private var lastDraw = DispatchTime.now()

    init(verbosity: Verbosity, epochs: Int, steps: Int) {
        self.verbosity = verbosity
        self.epochs = epochs
        self.steps = steps
        live = (verbosity == .progressBar || verbosity == .progressBarOnly) && isatty(STDOUT_FILENO) == 1
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    func batchDidEnd(epoch: Int, step: Int, loss: Double) {
        guard live else { return }
        if step == 0 { epochStart = DispatchTime.now() }
        guard step == steps - 1 || seconds(since: lastDraw) > 0.1 else { return }
        lastDraw = DispatchTime.now()
        let done = step + 1, width = 30
        let filled = width * done / Swift.max(steps, 1)
        let elapsed = seconds(since: epochStart)
        let eta = elapsed / Double(done) * Double(steps - done)
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
            + String(repeating: ".", count: Swift.max(width - filled - 1, 0))
        print("\r\u{1B}[KEpoch \(epoch + 1)/\(epochs) \(done)/\(steps) [\(bar)] ETA \(String(format: "%.1f", eta))s - loss: \(String(format: "%.4f", loss))",
              terminator: "")
        fflush(nil)
    }

    func epochDidEnd(epoch: Int, seconds: Double, logs: Logs) {
        guard verbosity != .silent, verbosity != .progressBarOnly else { return }
        let line = "Epoch \(epoch + 1)/\(epochs) - \(String(format: "%.1fs", seconds)) - \(logs)"
        print(live ? "\r\u{1B}[K" + line : line)
        fflush(nil)
    }

    /// Erases the bar of ``Verbosity/progressBarOnly``, so that what the program prints next starts a clean line.
    func trainingDidEnd() {
        guard live, verbosity == .progressBarOnly else { return }
        print("\r\u{1B}[K", terminator: "")
        fflush(nil)
    }

    static func format(_ value: Double, key: String) -> String {
        key == "lr" ? String(format: "%.4g", value) : String(format: "%.4f", value)
    }
}
