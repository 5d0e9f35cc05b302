import Foundation
import NotebookModel

/// What the running program is doing, for a live display.
public enum LiveEvent: Sendable {
    case cellStarted(Int)
    /// Text the program wrote to stderr (training progress), markers removed.
    case standardError(String)
    /// Text the program wrote to stdout, markers removed.
    case standardOutput(String)
}

/// Everything a run of the notebook program produced, before it is sorted into cells.
public struct RawRun: Sendable {
    public var stdout: Data
    public var stderr: Data
    public var records: [ChannelRecord]
    public var status: Int32
    public var signaled: Bool
    public var timedOut: Bool
    public var timeLimit: Double?
    /// The resident size at which the program was stopped for exceeding its memory ceiling.
    public var memoryExceeded: Int64? = nil
    public var memoryLimit: Int64? = nil
    public var seconds: Double
}

/// Execute stage: runs the compiled program with the output channel attached.
public enum Executor {
    /// `trainingCache` becomes `EMOTIVE_CACHE_DIR` for the program (fit uses its `training/`).
    public static func run(_ program: CompiledProgram, workDirectory: String, trainingCache: String?,
                           timeLimit: Double?, memoryLimit: Int64? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                           onEvent: (@Sendable (LiveEvent) -> Void)? = nil) throws -> RawRun {
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        let channel = "\(workDirectory)/channel-\(ProcessInfo.processInfo.processIdentifier).jsonl"
        try? FileManager.default.removeItem(atPath: channel)
        FileManager.default.createFile(atPath: channel, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: channel) }

        var env = environment
        env[ChannelEnvironment.channel] = channel
        if let trainingCache { env[ChannelEnvironment.cacheDirectory] = trainingCache }
        // Crash reports with notebook lines, without the interactive prompt or register dumps.
        if env["SWIFT_BACKTRACE"] == nil {
            env["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,registers=none,images=none,threads=crashed,sanitize=no"
        }
        let errFilter = MarkerFilter { event in onEvent?(event) }
        let outFilter = MarkerFilter(stdout: true) { event in onEvent?(event) }
        let start = Date()
        let result = try ChildProcess.run(program.executable, [], environment: env, timeLimit: timeLimit,
                                          memoryLimit: memoryLimit,
                                          onStdout: { outFilter.feed($0) }, onStderr: { errFilter.feed($0) })
        outFilter.finish()
        errFilter.finish()
        let records = (try? String(contentsOfFile: channel, encoding: .utf8))?
            .split(separator: "\n")
            .compactMap { try? JSONDecoder().decode(ChannelRecord.self, from: Data($0.utf8)) } ?? []
        return RawRun(stdout: result.stdoutData, stderr: result.stderrData, records: records,
                      status: result.status, signaled: result.signaled, timedOut: result.timedOut,
                      timeLimit: timeLimit, memoryExceeded: result.memoryExceeded, memoryLimit: memoryLimit,
                      seconds: Date().timeIntervalSince(start))
    }
}

/// Removes marker lines from a live stream and turns cell starts into events. Text is
/// passed on as soon as it arrives (progress bars redraw with `\r`, not newlines) except
/// a possible marker, which waits for its newline.
final class MarkerFilter: @unchecked Sendable {
    // @unchecked: `pending` is only touched while holding `lock`.
    private let lock = NSLock()
    private var pending: [UInt8] = []
    private let isStdout: Bool
    private let emit: (LiveEvent) -> Void

    init(stdout: Bool = false, emit: @escaping (LiveEvent) -> Void) {
        self.isStdout = stdout
        self.emit = emit
    }

    func feed(_ data: Data) {
        lock.withLock {
            pending.append(contentsOf: data)
            drain(final: false)
        }
    }

    func finish() { lock.withLock { drain(final: true) } }

    private func drain(final: Bool) {
        while !pending.isEmpty {
            guard let rs = pending.firstIndex(of: 0x1E) else {
                text(pending[...])
                pending.removeAll()
                return
            }
            if rs > 0 { text(pending[..<rs]) }
            guard let nl = pending[rs...].firstIndex(of: 0x0A) else {
                if final { text(pending[rs...]) ; pending.removeAll() } else { pending.removeFirst(rs) }
                return
            }
            let line = String(decoding: pending[rs..<nl], as: UTF8.self)
            if let marker = ChannelMarker(line: line[...]) {
                if case .cellBegan(let cell) = marker, !isStdout { emit(.cellStarted(cell)) }
            } else {
                text(pending[rs...nl])
            }
            pending.removeFirst(nl + 1)
        }
    }

    private func text(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        let s = String(decoding: bytes, as: UTF8.self)
        emit(isStdout ? .standardOutput(s) : .standardError(s))
    }
}
