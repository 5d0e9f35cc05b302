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
    /// A data-parallel run that ended early: which rank failed and how (from `mpirun`'s
    /// report and that rank's log).
    public var rankFailure: String? = nil
}

/// How to start the notebook program on several ranks with Open MPI's `mpirun` (every rank
/// runs every cell; rank 0's outputs make the report).
public struct RankLaunch: Sendable, Equatable {
    public var ranks: Int
    /// An Open MPI hostfile (`host slots=N` lines); nil runs every rank on this machine.
    public var hostfile: String?
    /// Compute threads of each rank (`EMOTIVE_THREADS`); nil: cores ÷ ranks on this machine.
    public var threadsPerRank: Int?
    /// `mpirun`, found on PATH unless given.
    public var mpirun: String?

    public init(
        ranks: Int, hostfile: String? = nil, threadsPerRank: Int? = nil, mpirun: String? = nil
    ) {
        (self.ranks, self.hostfile, self.threadsPerRank, self.mpirun) = (
            ranks, hostfile, threadsPerRank, mpirun
        )
    }

    /// The command that starts `program` on the ranks, with the environment variables the
    /// ranks need forwarded (`-x`, for ranks on other hosts).
    func command(program: String, environment: [String: String], forward: [String]) throws -> (
        String, [String]
    ) {
        guard ranks >= 1 else { throw RunnerError("--ranks must be at least 1, got \(ranks)") }
        if let hostfile, !FileManager.default.isReadableFile(atPath: hostfile) {
            throw RunnerError(
                "--hostfile \(hostfile): no such file (one host per line: 'name slots=N')")
        }
        guard let mpirun = mpirun ?? Self.findOnPath("mpirun", environment: environment) else {
            throw RunnerError(
                "--ranks needs Open MPI's mpirun, which is not on PATH; install it "
                    + "(Debian: apt-get install openmpi-bin libopenmpi-dev, or bash .ci/setup)")
        }
        var args = ["-np", String(ranks), "--bind-to", "none"]
        if getuid() == 0 { args.append("--allow-run-as-root") }
        if let hostfile {
            args += ["--hostfile", hostfile]
        } else {
            args.append("--oversubscribe")  // more ranks than cores is allowed on one machine
        }
        for name in forward where environment[name] != nil { args += ["-x", name] }
        return (mpirun, args + [program])
    }

    static func findOnPath(_ name: String, environment: [String: String]) -> String? {
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Reads `mpirun`'s report of a rank that ended the run, and the end of that rank's log.
    static func failure(mpirunOutput: String, logs: String, ranks: Int) -> String? {
        let lines = mpirunOutput.split(separator: "\n").map(String.init)
        // "mpirun noticed that process rank 1 with PID 123 on node x exited on signal 9 (Killed)."
        for line in lines {
            guard let r = line.range(of: "process rank ") else { continue }
            let rank = line[r.upperBound...].prefix(while: \.isNumber)
            var what = "ended"
            if let s = line.range(of: "exited on signal ") {
                what =
                    "was killed by signal "
                    + line[s.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: ". "))
            } else if line.contains("non-zero status") {
                what = "exited with an error"
            } else {
                continue
            }
            var message = "rank \(rank) of \(ranks) \(what); mpirun stopped the other ranks"
            if let tail = rankLogTail(logs, rank: String(rank)) {
                message += ". Its last words: " + tail
            }
            return message + "; re-run the same command to resume from the last finished epoch"
        }
        // A rank that exited with a non-zero status (an uncaught error) is named on another line.
        if let line = lines.first(where: {
            $0.contains("exited with status") || $0.contains("non-zero status")
        }) {
            return
                "a rank ended the run (\(line.trimmingCharacters(in: .whitespaces))); re-run the same command "
                + "to resume from the last finished epoch"
        }
        if let line = lines.first(where: {
            $0.contains("ORTE was unable to reliably start")
                || $0.contains("ssh:") || $0.contains("Could not resolve")
        }) {
            return
                "mpirun could not start the ranks: \(line.trimmingCharacters(in: .whitespaces)); check that every "
                + "host in the hostfile is reachable by ssh without a password and has Emotive's library at the same path"
        }
        return nil
    }

