import NotebookModel
import _CCairo

/// Callouts and the References section in the PDF.
extension PDFWriter {
    /// A callout's colours: the rule and label, and the box's tint (light, so it prints).
    static func calloutColors(_ kind: Callout.Kind) -> (
        accent: PDFStyle.RGB, markup: String, tint: PDFStyle.RGB
    ) {
        switch kind {
        case .note: (PDFStyle.RGB(0.11, 0.35, 0.55), "#1d5a8c", PDFStyle.RGB(0.945, 0.965, 0.984))
        case .tip: (PDFStyle.RGB(0.18, 0.42, 0.23), "#2e6b3a", PDFStyle.RGB(0.945, 0.973, 0.949))
        case .warning:
            (PDFStyle.RGB(0.54, 0.35, 0.02), "#8a5a06", PDFStyle.RGB(0.992, 0.969, 0.918))
        case .important:
            (PDFStyle.RGB(0.63, 0.165, 0.12), "#a12a1f", PDFStyle.RGB(0.988, 0.945, 0.937))
        case .caution:
            (PDFStyle.RGB(0.63, 0.29, 0.06), "#a14a10", PDFStyle.RGB(0.992, 0.953, 0.925))
        }
    }

    /// A tinted box with a coloured rule, headed by the callout's label. Paragraphs,
    /// headings, lists and quotes are set inside the box; code blocks, tables and nested
    /// callouts break it and follow, indented, before the box resumes.
    mutating func callout(_ c: Callout, indent: Double) {
        let colors = Self.calloutColors(c.kind)
        var m = PangoMarkup()
        m.span(
            "font_family=\"\(PDFStyle.sansFamily)\" weight=\"bold\" size=\"smaller\" foreground=\"\(colors.markup)\""
        ) {
            $0.text(c.heading)
        }
        var hasText = true
        func gap(_ m: inout PangoMarkup) {
            m.text("\n")
            m.span("size=\"4096\"") { $0.text("\n") }
        }
        for block in c.blocks {
            if Self.isBoxText(block) {
                gap(&m)
                boxText(block, into: &m, depth: 0)
                hasText = true
            } else {
                if hasText { calloutBox(m, colors: colors, indent: indent) }
                m = PangoMarkup()
                hasText = false
                prose(block, indent: indent + 12)
            }
        }
        if hasText { calloutBox(m, colors: colors, indent: indent) }
    }

    private static func isBoxText(_ block: ProseBlock) -> Bool {
        switch block {
        case .paragraph, .heading: true
        case .quote(let blocks): blocks.allSatisfy(isBoxText)
        case .list(_, _, let items): items.joined().allSatisfy(isBoxText)
        default: false
        }
    }

    private func boxText(_ block: ProseBlock, into m: inout PangoMarkup, depth: Int) {
        switch block {
        case .paragraph(let content):
            m.inlines(content, plan: plan)
        case .heading(_, let content):
            m.open("<b>"); m.inlines(content, plan: plan); m.close("</b>")
        case .quote(let blocks):
            m.open("<i>")
            for (k, b) in blocks.enumerated() {
                if k > 0 { m.text("\n") }
                boxText(b, into: &m, depth: depth)
            }
            m.close("</i>")
        case .list(let ordered, let start, let items):
            for (k, item) in items.enumerated() {
                if k > 0 { m.text("\n") }
                m.text(
                    String(repeating: "\u{2003}", count: depth)
                        + (ordered ? "\(start + k). " : "• "))
                for (j, b) in item.enumerated() {
                    if j > 0 { m.text("\n") }
                    boxText(b, into: &m, depth: depth + 1)
                }
            }
        default:
            break
        }
    }

    private func calloutBox(
        _ m: PangoMarkup, colors: (accent: PDFStyle.RGB, markup: String, tint: PDFStyle.RGB),
        indent: Double
    ) {
        let inset = 10.0
        let x = left + indent
        let w = width - indent
        let layout = canvas.makeLayout(
            font: PDFStyle.body, markup: m.markup, width: w - 2 * inset,
            lineSpacing: 1.15)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        canvas.y += 2
        canvas.structure("Note") {
            canvas.flow(layout, x: x + inset, padTop: 7, padBottom: 7, links: m.links, keep: 2) {
                _, y, h in
                canvas.fillRect(x, y, w, h, colors.tint)
                canvas.fillRect(x, y, 2.5, h, colors.accent)
            }
        }
        canvas.y += 9
    }

    // MARK: - References

    /// "References": the cited entries, numbered in order of first citation, each a
    /// named destination that citations link to.
    mutating func bibliography() {
        guard !plan.bibliography.isEmpty else { return }
        canvas.y += 20
        let title = canvas.makeLayout(
            font: PDFStyle.headings[0], markup: "References", width: width)
        defer { g_object_unref(UnsafeMutableRawPointer(title)) }
        let height = canvas.layoutSize(title).height
        canvas.ensure(height + 46)
        canvas.openSection("References")
        _ = canvas.outline("References", parent: Int32(CAIRO_PDF_OUTLINE_ROOT), y: canvas.y)
        let y = canvas.y
        canvas.destination("references", x: left, y: y)
        canvas.structure("H1") { canvas.draw(title, x: left, y: y) }
        canvas.y += height + 7
        for (n, entry) in plan.bibliography.enumerated() {
            let line = ReportText.bibliographyLine(entry)
            var m = PangoMarkup()
            m.text("[\(n + 1)]\u{2002}")
            if let a = line.authors { m.text("\(a). ") }
            m.open("<i>"); m.text(line.title); m.close("</i>")
            m.text(".")
            if let d = line.details { m.text(" \(d)") }
            if let u = line.url {
                m.text(" ")
                m.link(.uri(u)) { $0.text(u) }
            }
            let layout = canvas.makeLayout(
                font: PDFStyle.body, markup: m.markup, width: width, lineSpacing: 1.15)
            defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
            pango_layout_set_indent(layout, -Int32(22 * 1024))
            canvas.structure("BibEntry") {
                canvas.flow(
                    layout, x: left, links: m.links, anchor: ReportText.referenceID(entry.id))
            }
            canvas.y += 4
        }
    }
}
