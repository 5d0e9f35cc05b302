import Foundation
import NotebookModel

/// Prose as GitHub-flavoured Markdown, for the formats that are Markdown or hold it
/// (`--to gfm`, the Markdown cells of `--to ipynb`): inline values substituted, conditional
/// blocks already settled by the plan, callouts as block quotes headed by a bold label,
/// citations as "[1]" linking to the References list, cross-references as links to anchors.
///
///     MarkdownWriter(plan: plan).block(.paragraph([.text("5 * 2 = "), .code("10")]))
///     // "5 \\* 2 = `10`\n"
struct MarkdownWriter {
    let plan: ReportPlan
    /// Where a prose image (`![alt](faces.png)`, relative to the notebook) is linked from
    /// the report: a file copied beside it (gfm) or a cell attachment (ipynb); nil leaves
    /// the alt text in brackets.
    var image: (_ url: String, _ alt: String) -> String? = { _, _ in nil }

    // MARK: - Blocks

    /// One block, ending with a newline; blocks are separated by blank lines by `blocks`.
    func block(_ b: ProseBlock) -> String {
        switch b {
        case .heading(_, let content):
            // Headings inside lists, quotes or cell Markdown: unnumbered bold lines, as in the HTML.
            return "**\(inlines(content))**\n"
        case .paragraph(let content):
            return escapeLineStarts(inlines(content)) + "\n"
        case .list(let ordered, let start, let items):
            var out = ""
            for (n, item) in items.enumerated() {
                let marker = ordered ? "\(start + n). " : "- "
                let body = blocks(item).trimmingCharacters(in: .newlines)
                let indent = String(repeating: " ", count: marker.count)
                let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
                for (i, line) in lines.enumerated() {
                    if i == 0 {
                        out += marker + line
                    } else {
                        out += line.isEmpty ? "" : indent + line
                    }
                    out += "\n"
                }
            }
            return out
        case .quote(let content):
            return quoted(blocks(content))
        case .code(let language, let text):
            return fenced(text, language: language)
        case .table(let header, let given, let rows):
            guard !header.isEmpty else { return "" }
            let alignments = ReportText.alignments(header: header, alignments: given, rows: rows)
            return Self.table(
                header: header.map { cellText(inlines($0)) },
                alignments: alignments,
                rows: rows.map { $0.map { cellText(inlines($0)) } })
        case .thematicBreak:
            return "---\n"
        case .displayMath(let source):
            return "$$\n\(source)\n$$\n"
        case .html(let raw):
            return raw.hasSuffix("\n") ? raw : raw + "\n"
        case .callout(let c):
            return quoted("**\(Self.escape(c.heading))**\n\n" + blocks(c.blocks))
        case .conditional(let c):
            // ReportPlan has already kept or dropped these; this is a fallback.
            return c.isShown(plan.inlineValues) ? blocks(c.blocks) : ""
        }
    }

