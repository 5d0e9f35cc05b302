import Foundation

/// How `fit` reports progress on standard error.
public enum ProgressStyle: Sendable {
    /// A live bar when stderr is a terminal, else one line per epoch.
    case automatic
    case bar
    case perEpoch
    case silent
}

/// The terminal progress bar: steps, elapsed time, ETA and running metrics, redrawn
/// in place (`\r`) at most ten times a second.
final class ProgressBar {
    let style: ProgressStyle
    let epochs: Int
    private var lastDraw = 0.0
    private var epochStart = 0.0
    private let sink: (String) -> Void

    init(style: ProgressStyle, epochs: Int, sink: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.sink = sink
        if style == .automatic {
            self.style = isatty(FileHandle.standardError.fileDescriptor) == 1 ? .bar : .perEpoch
        } else {
            self.style = style
        }
        self.epochs = epochs
    }

    func beginEpoch(_ epoch: Int) {
        epochStart = Date().timeIntervalSinceReferenceDate
        lastDraw = 0
        if style == .bar { write("Epoch \(epoch + 1)/\(epochs)\n") }
    }

    func step(_ done: Int, of total: Int, metrics: [(String, Double)]) {
        guard style == .bar else { return }
        let now = Date().timeIntervalSinceReferenceDate
        guard done == total || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let elapsed = now - epochStart
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "=", count: max(0, filled - 1)) + (filled > 0 ? (done == total ? "=" : ">") : "")
            + String(repeating: ".", count: width - filled)
        let m = metrics.map { "\($0.0): \(String(format: "%.4f", $0.1))" }.joined(separator: " - ")
        write("\r\(done)/\(total) [\(bar)] \(clock(elapsed)) ETA \(clock(eta)) - \(m)\u{1B}[K")
    }

    func endEpoch(_ epoch: Int, logs: EpochLogs) {
        guard style != .silent else { return }
        let order = ["loss", "accuracy", "val_loss", "val_accuracy"]
        let m = order.compactMap { k in logs.values[k].map { "\(k): \(String(format: "%.4f", $0))" } }
            .joined(separator: " - ")
        let lr = logs.learningRate.map { " - lr: \(String(format: "%.3g", $0))" } ?? ""
        let secs = String(format: "%.1fs", logs.seconds ?? 0)
        if style == .bar { write("\n") }
        write("Epoch \(epoch + 1)/\(epochs) - \(secs) - \(m)\(lr)\n")
    }

    func message(_ text: String) {
        guard style != .silent else { return }
        write(text + "\n")
    }

    private func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
    }

    private func write(_ s: String) { sink(s) }
}
