import Foundation
import NotebookModel

/// What a run produced, sorted into cells.
public struct CollectedRun: Sendable, Codable, Hashable {
    /// Per evaluated cell that started, in notebook order; outputs unfiltered by `output:`.
    public var results: [Int: CellResult]
    public var inlineValues: [Int: String]
    public var failure: CellFailure?
    /// Fingerprints the notebook reported with `registerData`, by name.
    public var dataFingerprints: [String: String]
    /// Paths given to `registerData(…, path:)`, by name.
    public var dataPaths: [String: String]
    /// Where and when the outputs were computed; stored with them in the freeze cache so
    /// that a frozen re-render names the original run (nil in entries stored before it).
    public var execution: Execution? = nil

    /// The run that computed a set of outputs.
    public struct Execution: Sendable, Codable, Hashable {
        public var gitCommit: String?
        /// Emotive's version and the library's identity by its sources (the same on every
        /// machine that builds the same sources).
        public var emotiveVersion: String
        public var machine: String
        public var executedAt: String
    }
}

/// Collect stage: cuts stdout and stderr into cells at the marker lines, places rich
/// outputs between the texts, and explains a crash (cell, notebook line, message).
public enum Collector {
    public static func collect(_ run: RawRun, parsed: ParsedNotebook) -> CollectedRun {
        let notebook = parsed.notebook
        var outputsBySequence: [Int: CellOutput] = [:]
        var began: [Int] = []
        var ended: [Int: Double] = [:]
        var beganAt: [Int: Double] = [:]
        var inlineValues: [Int: String] = [:]
        var fingerprints: [String: String] = [:]
        var paths: [String: String] = [:]
        var cellErrors: [Int: String] = [:]
        for record in run.records {
            switch record {
            case .cellBegan(let cell, let time): began.append(cell); beganAt[cell] = time
            case .cellEnded(let cell, let seconds): ended[cell] = seconds
            case .output(_, let sequence, let output): outputsBySequence[sequence] = output
            case .inlineValue(let index, let value): inlineValues[index] = value
            case .data(let name, let fingerprint, let path):
                fingerprints[name] = fingerprint
                if let path { paths[name] = path }
            case .cellError(let cell, let message): cellErrors[cell] = message
            }
        }

        var outputs: [Int: [CellOutput]] = [:]
        var current: Int?
        var pendingText = ""
        func flushText() {
            if let c = current {
                let t = cleanText(pendingText)
                if !t.isEmpty { outputs[c, default: []].append(.text(t)) }
            }
            pendingText = ""
        }
        for segment in segments(run.stdout) {
            switch segment {
            case .text(let t): pendingText += t
            case .marker(.cellBegan(let c)): flushText(); current = c
            case .marker(.cellEnded): flushText(); current = nil
            case .marker(.output(let sequence)):
                flushText()
                if let c = current, let o = outputsBySequence[sequence] {
                    outputs[c, default: []].append(o)
                }
            }
        }
        flushText()

        var stderrByCell: [Int: String] = [:]
        current = nil
        for segment in segments(run.stderr) {
            switch segment {
            case .text(let t): if let c = current { stderrByCell[c, default: ""] += t }
            case .marker(.cellBegan(let c)): current = c
            case .marker(.cellEnded): current = nil
            case .marker(.output): break
            }
        }

        // A crash: which cell, which line, what message.
        var failure: CellFailure?
        let crashed = run.timedOut || run.memoryExceeded != nil || run.signaled || run.status != 0
        let running = began.last(where: { ended[$0] == nil }) ?? began.last
        if crashed {
            let cellIndex = running ?? notebook.cells.first?.index ?? 0
            let cell = notebook.cells.first(where: { $0.index == cellIndex })
            let explained = explain(
                run, stderr: stderrByCell[cellIndex] ?? String(decoding: run.stderr, as: UTF8.self),
                notebookPath: notebook.path)
            if let stripped = explained.keptStderr, running != nil {
                stderrByCell[cellIndex] = stripped
            }
            failure = CellFailure(
                cellIndex: cellIndex, line: explained.line ?? cell?.line ?? 1,
                message: explained.message)
        }

        var results: [Int: CellResult] = [:]
        let lastBegan = began.last
        for cell in notebook.cells where began.contains(cell.index) {
            var list = outputs[cell.index] ?? []
            let err = cleanText(stderrByCell[cell.index] ?? "")
            if !err.isEmpty { list.append(.text(err)) }
            if let message = cellErrors[cell.index] { list.append(.text("error: \(message)")) }
            list = attachCellLabel(list, options: cell.options)
            var seconds = ended[cell.index] ?? 0
            if ended[cell.index] == nil, cell.index == lastBegan, let t0 = beganAt[cell.index],
                let first = began.first, let tFirst = beganAt[first]
            {
                seconds = max(0, run.seconds - (t0 - tFirst))
            }
            results[cell.index] = CellResult(outputs: list, seconds: seconds)
        }
        return CollectedRun(
            results: results, inlineValues: inlineValues, failure: failure,
            dataFingerprints: fingerprints, dataPaths: paths)
    }

