import Foundation
import MessagePassing
import NeuralNetworks
import NotebookModel

/// The state of one running notebook program: the output channel, the current cell and
/// the output counter. Generated code drives it through `_NotebookRuntime`; cells reach
/// it through `show`, `expect`, `record` and `registerData`.
///
/// Without `EMOTIVE_CHANNEL` (library code run outside `emotive`), outputs are printed
/// to stdout as short text instead, so the same calls work in tests and scripts.
final class NotebookSession: @unchecked Sendable {
    // @unchecked: every mutable field is read and written only while holding `lock`.
    static let shared = NotebookSession()

    private let lock = NSLock()
    private var channel: Int32 = -1
    private var currentCell = -1
    private var nextSequence = 0
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    private init() {
        // A data-parallel run (`--ranks N`): every rank runs every cell, and only rank 0's
        // outputs reach the report. The others write what they print to a log of their
        // own (the runner quotes it if the rank fails) and keep no cache.
        if Communicator.launchedWithSeveralRanks && !Communicator.world.isRoot {
            Self.redirectToRankLog(rank: Communicator.world.rank)
            Self.exitWhenOrphaned()
            return
        }
        if let path = ProcessInfo.processInfo.environment[ChannelEnvironment.channel], !path.isEmpty
        {
            channel = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            if channel < 0 {
                FileHandle.standardError.write(
                    Data(
                        "emotive: cannot open the output channel \(path) (errno \(errno)); outputs go to stdout\n"
                            .utf8))
            }
            Self.exitWhenOrphaned()
        }
        // Checkpoints a cell does not place itself go to the runner's cache, not a folder
        // the cell has to name.
        // The runner's cache: fit's training cache, and the folder for checkpoints a cell does
        // not place itself.
        if let cache = ProcessInfo.processInfo.environment[ChannelEnvironment.cacheDirectory],
            !cache.isEmpty
        {
            TrainingCache.shared = TrainingCache(
                directory: URL(fileURLWithPath: cache).appendingPathComponent("training"))
            ModelCheckpoint.defaultDirectory = URL(fileURLWithPath: cache).appendingPathComponent(
                "checkpoints")
        }
    }

    /// Points stdout and stderr of a rank other than 0 at `<EMOTIVE_RANK_LOGS>/rank-N.log`
    /// (or /dev/null without that folder).
    private static func redirectToRankLog(rank: Int) {
        let folder = ProcessInfo.processInfo.environment[ChannelEnvironment.rankLogs] ?? ""
        let path = folder.isEmpty ? "/dev/null" : "\(folder)/rank-\(rank).log"
        fflush(nil)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        dup2(fd, 1)
        dup2(fd, 2)
        close(fd)
    }

    /// A render that is killed (Ctrl-C twice, `kill -9`, a closed terminal) must not leave
    /// its notebook program training for hours: when the Runner that started this program
    /// is gone (the parent changes), the program ends too.
    private static func exitWhenOrphaned() {
        let parent = getppid()
        Thread.detachNewThread {
            while true {
                sleep(1)
                if getppid() != parent {
                    FileHandle.standardError.write(
                        Data("emotive: the runner is gone; stopping the notebook\n".utf8))
                    _exit(137)
                }
            }
        }
    }

    var isAttached: Bool { lock.withLock { channel >= 0 } }

    var cell: Int { lock.withLock { currentCell } }

    func beginCell(_ index: Int) {
        lock.withLock {
            currentCell = index
            writeMarker(.cellBegan(index), toStandardError: true)
            writeRecord(.cellBegan(cell: index, time: Self.now()))
        }
    }

    func endCell(_ index: Int, seconds: Double) {
        lock.withLock {
            writeMarker(.cellEnded(index), toStandardError: true)
            writeRecord(.cellEnded(cell: index, seconds: seconds))
        }
    }

    /// Places a rich output after whatever the cell printed so far.
    func emit(_ output: CellOutput) {
        lock.withLock {
            guard channel >= 0 else {
                print(Self.describe(output))
                return
            }
            let sequence = nextSequence
            nextSequence += 1
            writeMarker(.output(sequence), toStandardError: false)
            writeRecord(.output(cell: currentCell, sequence: sequence, output))
        }
    }

    func send(_ record: ChannelRecord) {
        lock.withLock { writeRecord(record) }
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    // MARK: - Writing (callers hold `lock`)

    private func writeRecord(_ record: ChannelRecord) {
        guard channel >= 0, var data = try? encoder.encode(record) else { return }
        data.append(0x0A)
        writeAll(channel, data)
    }

    /// Flushes stdio so the marker lands after everything printed before it.
    private func writeMarker(_ marker: ChannelMarker, toStandardError: Bool) {
        guard channel >= 0 else { return }
        fflush(nil)
        let bytes = Data(marker.line.utf8)
        writeAll(1, bytes)
        if toStandardError { writeAll(2, bytes) }
    }

    private func writeAll(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    /// Text stand-in for an output when no Runner listens.
    static func describe(_ output: CellOutput) -> String {
        switch output {
        case .text(let s), .markdown(let s): s
        case .table(let t):
            ([t.columns.joined(separator: " | ")] + t.rows.map { $0.joined(separator: " | ") })
                .joined(separator: "\n")
        case .figure(let f):
            "[figure\(f.label.map { " \($0)" } ?? "")\(f.caption.map { ": \($0)" } ?? "")]"
        case .expectation(let e): "\(e.passed ? "✓" : "✗ expectation failed:") \(e.message)"
        case .metric(let name, let value): "\(name) = \(value)"
        }
    }
}
