import Foundation
import NotebookModel
import Runner

/// What the CLI prints: status to stderr (so stdout stays the notebook's), live progress,
/// and the end-of-run summary.
enum Terminal {
    static func error(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
    static func status(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    static let log: Pipeline.Log = { status($0) }

    /// Live display: which cell runs, the program's stderr (training progress) as it
    /// comes, and — unless `echoStdout` — only the stdout lines about caches.
    final class Live: @unchecked Sendable {
        // @unchecked: mutable fields are touched only while holding `lock`.
        private let lock = NSLock()
        private var cells: [Cell] = []
        private var stdoutLine = ""
        private let echoStdout: Bool
        private(set) var cacheLines: [String] = []

        init(parsed: ParsedNotebook?, echoStdout: Bool) {
            self.echoStdout = echoStdout
            self.cells = parsed?.notebook.cells ?? []
        }

        func setNotebook(_ parsed: ParsedNotebook) {
            lock.withLock { cells = parsed.notebook.cells }
        }

        var handler: @Sendable (LiveEvent) -> Void {
            { [self] event in self.handle(event) }
        }

        private func handle(_ event: LiveEvent) {
            lock.withLock {
                switch event {
                case .cellStarted(let i):
                    let cell = cells.first { $0.index == i }
                    let label = cell?.options.label.map { " · \($0)" } ?? ""
                    status("▶ cell \(i + 1)/\(cells.count) · line \(cell?.line ?? 0)\(label)")
                case .standardError(let s):
                    FileHandle.standardError.write(Data(s.utf8))
                    noteCacheLines(s)
                case .standardOutput(let s):
                    if echoStdout { FileHandle.standardOutput.write(Data(s.utf8)) }
                    stdoutLine += s
                    while let nl = stdoutLine.firstIndex(of: "\n") {
                        let line = String(stdoutLine[..<nl])
                        stdoutLine = String(stdoutLine[stdoutLine.index(after: nl)...])
                        if Self.isCacheLine(line) {
                            cacheLines.append(line)
                            if !echoStdout { status("  " + line) }
                        }
                    }
                }
            }
        }

        private func noteCacheLines(_ s: String) {
            for line in s.split(separator: "\n") where Self.isCacheLine(String(line)) {
                cacheLines.append(String(line))
            }
        }

        static func isCacheLine(_ line: String) -> Bool {
            let l = line.lowercased()
            return l.contains("from cache") || l.contains("from the cache") || l.contains("resum")
        }

        var trainingCacheHits: Int {
            lock.withLock { cacheLines.filter { $0.lowercased().contains("cache") }.count }
        }
    }

    /// Per-cell times, cache use and the outcome.
    static func summary(_ report: RunReport, trainingCacheHits: Int) {
        let cells = report.parsed.notebook.cells
        let results = report.executed.results
        var lines: [String] = []
        lines.append("")
        lines.append(" cell   line  time       label")
        for cell in cells {
            let time: String
            if !cell.options.eval {
                time = "not run"
            } else if let r = results[cell.index] {
                time = report.frozen ? "frozen" : formatTime(r.seconds)
            } else {
                time = "—"
            }
            var mark = ""
            if report.executed.failure?.cellIndex == cell.index { mark = "  ✗ failed" }
            if report.failedExpectations.contains(where: { $0.cell == cell.index }) {
                mark += "  ✗ expect"
            }
            lines.append(
                String(format: " %4d  %5d  ", cell.index + 1, cell.line)
                    + time.padding(toLength: 9, withPad: " ", startingAt: 0) + "  "
                    + (cell.options.label ?? "") + mark)
        }
        var tail: [String] = []
        if report.frozen {
            tail.append(
                "frozen: outputs reused from the freeze cache (no code, param, library or data change)"
            )
        } else {
            if let c = report.compiled {
                tail.append(
                    c.reused ? "compile: reused" : String(format: "compile %.1f s", c.seconds))
            }
            if let s = report.runSeconds { tail.append("run " + formatTime(s)) }
            tail.append("freeze cache: miss")
            tail.append(
                "training cache: \(trainingCacheHits) hit\(trainingCacheHits == 1 ? "" : "s")")
        }
        lines.append(tail.joined(separator: " · "))
        status(lines.joined(separator: "\n"))
    }

    /// The failure and failed claims, as `file:line: error:` lines with the notebook excerpt.
    static func problems(_ report: RunReport) {
        let path = report.parsed.notebook.path
        if let f = report.executed.failure {
            var text = "\(path):\(f.line): error: cell \(f.cellIndex + 1) failed: \(f.message)"
            if f.line >= 1, f.line <= report.parsed.lines.count {
                text += "\n \(f.line) | \(report.parsed.lines[f.line - 1])"
            }
            error(text)
        }
        for (cell, e) in report.failedExpectations {
            error(
                "\(path):\(e.line ?? 0): error: expectation failed in cell \(cell + 1): \(e.message)"
            )
        }
    }

    static func formatTime(_ s: Double) -> String {
        s < 1
            ? String(format: "%.0f ms", s * 1000)
            : s < 120 ? String(format: "%.1f s", s) : String(format: "%.1f min", s / 60)
    }

    /// A rich output as terminal text (`emotive run`).
    static func describe(_ output: CellOutput) -> String {
        switch output {
        case .text(let s): return s
        case .markdown(let s): return s
        case .table(let t):
            let widths = t.columns.indices.map { c in
                ([t.columns[c]] + t.rows.map { c < $0.count ? $0[c] : "" }).map(\.count).max() ?? 0
            }
            func row(_ cells: [String]) -> String {
                cells.enumerated().map {
                    $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0)
                }
                .joined(separator: "  ")
            }
            var lines = [
                t.caption.map { "Table\(t.label.map { " \($0)" } ?? ""): \($0)" } ?? "Table"
            ]
            lines.append(row(t.columns))
            lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
            lines += t.rows.map(row)
            return lines.joined(separator: "\n")
        case .figure(let f):
            return "[figure\(f.label.map { " \($0)" } ?? "")\(f.caption.map { ": \($0)" } ?? "")]"
        case .expectation(let e):
            return e.passed ? "✓ \(e.message)" : "✗ expectation failed: \(e.message)"
        case .metric(let name, let value): return "\(name) = \(value)"
        }
    }
}
