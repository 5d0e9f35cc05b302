import Foundation
import NotebookModel
import Plots
import XMLEscaping

/// Renders an executed notebook as one self-contained HTML file: styles and script inline,
/// figures as inline SVG, images as data URIs, system fonts only. Opening it makes no
/// network request.
///
///     let html = try HTMLRenderer().render(executed)
///     try HTMLRenderer().write(executed, to: URL(fileURLWithPath: "Reports/fer2013.html"))
public struct HTMLRenderer: Sendable {
    var figures: FigureDrawing

    public init() { figures = .plots }

    init(figures: FigureDrawing) { self.figures = figures }

    /// The whole report as an HTML document.
    public func render(_ executed: ExecutedNotebook) throws -> String {
        let plan = ReportPlan(executed)
        var w = HTMLWriter(plan: plan, figures: figures)
        try w.document()
        return w.out
    }

    /// Renders and writes the report atomically to `url`.
    public func write(_ executed: ExecutedNotebook, to url: URL) throws {
        let html = try render(executed)
        try AtomicFile.write(Data(html.utf8), to: url)
    }
}

/// One pass over a plan, appending HTML to `out`.
struct HTMLWriter {
    let plan: ReportPlan
    let figures: FigureDrawing
    var out = ""
    private var figureSerial = 0
    /// Figures are laid out at the width of the text column (70ch of the body serif, in pt).
    static let figureWidth = 474.0

    init(plan: ReportPlan, figures: FigureDrawing) {
        self.plan = plan
        self.figures = figures
    }

    mutating func document() throws {
        let hasCode = plan.items.contains {
            if case .cell(let c) = $0 { c.cell.options.echo } else { false }
        }
        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"color-scheme\" content=\"light dark\">\n"
        out += "<title>\(esc(plan.title))</title>\n"
        if let a = plan.author { out += "<meta name=\"author\" content=\"\(esc(a))\">\n" }
        out +=
            "<meta name=\"generator\" content=\"Emotive \(esc(plan.provenance.emotiveVersion))\">\n"
        let hasContents = plan.headings.contains { $0.depth <= 3 }
        out +=
            "<style>\n\(HTMLStyle.css)</style>\n</head>\n<body\(hasContents ? " class=\"with-toc\"" : "")>\n"