    /// Blocks separated by blank lines.
    func blocks(_ bs: [ProseBlock]) -> String {
        bs.map(block).filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// A numbered section heading with its anchor: `<a id="sec-data"></a>` then `## 1.1 Data`
    /// (the title is the document's only `#`).
    func heading(_ h: ReportPlan.Heading) -> String {
        let level = min(h.depth + 1, 6)
        return "<a id=\"\(esc(h.id))\"></a>\n\n" + String(repeating: "#", count: level)
            + " \(h.number) \(inlines(h.content))\n"
    }

    /// `text` as a block quote (every line prefixed with "> ").
    func quoted(_ text: String) -> String {
        text.trimmingCharacters(in: .newlines).split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n") + "\n"
    }

    /// A fenced block whose fence is longer than any backtick run inside it.
    func fenced(_ text: String, language: String?) -> String {
        let fence = String(repeating: "`", count: max(3, Self.longestBacktickRun(text) + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return "\(fence)\(language ?? "")\n\(body)\(fence)\n"
    }

    /// A GFM table (cells already escaped Markdown; `|` in them is escaped here).
    static func table(header: [String], alignments: [ColumnAlignment], rows: [[String]]) -> String {
        func row(_ cells: [String]) -> String {
            "| "
                + (0..<header.count).map { i in
                    (i < cells.count ? cells[i] : "").replacingOccurrences(of: "|", with: "\\|")
                }.joined(separator: " | ") + " |\n"
        }
        var out = row(header)
        out +=
            "|"
            + header.indices.map { i -> String in
                switch i < alignments.count ? alignments[i] : .none {
                case .left: " :-- |"
                case .right: " --: |"
                case .center: " :-: |"
                case .none: " --- |"
                }
            }.joined() + "\n"
        for r in rows { out += row(r) }
        return out
    }

    // MARK: - Inlines

    func inlines(_ content: [Inline]) -> String {
        content.map(inline).joined()
    }

    func inline(_ i: Inline) -> String {
        switch i {
        case .text(let s): return Self.escape(s)
        case .code(let s): return Self.codeSpan(s)
        case .emphasis(let c): return "*\(inlines(c))*"
        case .strong(let c): return "**\(inlines(c))**"
        case .strikethrough(let c): return "~~\(inlines(c))~~"
        case .link(let url, let c): return "[\(inlines(c))](\(Self.destination(url)))"
        case .image(let url, let alt):
            if let target = image(url, alt) {
                return "![\(Self.escape(alt))](\(Self.destination(target)))"
            }
            return "\\[\(Self.escape(alt))\\]"
        case .softBreak: return "\n"
        case .lineBreak: return "\\\n"
        case .crossReference(let label):
            if let ref = plan.references[label] { return "[\(ref.text)](#\(ref.id))" }
            return "**?@\(Self.escape(label))**"
        case .inlineExpression(let index, _):
            return plan.inlineValues[index].map(Self.escape) ?? "**??**"
        case .html(let raw): return raw
        case .citation(let items):
            let parts = plan.citationParts(items).map { part in
                part.key.map { "[\(Self.escape(part.text))](#\(ReportText.referenceID($0)))" }
                    ?? Self.escape(part.text)
            }
            return "\\[" + parts.joined(separator: ", ") + "\\]"
        case .math(let source): return "$\(source)$"
        }
    }

    /// Inline text for a table cell: one line (breaks become `<br>`).
    func cellText(_ s: String) -> String {
        s.replacingOccurrences(of: "\\\n", with: "<br>").replacingOccurrences(of: "\n", with: " ")
    }

    /// Backslash-escapes the characters that would start Markdown syntax inline.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            if "\\`*_[]<>|~$".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        // `&` starts an entity only when a name or `#` follows ("&amp;", "&#42;").
        return out.replacingOccurrences(
            of: "&(?=[A-Za-z0-9#])", with: "&amp;", options: .regularExpression)
    }

    /// Escapes what would make a paragraph's line a heading, list item, quote or rule.
    func escapeLineStarts(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " }
            let lead = line.prefix(line.count - trimmed.count)
            guard let first = trimmed.first else { return String(line) }
            if "#+-=".contains(first) { return lead + "\\" + trimmed }
            // "1. " or "1) " would start an ordered list.
            let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty, digits.count < 10 {
                let rest = trimmed.dropFirst(digits.count)
                if let p = rest.first, p == "." || p == ")",
                    rest.dropFirst().first.map({ $0 == " " }) ?? true
                {
                    return lead + digits + "\\" + rest
                }
            }
            return String(line)
        }.joined(separator: "\n")
    }

    static func codeSpan(_ s: String) -> String {
        let ticks = String(repeating: "`", count: longestBacktickRun(s) + 1)
        let pad = s.hasPrefix("`") || s.hasSuffix("`") ? " " : ""
        return ticks + pad + s + pad + ticks
    }

    static func longestBacktickRun(_ s: String) -> Int {
        var longest = 0, run = 0
        for ch in s {
            run = ch == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    /// A link destination; `<…>` when it has spaces or parentheses.
    static func destination(_ url: String) -> String {
        url.contains(where: { " ()<>".contains($0) })
            ? "<"
                + url.replacingOccurrences(of: "<", with: "%3C").replacingOccurrences(
                    of: ">", with: "%3E") + ">"
            : url
    }

    // MARK: - Report pieces shared by gfm and ipynb

    /// The title block: `# Title`, then author and date.
    func titleBlock() -> String {
        var out = "# \(Self.escape(plan.title))\n"
        let byline = [plan.author, plan.date].compactMap { $0 }.map(Self.escape).joined(
            separator: " · ")
        if !byline.isEmpty { out += "\n\(byline)\n" }
        if let f = plan.failure {
            out +=
                "\n"
                + quoted(
                    "**This report is partial:** \(Self.escape(ReportText.failureTitle(f))). "
                        + "The error is shown in place ([go to cell \(f.cellIndex + 1)](#cell-\(f.cellIndex + 1)))."
                )
        }
        return out
    }

    /// The References section, or nil when nothing is cited.
    func bibliography() -> String? {
        guard !plan.bibliography.isEmpty else { return nil }
        var out = "## References\n\n"
        for (n, entry) in plan.bibliography.enumerated() {
            let line = ReportText.bibliographyLine(entry)
            out += "<a id=\"\(esc(ReportText.referenceID(entry.id)))\"></a>\\[\(n + 1)\\] "
            if let a = line.authors { out += Self.escape(a) + ". " }
            out += "*\(Self.escape(line.title))*."
            if let d = line.details { out += " " + Self.escape(d) }
            if let u = line.url { out += " <\(u)>" }
            out += "\n\n"
        }
        return out.trimmingCharacters(in: .newlines) + "\n"
    }

    /// The provenance footer as a two-column table.
    func provenance() -> String {
        "## Provenance\n\n"
            + Self.table(
                header: ["", ""], alignments: [.left, .left],
                rows: ReportText.provenanceRows(plan.provenance).map {
                    [Self.escape($0.0), Self.escape($0.1)]
                })
    }

    /// "**Table 2.** Test accuracy by model.", with the anchor `id` before it when given.
    func caption(kind: String, number: Int, id: String?, caption: [Inline]?) -> String {
        var out = (id.map { "<a id=\"\(esc($0))\"></a>" } ?? "") + "**\(kind) \(number).**"
        if let c = caption { out += " " + inlines(c) }
        return out + "\n"
    }

    /// A table output as a GFM table.
    func table(_ t: ReportPlan.NumberedTable) -> String {
        guard !t.table.columns.isEmpty else { return "*(The table has no columns.)*\n" }
        return Self.table(
            header: t.table.columns.map { cellText(Self.escape($0)) },
            alignments: ReportText.alignments(t.table),
            rows: t.table.rows.map { $0.map { cellText(Self.escape($0)) } })
    }
}

/// A table as aligned plain text (the `text/plain` of a table output in ipynb).
func plainTextTable(_ t: Table) -> String {
    let aligns = ReportText.alignments(t)
    let widths = t.columns.indices.map { c in
        ([t.columns[c]] + t.rows.map { c < $0.count ? $0[c] : "" }).map(\.count).max() ?? 0
    }
    func row(_ cells: [String]) -> String {
        t.columns.indices.map { i -> String in
            let s = i < cells.count ? cells[i] : ""
            let pad = String(repeating: " ", count: max(0, widths[i] - s.count))
            return i < aligns.count && aligns[i] == .right ? pad + s : s + pad
        }.joined(separator: "  ").replacingOccurrences(
            of: "\\s+$", with: "", options: .regularExpression)
    }
    var lines = [
        row(t.columns), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "),
    ]
    lines += t.rows.map(row)
    return lines.joined(separator: "\n")
}