    // MARK: - Crash explanation

    struct Explanation {
        var message: String
        var line: Int?
        /// The cell's stderr with the crash report removed.
        var keptStderr: String?
    }

    static func explain(_ run: RawRun, stderr: String, notebookPath: String) -> Explanation {
        if let used = run.memoryExceeded {
            let gib = { (b: Int64) in String(format: "%.2f GiB", Double(b) / Double(1 << 30)) }
            return Explanation(
                message:
                    "stopped: the notebook memory ceiling of \(gib(run.memoryLimit ?? 0)) was exceeded "
                    + "(\(gib(used)) resident) while this cell was running", line: nil,
                keptStderr: nil)
        }
        if run.timedOut {
            let limit = run.timeLimit.map { formatSeconds($0) } ?? "the"
            return Explanation(
                message:
                    "stopped: the notebook time limit of \(limit) was reached while this cell was running",
                line: nil, keptStderr: nil)
        }
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false)
        let fileName = URL(fileURLWithPath: notebookPath).lastPathComponent
        var message: String?
        var line: Int?
        var cut: Int?
        let kinds = [
            "Fatal error: ", "Precondition failed: ", "Assertion failed: ", "Fatal error",
            "Precondition failed",
        ]
        for (i, l) in lines.enumerated() where message == nil {
            guard let kind = kinds.first(where: { l.contains($0) }), let r = l.range(of: kind)
            else { continue }
            var text = String(l[r.lowerBound...])
            let topLevel = "Fatal error: Error raised at top level: "
            if text.hasPrefix(topLevel) {
                text =
                    "uncaught error: "
                    + text.dropFirst(topLevel.count)
                    .replacingOccurrences(of: NotebookCompiler.moduleName + ".", with: "")
            }
            message = text
            cut = i
            // `Notebook/x.md:12: Fatal error: …` (the program's #fileID of a notebook line)
            let prefix = l[..<r.lowerBound]
            let parts = prefix.split(separator: ":")
            if parts.count >= 2, parts[0].hasSuffix("/" + fileName) || parts[0] == fileName,
                let n = Int(parts[1].trimmingCharacters(in: .whitespaces))
            {
                line = n
            }
        }
        // The backtrace's first frame on a notebook line: `main + 628 in notebook at Notebooks/x.md:12:42`.
        // The path may be relative to the folder the program was compiled in.
        if line == nil {
            for l in lines {
                guard let r = l.range(of: " at ", options: .backwards) else { continue }
                let parts = l[r.upperBound...].split(separator: ":")
                guard parts.count >= 3, let n = Int(parts[parts.count - 2]) else { continue }
                let file = parts.dropLast(2).joined(separator: ":")
                if file == notebookPath || file.hasSuffix("/" + fileName) || file == fileName {
                    line = n
                    break
                }
            }
        }
        if cut == nil,
            let i = lines.firstIndex(where: {
                $0.contains("*** Program crashed") || $0.contains("*** Signal")
            })
        {
            cut = i
        }
        let kept = cut.map { lines[..<$0].joined(separator: "\n") }
        if message == nil, let rankFailure = run.rankFailure {
            message = rankFailure
        }
        if message == nil {
            if run.signaled {
                message =
                    "the program was killed by signal \(run.status) (\(signalName(run.status)))"
                    + (run.status == SIGKILL ? "; out of memory?" : "")
            } else {
                message = "the program exited with status \(run.status)"
            }
            if let crash = lines.first(where: { $0.contains("*** Program crashed:") }) {
                message! +=
                    ": "
                    + crash.replacingOccurrences(of: "*", with: "").trimmingCharacters(
                        in: .whitespaces)
            }
        }
        return Explanation(message: message!, line: line, keptStderr: kept)
    }

    static func signalName(_ s: Int32) -> String {
        switch s {
        case SIGILL: "illegal instruction: a Swift runtime trap"
        case SIGTRAP: "trace trap: a Swift runtime trap"
        case SIGSEGV: "segmentation fault"
        case SIGBUS: "bus error"
        case SIGABRT: "abort"
        case SIGFPE: "arithmetic exception"
        case SIGKILL: "killed"
        case SIGTERM: "terminated"
        case SIGINT: "interrupted"
        default: "signal \(s)"
        }
    }

    static func formatSeconds(_ s: Double) -> String {
        s < 120 ? String(format: "%.3g s", s) : String(format: "%.1f min", s / 60)
    }

    // MARK: - Labels

    /// A cell's `label`/`caption` go to its first figure (`fig-…` or no prefix) or first
    /// table (`tbl-…`) that has none of its own.
    static func attachCellLabel(_ outputs: [CellOutput], options: CellOptions) -> [CellOutput] {
        guard options.label != nil || options.caption != nil else { return outputs }
        var list = outputs
        let wantsTable = options.label?.hasPrefix("tbl-") ?? false
        for (i, o) in list.enumerated() {
            switch o {
            case .figure(var f) where !wantsTable && f.label == nil:
                f.label = options.label
                if f.caption == nil { f.caption = options.caption }
                list[i] = .figure(f)
                return list
            case .table(var t) where (wantsTable || options.label == nil) && t.label == nil:
                t.label = options.label
                if t.caption == nil { t.caption = options.caption }
                list[i] = .table(t)
                return list
            default: continue
            }
        }
        return list
    }

    // MARK: - Streams

    enum Segment {
        case text(String)
        case marker(ChannelMarker)
    }

    static func segments(_ data: Data) -> [Segment] {
        var result: [Segment] = []
        let bytes = [UInt8](data)
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x1E, let nl = bytes[i...].firstIndex(of: 0x0A),
                let marker = ChannelMarker(
                    line: String(decoding: bytes[i..<nl], as: UTF8.self)[...])
            {
                if i > start {
                    result.append(.text(String(decoding: bytes[start..<i], as: UTF8.self)))
                }
                result.append(.marker(marker))
                i = nl + 1
                start = i
                continue
            }
            i += 1
        }
        if start < bytes.count {
            result.append(.text(String(decoding: bytes[start...], as: UTF8.self)))
        }
        return result
    }

    /// Terminal text as a reader sees it: `\r` redraws collapsed to their last state, ANSI
    /// colour codes removed, trailing blank lines dropped.
    static func cleanText(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        var lines: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let noAnsi = stripANSI(String(raw))
            let parts = noAnsi.split(separator: "\r", omittingEmptySubsequences: true)
            lines.append(parts.last.map(String.init) ?? "")
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty {
            lines.removeLast()
        }
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty {
            lines.removeFirst()
        }
        return lines.joined(separator: "\n")
    }

    static func stripANSI(_ s: String) -> String {
        guard s.contains("\u{1B}") else { return s }
        var out = ""
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            if c == "\u{1B}" {
                guard let next = it.next() else { break }
                if next == "[" {
                    while let d = it.next(), !(("@"..."~").contains(d)) {}
                }
                continue
            }
            out.unicodeScalars.append(c)
        }
        return out
    }
}
