import Foundation
import NotebookModel

/// Pieces both renderers print the same way, so the HTML and the PDF agree word for word.
enum ReportText {
    /// The provenance footer as label/value rows.
    static func provenanceRows(_ p: Provenance) -> [(String, String)] {
        var rows: [(String, String)] = []
        rows.append(("Git commit", p.gitCommit ?? "not in a git repository"))
        rows.append(("Emotive", p.emotiveVersion))
        rows.append(("Profile", p.profile ?? "default"))
        let params = p.params.keys.sorted().map { "\($0) = \(p.params[$0]!)" }
        rows.append(("Params", params.isEmpty ? "none" : params.joined(separator: ", ")))
        for name in p.dataFingerprints.keys.sorted() {
            rows.append(("Data \(name)", p.dataFingerprints[name]!))
        }
        rows.append(("Machine", p.machine))
        rows.append(("Executed", p.executedAt))
        return rows
    }

    /// "Cell 3, line 42: 1.25 s" rows for the timing table.
    static func timingRows(_ plan: ReportPlan) -> [(cell: String, line: String, time: String)] {
        plan.items.compactMap { item in
            guard case .cell(let c) = item else { return nil }
            let time: String
            if c.failure != nil {
                time = "failed"
            } else if let s = c.seconds {
                time = seconds(s)
            } else if !c.cell.options.eval {
                time = "not evaluated"
            } else {
                time = c.reached ? "—" : "not run"
            }
            return ("\(c.cell.index + 1)", "\(c.cell.line)", time)
        }
    }

    /// The title for running heads: the part before a colon when that is a title of its
    /// own (three words or more), else the whole title.
    ///
    ///     shortTitle("Facial emotion recognition on FER-2013: ResNet50, … reproduced")
    ///     // "Facial emotion recognition on FER-2013"
    static func shortTitle(_ title: String) -> String {
        guard let colon = title.range(of: ": ") else { return title }
        let head = title[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
        return head.split(separator: " ").count >= 3 ? head : title
    }

    static func seconds(_ s: Double) -> String {
        if s < 0.0005 { return "< 1 ms" }
        return s < 0.01
            ? String(format: "%.3f s", s)
            : (s < 100
                ? String(format: "%.2f s", s)
                : String(format: "%.0f s", s))
    }

    static func metric(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e12 { return String(Int(value)) }
        return String(format: "%.4g", value)
    }

    static func failureTitle(_ f: CellFailure) -> String {
        "Cell \(f.cellIndex + 1) failed at line \(f.line)"
    }

    static func cellErrorTitle(_ cell: Int) -> String {
        "Cell \(cell + 1) threw an error (shown because of error: true)"
    }

    static func notRun(_ failure: CellFailure?) -> String {
        failure.map { "Not run: the run stopped at cell \($0.cellIndex + 1)." } ?? "Not run."
    }

    static func expectation(_ e: Expectation) -> String {
        let place = e.line.map { " (line \($0))" } ?? ""
        return (e.passed ? "Passed: " : "Failed: ") + e.message + place
    }

    /// Captured terminal text as a reader should see it: ANSI colour and cursor sequences
    /// removed, a carriage return overwriting its line (progress bars keep their last
    /// state), other control characters dropped, and no trailing newline.
    static func terminalText(_ s: String) -> String {
        var lines: [String] = []
        for rawLine in s.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if let cr = line.lastIndex(of: "\r") { line = line[line.index(after: cr)...] }
            var out = ""
            var scalars = line.unicodeScalars.makeIterator()
            while let c = scalars.next() {
                if c == "\u{1B}" {
                    // CSI: ESC [ parameters final-byte (0x40...0x7E); other escapes: one byte.
                    if let next = scalars.next(), next == "[" {
                        while let p = scalars.next(), !(0x40...0x7E).contains(p.value) {}
                    }
                } else if c == "\t" || c.value >= 0x20 && c.value != 0x7F {
                    out.unicodeScalars.append(c)
                }
            }
            lines.append(out)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// Column alignments with `.none` resolved: numeric columns right, others left.
    static func alignments(_ t: Table) -> [ColumnAlignment] {
        (0..<t.columns.count).map { col in
            let given = col < t.alignments.count ? t.alignments[col] : .none
            if given != .none { return given }
            let values = t.rows.compactMap { col < $0.count ? $0[col] : nil }
                .filter { !placeholders.contains($0.trimmingSpaces()) }
            return !values.isEmpty && values.allSatisfy(looksNumeric) ? .right : .left
        }
    }

    /// Prose (GFM) table alignments with `.none` resolved the same way.
    static func alignments(header: [[Inline]], alignments: [ColumnAlignment], rows: [[[Inline]]])
        -> [ColumnAlignment]
    {
        let table = Table(
            columns: header.map { plainText($0) }, alignments: alignments,
            rows: rows.map { $0.map { plainText($0) } })
        return Self.alignments(table)
    }

    /// Cells that stand for "no value" and say nothing about a column's type.
    static let placeholders: Set<String> = [
        "", "–", "—", "-", "n/a", "N/A", "NA", "NaN", "nan", "?",
    ]

    static func looksNumeric(_ s: String) -> Bool {
        var t = s.trimmingSpaces()
        if t.hasSuffix("%") { t.removeLast() }
        t = t.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "−", with: "-")
        if let pm = t.range(of: "±") { t = String(t[..<pm.lowerBound]).trimmingSpaces() }
        return Double(t) != nil
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
            let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