    private static func rankLogTail(_ folder: String, rank: String) -> String? {
        guard let text = try? String(contentsOfFile: "\(folder)/rank-\(rank).log", encoding: .utf8)
        else { return nil }
        let lines = text.replacingOccurrences(of: "\r", with: "\n").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            // not progress bars
            .filter { !$0.isEmpty && !$0.hasPrefix("Epoch ") && !$0.contains("━") }
        return lines.isEmpty ? nil : lines.suffix(3).joined(separator: " | ")
    }
}

/// Execute stage: runs the compiled program with the output channel attached.
public enum Executor {
    /// `trainingCache` becomes `EMOTIVE_CACHE_DIR` for the program (fit uses its `training/`).
    public static func run(
        _ program: CompiledProgram, workDirectory: String, trainingCache: String?,
        timeLimit: Double?, memoryLimit: Int64? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        launch: RankLaunch? = nil,
        onEvent: (@Sendable (LiveEvent) -> Void)? = nil
    ) throws -> RawRun {
        try FileManager.default.createDirectory(
            atPath: workDirectory, withIntermediateDirectories: true)
        let channel = "\(workDirectory)/channel-\(ProcessInfo.processInfo.processIdentifier).jsonl"
        try? FileManager.default.removeItem(atPath: channel)
        FileManager.default.createFile(atPath: channel, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: channel) }

        var env = environment
        env[ChannelEnvironment.channel] = channel
        if let trainingCache { env[ChannelEnvironment.cacheDirectory] = trainingCache }
        // Crash reports with notebook lines, without the interactive prompt or register dumps.
        if env["SWIFT_BACKTRACE"] == nil {
            env["SWIFT_BACKTRACE"] =
                "enable=yes,interactive=no,color=no,registers=none,images=none,threads=crashed,sanitize=no"
        }
        let errFilter = MarkerFilter { event in onEvent?(event) }
        let outFilter = MarkerFilter(stdout: true) { event in onEvent?(event) }
        var (executable, arguments) = (program.executable, [String]())
        let rankLogs = "\(workDirectory)/ranks-\(ProcessInfo.processInfo.processIdentifier)"
        if let launch, launch.ranks > 1 {
            try? FileManager.default.removeItem(atPath: rankLogs)
            try FileManager.default.createDirectory(
                atPath: rankLogs, withIntermediateDirectories: true)
            env[ChannelEnvironment.rankLogs] = rankLogs
            let cores = ProcessInfo.processInfo.activeProcessorCount
            env["EMOTIVE_THREADS"] = String(launch.threadsPerRank ?? max(1, cores / launch.ranks))
            (executable, arguments) = try launch.command(
                program: program.executable, environment: env,
                forward: [
                    ChannelEnvironment.channel, ChannelEnvironment.cacheDirectory,
                    ChannelEnvironment.rankLogs,
                    "EMOTIVE_THREADS", "SWIFT_BACKTRACE", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                ])
        }
        defer { try? FileManager.default.removeItem(atPath: rankLogs) }
        let start = Date()
        let result = try ChildProcess.run(
            executable, arguments, environment: env, timeLimit: timeLimit,
            memoryLimit: memoryLimit,
            onStdout: { outFilter.feed($0) }, onStderr: { errFilter.feed($0) })
        outFilter.finish()
        errFilter.finish()
        let records =
            (try? String(contentsOfFile: channel, encoding: .utf8))?
            .split(separator: "\n")
            .compactMap { try? JSONDecoder().decode(ChannelRecord.self, from: Data($0.utf8)) } ?? []
        var rankFailure: String?
        if let launch, launch.ranks > 1, result.status != 0 || result.signaled {
            rankFailure = RankLaunch.failure(
                mpirunOutput: result.stderr + "\n" + result.stdout, logs: rankLogs,
                ranks: launch.ranks)
        }
        return RawRun(
            stdout: result.stdoutData, stderr: result.stderrData, records: records,
            status: result.status, signaled: result.signaled, timedOut: result.timedOut,
            timeLimit: timeLimit, memoryExceeded: result.memoryExceeded, memoryLimit: memoryLimit,
            seconds: Date().timeIntervalSince(start), rankFailure: rankFailure)
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
                if final {
                    text(pending[rs...]); pending.removeAll()
                } else {
                    pending.removeFirst(rs)
                }
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