        out += "<header class=\"title-block\">\n<h1 class=\"title\">\(esc(plan.title))</h1>\n"
        if plan.author != nil || plan.date != nil {
            out += "<p class=\"byline\">"
            if let a = plan.author { out += "<span class=\"author\">\(esc(a))</span>" }
            if plan.author != nil, plan.date != nil {
                out += "<span class=\"sep\" aria-hidden=\"true\"> · </span>"
            }
            if let d = plan.date { out += "<span class=\"date\">\(esc(d))</span>" }
            out += "</p>\n"
        }
        if hasCode {
            out +=
                "<p class=\"controls\"><button type=\"button\" id=\"toggle-code\" aria-pressed=\"false\">Show all code</button></p>\n"
        }
        out += "</header>\n"
        if let f = plan.failure {
            out += "<p class=\"run-stopped\" role=\"alert\">This report is partial: "
            out += "\(esc(ReportText.failureTitle(f))). The error is shown in place "
            out += "(<a href=\"#cell-\(f.cellIndex + 1)\">go to cell \(f.cellIndex + 1)</a>).</p>\n"
        }
        toc()
        out += "<main>\n"
        for item in plan.items {
            switch item {
            case .heading(let h):
                let level = min(h.depth + 1, 6)
                out += "<h\(level) id=\"\(esc(h.id))\"><span class=\"secnum\">\(h.number)</span> "
                out += "\(inlines(h.content))</h\(level)>\n"
            case .prose(let block):
                proseBlock(block)
            case .cell(let c):
                try cell(c)
            }
        }
        out += "</main>\n"
        bibliography()
        footer()
        // The script adds copy buttons, permalinks, figure zoom and the current section;
        // a page with none of those has no script.
        if hasCode || hasContents || out.contains("<pre")
            || out.contains("<figure class=\"figure\"")
        {
            out += "<script>\n\(HTMLStyle.script)</script>\n"
        }
        out += "</body>\n</html>\n"
    }

    private mutating func toc() {
        let entries = plan.headings.filter { $0.depth <= 3 }
        guard !entries.isEmpty else { return }
        out +=
            "<nav class=\"toc\" aria-labelledby=\"toc-title\">\n<h2 id=\"toc-title\">Contents</h2>\n"
        var depth = 0
        for h in entries {
            let target = min(h.depth, depth + 1)  // a skipped level nests one step only
            if target > depth {
                out += "\n<ol>"
                depth = target
            } else {
                out += "</li>"
                while depth > target { out += "</ol></li>"; depth -= 1 }
            }
            out += "\n<li><a href=\"#\(esc(h.id))\"><span class=\"secnum\">\(h.number)</span> "
            out += "\(esc(h.plainTitle))</a>"
        }
        out += "</li>"
        while depth > 1 { out += "</ol></li>"; depth -= 1 }
        out += "</ol>\n</nav>\n"
    }

    // MARK: - Prose

    mutating func proseBlock(_ block: ProseBlock) {
        switch block {
        case .heading(let level, let content):
            // Headings inside lists or quotes, or from cell Markdown: unnumbered.
            out += "<p class=\"minor-heading h\(level)\"><strong>\(inlines(content))</strong></p>\n"
        case .paragraph(let content):
            out += "<p>\(inlines(content))</p>\n"
        case .list(let ordered, let start, let items):
            let tag = ordered ? "ol" : "ul"
            out += ordered && start != 1 ? "<ol start=\"\(start)\">\n" : "<\(tag)>\n"
            for item in items {
                out += "<li>"
                if item.count == 1, case .paragraph(let content) = item[0] {
                    out += inlines(content)
                } else {
                    for b in item { proseBlock(b) }
                }
                out += "</li>\n"
            }
            out += "</\(tag)>\n"
        case .quote(let blocks):
            out += "<blockquote>\n"
            for b in blocks { proseBlock(b) }
            out += "</blockquote>\n"
        case .code(let language, let text):
            let isSwift = language?.lowercased() == "swift"
            // Commands and other non-Swift text wrap (a command is read whole); Swift scrolls.
            out +=
                "<pre class=\"code\(isSwift ? "" : " wrap")\"><code>\(isSwift ? highlighted(text) : esc(text))</code></pre>\n"
        case .table(let header, let given, let rows):
            guard !header.isEmpty else { return }
            let alignments = ReportText.alignments(header: header, alignments: given, rows: rows)
            out += "<div class=\"table-wrap\"><table class=\"prose-table\">\n<thead><tr>"
            for (i, h) in header.enumerated() {
                out += "<th\(align(alignments, i))>\(inlines(h))</th>"
            }
            out += "</tr></thead>\n<tbody>\n"
            let wide = Self.wideColumns(rows.map { $0.map { plainText($0) } })
            for row in rows {
                out += "<tr>"
                for (i, c) in row.enumerated() {
                    out += "<td\(align(alignments, i, wide: wide))>\(inlines(c))</td>"
                }
                out += "</tr>\n"
            }
            out += "</tbody>\n</table></div>\n"
        case .thematicBreak:
            out += "<hr>\n"
        case .displayMath(let source):
            out += MathML.element(source, display: true) + "\n"
        case .html(let raw):
            out += raw + "\n"
        case .callout(let c):
            out += "<div class=\"callout callout-\(c.kind.rawValue)\" role=\"note\">\n"
            out += "<p class=\"callout-title\">\(esc(c.heading))</p>\n"
            for b in c.blocks { proseBlock(b) }
            out += "</div>\n"
        case .conditional(let c):
            // ReportPlan has already kept or dropped these; this is a fallback.
            if c.isShown(plan.inlineValues) { for b in c.blocks { proseBlock(b) } }
        }
    }

    /// The References section: the cited entries in order of first citation.
    private mutating func bibliography() {
        guard !plan.bibliography.isEmpty else { return }
        out += "<section class=\"references\" id=\"references\">\n<h2>References</h2>\n<ol>\n"
        for (n, entry) in plan.bibliography.enumerated() {
            let line = ReportText.bibliographyLine(entry)
            out +=
                "<li id=\"\(esc(ReportText.referenceID(entry.id)))\"><span class=\"ref-number\">[\(n + 1)]</span> "
            if let a = line.authors { out += "\(esc(a)). " }
            out += "<em>\(esc(line.title))</em>."
            if let d = line.details { out += " \(esc(d))" }
            if let u = line.url { out += " <a href=\"\(esc(urlAttribute(u)))\">\(esc(u))</a>" }
            out += "</li>\n"
        }
        out += "</ol>\n</section>\n"
    }

    /// The class attribute of column `i`'s cells: its alignment, and `wide` for a column of
    /// long text, which keeps a minimum width (scrolling the table's box on a phone) rather
    /// than wrap a word per line.
    private func align(_ alignments: [ColumnAlignment], _ i: Int, wide: Set<Int> = []) -> String {
        var classes: [String] = []
        if i < alignments.count {
            switch alignments[i] {
            case .none: break
            case .left: classes.append("l")
            case .center: classes.append("c")
            case .right: classes.append("r")
            }
        }
        if wide.contains(i) { classes.append("wide") }
        return classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
    }

    /// Columns whose longest cell has more than 32 characters.
    static func wideColumns(_ rows: [[String]]) -> Set<Int> {
        var wide = Set<Int>()
        for row in rows { for (i, c) in row.enumerated() where c.count > 32 { wide.insert(i) } }
        return wide
    }

    func inlines(_ content: [Inline]) -> String {
        content.map(inline).joined()
    }

    func inline(_ i: Inline) -> String {
        switch i {
        case .text(let s): return esc(s)
        case .code(let s): return "<code>\(esc(s))</code>"
        case .emphasis(let c): return "<em>\(inlines(c))</em>"
        case .strong(let c): return "<strong>\(inlines(c))</strong>"
        case .strikethrough(let c): return "<del>\(inlines(c))</del>"
        case .link(let url, let c): return "<a href=\"\(esc(urlAttribute(url)))\">\(inlines(c))</a>"
        case .image(let url, let alt):
            if let data = ImageEmbedding.dataURI(url, notebookPath: plan.notebookPath) {
                return "<img src=\"\(data)\" alt=\"\(esc(alt))\">"
            }
            return
                "<span class=\"missing-image\" title=\"image not embedded: \(esc(url))\">[\(esc(alt))]</span>"
        case .softBreak: return "\n"
        case .lineBreak: return "<br>\n"
        case .crossReference(let label):
            if let ref = plan.references[label] {
                return "<a class=\"xref\" href=\"#\(esc(ref.id))\">\(ref.text)</a>"
            }
            return
                "<strong class=\"xref-missing\" title=\"no figure, table or section is labelled \(esc(label))\">?@\(esc(label))</strong>"
        case .inlineExpression(let index, let source):
            if let v = plan.inlineValues[index] {
                return "<span class=\"inline-value\" title=\"\(esc(source))\">\(esc(v))</span>"
            }
            return
                "<span class=\"inline-missing\" title=\"not evaluated: \(esc(source))\">??</span>"
        case .html(let raw): return raw
        case .citation(let items):
            let parts = plan.citationParts(items).map { part in
                part.key.map {
                    "<a href=\"#\(esc(ReportText.referenceID($0)))\">\(esc(part.text))</a>"
                } ?? esc(part.text)
            }
            return "<span class=\"citation\">[\(parts.joined(separator: ", "))]</span>"
        case .math(let source): return MathML.element(source, display: false)
        }
    }

    // MARK: - Cells

    mutating func cell(_ c: ReportPlan.CellPlan) throws {
        let n = c.cell.index + 1
        out += "<div class=\"cell\" id=\"cell-\(n)\">\n"
        if c.cell.options.echo {
            out +=
                "<details class=\"cell-code\"><summary>Code <span class=\"cell-meta\">cell \(n) · line \(c.cell.line)"
            if let s = c.seconds { out += " · \(esc(ReportText.seconds(s)))" }
            out +=
                "</span></summary>\n<pre class=\"code\"><code>\(highlighted(c.cell.source))</code></pre>\n</details>\n"
        }
        for output in c.outputs {
            if case .cellError(let message) = output {
                out +=
                    "<div class=\"error kept\" role=\"note\"><p class=\"error-title\">\(esc(ReportText.cellErrorTitle(c.cell.index)))</p>\n"
                out += "<pre>\(esc(ReportText.terminalText(message)))</pre></div>\n"
            } else {
                try self.output(output)
            }
        }
        if let f = c.failure {
            out +=
                "<div class=\"error\" role=\"alert\"><p class=\"error-title\">\(esc(ReportText.failureTitle(f)))</p>\n"
            out += "<pre>\(esc(ReportText.terminalText(f.message)))</pre></div>\n"
        } else if !c.reached, c.cell.options.eval {
            out += "<p class=\"not-run\">\(esc(ReportText.notRun(plan.failure)))</p>\n"
        }
        out += "</div>\n"
    }

    mutating func output(_ o: ReportPlan.Output) throws {
        switch o {
        case .text(let s):
            out += "<pre class=\"text-output\">\(esc(ReportText.terminalText(s)))</pre>\n"
        case .markdown(let blocks):
            out += "<div class=\"markdown-output\">\n"
            for b in blocks { proseBlock(b) }
            out += "</div>\n"
        case .expectation(let e):
            out +=
                "<p class=\"expectation \(e.passed ? "pass" : "fail")\"><span class=\"mark\" aria-hidden=\"true\">\(e.passed ? "✓" : "✗")</span> "
            out += "\(esc(ReportText.expectation(e)))</p>\n"
        case .metric(let name, let value):
            out +=
                "<p class=\"metric\"><span class=\"metric-name\">\(esc(name))</span> = <span class=\"metric-value\">\(ReportText.metric(value))</span></p>\n"
        case .table(let t):
            table(t)
        case .figure(let f):
            try figure(f)
        case .cellError:
            break  // drawn by cell(_:), which knows the cell's number
        }
    }

    mutating func table(_ t: ReportPlan.NumberedTable) {
        let aligns = ReportText.alignments(t.table)
        out +=
            "<figure class=\"table\" id=\"\(esc(t.id))\">\n<figcaption><span class=\"caption-label\">Table \(t.number).</span>"
        if let c = t.caption { out += " \(inlines(c))" }
        out += "</figcaption>\n"
        guard !t.table.columns.isEmpty else {
            out += "<p class=\"not-run\">(The table has no columns.)</p>\n</figure>\n"
            return
        }
        out += "<div class=\"table-wrap\"><table>\n<thead><tr>"
        for (i, h) in t.table.columns.enumerated() {
            out += "<th\(align(aligns, i))>\(esc(h))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        let wide = Self.wideColumns(t.table.rows)
        for row in t.table.rows {
            out += "<tr>"
            for i in 0..<max(row.count, t.table.columns.count) {
                out += "<td\(align(aligns, i, wide: wide))>\(esc(i < row.count ? row[i] : ""))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table></div>\n</figure>\n"
    }

    mutating func figure(_ f: ReportPlan.NumberedFigure) throws {
        figureSerial += 1
        let svg: String
        do {
            svg = try figures.svg(f.figure, "f\(figureSerial)-", HTMLWriter.figureWidth)
        } catch {
            throw RenderingError.figure(id: f.id, reason: "\(error)")
        }
        out +=
            "<figure class=\"figure\" id=\"\(esc(f.id))\">\n<div class=\"figure-body\"\(SVGInline.sizeStyle(svg))>"
        let title = f.caption.map { plainText($0) } ?? "Figure \(f.number)"
        out += SVGInline.prepare(svg, title: title)
        out += "</div>\n<figcaption><span class=\"caption-label\">Figure \(f.number).</span>"
        if let c = f.caption { out += " \(inlines(c))" }
        out += "</figcaption>\n</figure>\n"
    }

    // MARK: - Footer

    mutating func footer() {
        out += "<footer class=\"provenance\" id=\"provenance\">\n<h2>Provenance</h2>\n<dl>\n"
        for (k, v) in ReportText.provenanceRows(plan.provenance) {
            out += "<dt>\(esc(k))</dt><dd>\(esc(v))</dd>\n"
        }
        out += "</dl>\n"
        let timings = ReportText.timingRows(plan)
        if !timings.isEmpty {
            out += "<details class=\"timings\"><summary>Cell timings</summary>\n<table>\n"
            out +=
                "<thead><tr><th class=\"r\">Cell</th><th class=\"r\">Line</th><th class=\"r\">Time</th></tr></thead>\n<tbody>\n"
            for t in timings {
                out +=
                    "<tr><td class=\"r\"><a href=\"#cell-\(t.cell)\">\(t.cell)</a></td><td class=\"r\">\(t.line)</td><td class=\"r\">\(esc(t.time))</td></tr>\n"
            }
            out += "</tbody>\n</table>\n</details>\n"
        }
        out += "</footer>\n"
    }

    func highlighted(_ source: String) -> String {
        SwiftHighlighter.tokens(source).map { t in
            t.kind == .plain
                ? esc(t.text) : "<span class=\"tok-\(t.kind.rawValue)\">\(esc(t.text))</span>"
        }.joined()
    }
}

/// Text for HTML content and quoted attribute values: the one escaper, Plots' `escapeXML`
/// (its doc comment states the rule), under the short name this file's templates use.
func esc(_ s: String) -> String { escapeXML(s) }

/// Percent-encodes what may not appear in a URL (spaces, `<`, `>`, quotes, non-ASCII),
/// leaving valid URLs untouched, so `href` values pass the HTML checker.
func urlAttribute(_ url: String) -> String {
    let allowed = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%".utf8
    )
    var out = ""
    for byte in url.utf8 {
        if allowed.contains(byte) {
            out.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            out += String(format: "%%%02X", byte)
        }
    }
    return out
}

/// Makes a standalone SVG document fit to inline in HTML: drops an XML prolog and doctype,
/// marks it as an image and gives it a title if it has none. (Ids are already unique: the
/// figure's SVG is written with a per-figure id prefix.)
enum SVGInline {
    /// The smallest text a figure may show, in CSS px: narrower than its natural width, a
    /// figure scrolls in its box rather than shrink its text below this.
    static let minimumTextPixels = 9.0

    /// The figure box's `style` attribute: `--fig-min`, the width (CSS px) at which the
    /// smallest `font-size` in `svg` shows at `minimumTextPixels`, and `--fig-ratio`,
    /// height over width. Empty when the SVG has no view box.
    ///
    ///     viewBox="0 0 474 322" with font-size="7" → style="--fig-min: 610px; --fig-ratio: 0.6793"
    static func sizeStyle(_ svg: String) -> String {
        guard
            let box = svg.firstMatch(
                of: #/viewBox="\s*[-0-9.]+[\s,]+[-0-9.]+[\s,]+([0-9.]+)[\s,]+([0-9.]+)\s*"/#),
            let w = Double(box.1), let h = Double(box.2), w > 0, h > 0
        else { return "" }
        var parts: [String] = []
        let sizes = svg.matches(of: #/font-size(?:="|:\s*)([0-9.]+)/#).compactMap { Double($0.1) }
            .filter { $0 > 0 }
        if let smallest = sizes.min() {
            parts.append("--fig-min: \(Int((minimumTextPixels * w / smallest).rounded(.up)))px")
        }
        parts.append(String(format: "--fig-ratio: %.4f", h / w))
        return " style=\"\(parts.joined(separator: "; "))\""
    }

    static func prepare(_ svg: String, title: String) -> String {
        var s = svg
        while let start = s.range(of: "<?"),
            let end = s.range(of: "?>", range: start.upperBound..<s.endIndex)
        {
            s.removeSubrange(start.lowerBound..<end.upperBound)
        }
        if let start = s.range(of: "<!DOCTYPE"),
            let end = s.range(of: ">", range: start.upperBound..<s.endIndex)
        {
            s.removeSubrange(start.lowerBound..<end.upperBound)
        }
        if let open = s.range(of: "<svg"),
            let close = s.range(of: ">", range: open.upperBound..<s.endIndex)
        {
            if !s.contains("<title") {
                s.insert(contentsOf: "<title>\(esc(title))</title>", at: close.upperBound)
            }
            if !s[open.upperBound..<close.lowerBound].contains("role=") {
                s.insert(contentsOf: " role=\"img\"", at: open.upperBound)
            }
        }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Local images referenced by the prose, read and embedded as data URIs.
enum ImageEmbedding {
    static func dataURI(_ url: String, notebookPath: String) -> String? {
        guard let file = localFile(url, notebookPath: notebookPath),
            let data = try? Data(contentsOf: file)
        else { return nil }
        return "data:\(mimeType(file.pathExtension));base64,\(data.base64EncodedString())"
    }

    static func localFile(_ url: String, notebookPath: String) -> URL? {
        if url.contains("://") || url.hasPrefix("data:") { return nil }
        let base = URL(fileURLWithPath: notebookPath).deletingLastPathComponent()
        let file = url.hasPrefix("/") ? URL(fileURLWithPath: url) : base.appendingPathComponent(url)
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }

    static func mimeType(_ ext: String) -> String {
        switch ext.lowercased() {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "svg": "image/svg+xml"
        case "webp": "image/webp"
        default: "application/octet-stream"
        }
    }
}
