import Foundation

/// How `fit` reports progress on standard error.
public enum ProgressStyle: Sendable {
    /// A live bar when stderr is a terminal, else one line per epoch.
    case automatic
    case bar
    case perEpoch
    case silent
}

/// The terminal progress bar: steps, elapsed time, the ETA of the epoch and of the whole
/// `fit`, and running metrics, redrawn in place (`\r`) at most ten times a second.
///
/// Without a terminal (a notebook under `emotive`, a log file) it writes one line per
/// epoch, ending with the ETA of the remaining epochs; a first epoch that runs longer than
/// `earlyEstimateAfter` seconds also gets one early line with the projected epoch and
/// `fit` times, so a long run says how long it will take before its first epoch ends.
///
/// The whole-`fit` ETA is the time left in this epoch plus, for each remaining epoch, the
/// mean wall time of the epochs finished in this call (validation included) — or, before
/// the first one finishes, this epoch's training-step rate (validation not yet known).
final class ProgressBar {
    let style: ProgressStyle
    let epochs: Int
    /// Seconds into the first epoch after which the early estimate is written.
    let earlyEstimateAfter: Double
    private var lastDraw = 0.0
    private var epochStart = 0.0
    private var epoch = 0
    /// Wall time and count of the epochs finished in this `fit`, for the mean.
    private var finishedSeconds = 0.0, finishedEpochs = 0
    private var estimateShown = false
    private let clockNow: () -> Double
    private let sink: (String) -> Void

    init(
        style: ProgressStyle, epochs: Int, earlyEstimateAfter: Double = 30,
        sink: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
        now: @escaping () -> Double = { Date().timeIntervalSinceReferenceDate }
    ) {
        self.sink = sink
        self.clockNow = now
        self.earlyEstimateAfter = earlyEstimateAfter
        if style == .automatic {
            self.style = isatty(FileHandle.standardError.fileDescriptor) == 1 ? .bar : .perEpoch
        } else {
            self.style = style
        }
        self.epochs = epochs
    }

    func beginEpoch(_ epoch: Int) {
        self.epoch = epoch
        epochStart = clockNow()
        lastDraw = 0
        if style == .bar { write("Epoch \(epoch + 1)/\(epochs)\n") }
    }

    /// Mean wall time of the epochs finished in this `fit`, nil before the first ends.
    private var meanEpochSeconds: Double? {
        finishedEpochs > 0 ? finishedSeconds / Double(finishedEpochs) : nil
    }

    func step(_ done: Int, of total: Int, metrics: [(String, Double)]) {
        // Off a terminal only a long first epoch's one early line is ever written.
        guard style == .bar || (style == .perEpoch && !estimateShown && finishedEpochs == 0) else {
            return
        }
        let now = clockNow()
        let elapsed = now - epochStart
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let fitETA = fitRemaining(epochRemaining: eta, epochSoFar: elapsed, done: done)
        if style == .perEpoch {
            guard done > 0, done < total, elapsed >= earlyEstimateAfter else { return }
            estimateShown = true
            let left = epochs - epoch - 1
            write(
                "Epoch \(epoch + 1)/\(epochs): \(done)/\(total) steps in \(clock(elapsed)); this epoch's training about "
                    + "\(clock(elapsed + eta))"
                    + (left > 0
                        ? ", the whole fit about \(clock(elapsed + fitETA)) "
                            + "(validation not yet included)" : "") + "\n")
            return
        }
        guard done == total || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let bar =
            String(repeating: "=", count: max(0, filled - 1))
            + (filled > 0 ? (done == total ? "=" : ">") : "")
            + String(repeating: ".", count: width - filled)
        let m = metrics.map { "\($0.0): \(String(format: "%.4f", $0.1))" }.joined(separator: " - ")
        let whole = epoch + 1 < epochs ? " (fit \(clock(fitETA)))" : ""
        write(
            "\r\(done)/\(total) [\(bar)] \(clock(elapsed)) ETA \(clock(eta))\(whole) - \(m)\u{1B}[K"
        )
    }

    /// Seconds left in the whole `fit`: the rest of this epoch and every later one.
    private func fitRemaining(epochRemaining: Double, epochSoFar: Double, done: Int) -> Double {
        let left = Double(max(0, epochs - epoch - 1))
        let perEpoch = meanEpochSeconds ?? (done > 0 ? epochSoFar + epochRemaining : 0)
        return epochRemaining + left * perEpoch
    }

    func endEpoch(_ epoch: Int, logs: EpochLogs) {
        guard style != .silent else { return }
        let order = ["loss", "accuracy", "val_loss", "val_accuracy"]
        let m = order.compactMap { k in logs.values[k].map { "\(k): \(String(format: "%.4f", $0))" }
        }
        .joined(separator: " - ")
        let lr = logs.learningRate.map { " - lr: \(String(format: "%.3g", $0))" } ?? ""
        let secs = String(format: "%.1fs", logs.seconds ?? 0)
        if let s = logs.seconds { finishedSeconds += s; finishedEpochs += 1 }
        let left = epochs - epoch - 1
        let eta =
            left > 0 ? meanEpochSeconds.map { " - ETA \(clock(Double(left) * $0))" } ?? "" : ""
        if style == .bar { write("\n") }
        write("Epoch \(epoch + 1)/\(epochs) - \(secs) - \(m)\(lr)\(eta)\n")
    }

    func message(_ text: String) {
        guard style != .silent else { return }
        write(text + "\n")
    }

    private func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600
            ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
            : String(format: "%d:%02d", t / 60, t % 60)
    }

    private func write(_ s: String) { sink(s) }
}
