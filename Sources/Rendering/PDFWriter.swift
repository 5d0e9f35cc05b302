import Foundation
import NotebookModel
import _CCairo

/// Lays out a report plan on a `PDFCanvas`, block by block, in reading order.
struct PDFWriter {
    let plan: ReportPlan
    let canvas: PDFCanvas
    let figures: FigureDrawing
    /// The page of each heading and section, from a first layout pass (nil in that pass).
    var pageNumbers: [String: Int]?
    /// Outline ids of the latest heading at each depth, for nesting bookmarks.
    private var outlineParents: [Int32] = []

    init(
        plan: ReportPlan, canvas: PDFCanvas, figures: FigureDrawing,
        pageNumbers: [String: Int]? = nil
    ) {
        self.plan = plan
        self.canvas = canvas
        self.figures = figures
        self.pageNumbers = pageNumbers
    }

    var left: Double { canvas.marginLeft }
    /// Wrapped lines of code and terminal text are indented by this much (Pango units),
    /// so a reader can tell a wrapped line from a new one.
    static let hangingIndent = Int32(18 * 1024)
    var width: Double { canvas.textWidth }

    mutating func document() throws {
        canvas.runningTitle = ReportText.shortTitle(plan.title)
        titleBlock()
        contents()
        if let f = plan.failure {
            var m = PangoMarkup()
            m.span("weight=\"bold\"") { $0.text("This report is partial. ") }
            m.text("\(ReportText.failureTitle(f)); the error is shown in place.")
            boxed(m, font: PDFStyle.table, color: PDFStyle.fail, tint: PDFStyle.errorTint)
        }
        for (i, item) in plan.items.enumerated() {
            switch item {
            case .heading(let h):
                heading(h, keepWith: i + 1 < plan.items.count ? leadHeight(plan.items[i + 1]) : 0)
            case .prose(let block): prose(block, indent: 0)
            case .cell(let c): try cell(c)
            }
        }
        canvas.flushFloats()
        bibliography()
        provenance()
        if let error = canvas.deferredError { throw error }
    }

    // MARK: - Title and headings

    private func titleBlock() {
        let title = canvas.makeLayout(
            font: PDFStyle.title, markup: escapeMarkup(plan.title),
            width: width, lineSpacing: 1.1, align: PANGO_ALIGN_CENTER)
        defer { g_object_unref(UnsafeMutableRawPointer(title)) }
        canvas.y = canvas.top + 6
        canvas.structure("P") { canvas.draw(title, x: left, y: canvas.y) }
        canvas.y += canvas.layoutSize(title).height + 10
        let parts = [plan.author, plan.date].compactMap { $0 }
        if !parts.isEmpty {
            let byline = canvas.makeLayout(
                font: PDFStyle.byline,
                markup:
                    "<span foreground=\"\(PDFStyle.mutedColor)\">\(parts.map(escapeMarkup).joined(separator: "  ·  "))</span>",
                width: width, align: PANGO_ALIGN_CENTER)
            defer { g_object_unref(UnsafeMutableRawPointer(byline)) }
            canvas.structure("P") { canvas.draw(byline, x: left, y: canvas.y) }
            canvas.y += canvas.layoutSize(byline).height + 12
        }
        canvas.hLine(left + width * 0.38, left + width * 0.62, canvas.y, width: 0.6, PDFStyle.rule)
        canvas.y += 22
    }

    /// How much of `item` must fit below a heading for the heading to stay on the page:
    /// a few lines, or the whole figure when a cell without code opens with one.
    /// A cell whose code is shown brings what `keepWithFirstOutput` keeps together, so a
    /// heading does not stay behind alone when the code moves on to the next page.
    private func leadHeight(_ item: ReportPlan.Item) -> Double {
        guard case .cell(let c) = item else { return 46 }
        if c.cell.options.echo {
            let together = codeWithFirstOutputHeight(c)
            return together <= canvas.bottom - canvas.top - 60 ? together : 46
        }
        guard case .figure(let f)? = c.outputs.first else { return 46 }
        return min(figureSize(f).height + 40, (canvas.bottom - canvas.top) * 0.8)
    }

    private mutating func heading(_ h: ReportPlan.Heading, keepWith: Double) {
        let depth = min(h.depth, 3)
        if depth == 1 { canvas.flushFloats() }  // a section's figures stay in it
        // none at a page's top
        if canvas.y > canvas.top + 0.5 { canvas.y += [20, 13, 10][depth - 1] }
        var m = PangoMarkup()
        m.span("foreground=\"\(PDFStyle.mutedColor)\"") { $0.text(h.number) }
        m.text("\u{2003}")
        m.inlines(h.content, plan: plan)
        let layout = canvas.makeLayout(
            font: PDFStyle.headings[depth - 1], markup: m.markup, width: width)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let height = canvas.layoutSize(layout).height
        canvas.ensure(height + max(46, keepWith))  // keep with what follows
        if canvas.y <= canvas.top + 0.5 { canvas.y = canvas.top }
        while outlineParents.count >= depth { outlineParents.removeLast() }
        let parent = outlineParents.last ?? Int32(CAIRO_PDF_OUTLINE_ROOT)
        if depth == 1 { canvas.openSection("\(h.number)  \(h.plainTitle)") }
        let id = canvas.outline("\(h.number) \(h.plainTitle)", parent: parent, y: canvas.y)
        outlineParents.append(id)
        canvas.structure("H\(depth)") {
            canvas.flow(layout, x: left, links: m.links, keep: 1, anchor: h.id)
        }
        canvas.y += depth == 1 ? 7 : 5
    }

    // MARK: - Prose

    func paragraph(
        _ m: PangoMarkup, font: String = PDFStyle.body, indent: Double = 0,
        spaceAfter: Double = 6.5, justify: Bool = true, rule: Bool = false,
        centred: Bool = false
    ) {
        let layout = canvas.makeLayout(
            font: font, markup: m.markup, width: width - indent,
            lineSpacing: 1.18, align: centred ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        if justify { pango_layout_set_justify(layout, 1) }
        let x = left + indent
        canvas.structure("P") {
            canvas.flow(
                layout, x: x, links: m.links,
                background: rule
                    ? { _, y, h in
                        canvas.fillRect(x - 11, y + 1, 1.8, h - 2, PDFStyle.rule)
                    } : nil)
        }
        canvas.y += spaceAfter
    }

    mutating func prose(_ block: ProseBlock, indent: Double, compact: Bool = false) {
        let after = compact ? 2.5 : 6.5
        switch block {
        case .heading(_, let content):
            var m = PangoMarkup()
            m.open("<b>"); m.inlines(content, plan: plan); m.close("</b>")
            canvas.ensure(40)
            paragraph(m, indent: indent, spaceAfter: 3, justify: false)
        case .paragraph(let content):
            if content.count == 1, case .image(let url, _) = content[0], image(url, indent: indent)
            {
                break
            }
            var m = PangoMarkup()
            m.inlines(content, plan: plan)
            paragraph(m, indent: indent, spaceAfter: after, justify: indent == 0)
        case .list(let ordered, let start, let items):
            canvas.structure("L") {
                for (k, item) in items.enumerated() {
                    let marker = ordered ? "\(start + k)." : "•"
                    let markerLayout = canvas.makeLayout(
                        font: PDFStyle.body, markup: escapeMarkup(marker),
                        width: 16, align: PANGO_ALIGN_RIGHT)
                    defer { g_object_unref(UnsafeMutableRawPointer(markerLayout)) }
                    canvas.ensure(30)
                    canvas.structure("LI") {
                        canvas.structure("Lbl") {
                            canvas.draw(markerLayout, x: left + indent - 2, y: canvas.y)
                        }
                        canvas.structure("LBody") {
                            for b in item { prose(b, indent: indent + 20, compact: true) }
                        }
                    }
                }
            }
            canvas.y += compact ? 0 : 4
        case .quote(let blocks):
            canvas.structure("BlockQuote") {
                for b in blocks {
                    if case .paragraph(let content) = b {
                        var m = PangoMarkup()
                        m.span("foreground=\"\(PDFStyle.mutedColor)\" style=\"italic\"") {
                            $0.inlines(content, plan: plan)
                        }
                        paragraph(
                            m, indent: indent + 16, spaceAfter: compact ? 2.5 : 6.5, justify: false,
                            rule: true)
                    } else {
                        prose(b, indent: indent + 16, compact: compact)
                    }
                }
            }
        case .code(let language, let text):
            codeBlock(text, swift: language?.lowercased() == "swift", indent: indent)
        case .table(let header, let alignments, let rows):
            let h = header.map { cell -> PangoMarkup in
                var m = PangoMarkup(); m.inlines(cell, plan: plan); return m
            }
            let r = rows.map { row in
                row.map { cell -> PangoMarkup in
                    var m = PangoMarkup(); m.inlines(cell, plan: plan); return m
                }
            }
            let aligns = ReportText.alignments(header: header, alignments: alignments, rows: rows)
            table(header: h, rows: r, alignments: aligns, caption: nil, id: nil, continuedLabel: "")
        case .displayMath(let source):
            var m = PangoMarkup()
            m.math(source)
            canvas.y += 2
            paragraph(m, indent: indent, spaceAfter: after + 2, justify: false, centred: true)
        case .thematicBreak:
            canvas.y += 6
            canvas.hLine(
                left + width * 0.4, left + width * 0.6, canvas.y, width: 0.6, PDFStyle.rule)
            canvas.y += 12
        case .html:
            break  // raw HTML has no PDF form
        case .callout(let c):
            callout(c, indent: indent)
        case .conditional(let c):
            // ReportPlan has already kept or dropped these; this is a fallback.
            if c.isShown(plan.inlineValues) {
                for b in c.blocks { prose(b, indent: indent, compact: compact) }
            }
        }
    }

    /// A paragraph that is one local PNG image (`![alt](faces.png)`): drawn centred at
    /// most text-wide, 1 px = 0.75 pt. False when the image cannot be read (the alt text
    /// is shown instead); other formats are not decoded here.
    private func image(_ url: String, indent: Double) -> Bool {
        guard let file = ImageEmbedding.localFile(url, notebookPath: plan.notebookPath),
            file.pathExtension.lowercased() == "png"
        else { return false }
        let surface = cairo_image_surface_create_from_png(file.path)
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { return false }
        let pw = Double(cairo_image_surface_get_width(surface))
        let ph = Double(cairo_image_surface_get_height(surface))
        guard pw > 0, ph > 0 else { return false }
        var scale = min(0.75, (width - indent) / pw)
        scale = min(scale, (canvas.bottom - canvas.top) * 0.6 / ph)
        let (w, h) = (pw * scale, ph * scale)
        canvas.ensure(h + 4)
        let x = left + indent + (width - indent - w) / 2
        canvas.structure("Figure") {
            cairo_save(canvas.cr)
            cairo_translate(canvas.cr, x, canvas.y)
            cairo_scale(canvas.cr, scale, scale)
            cairo_set_source_surface(canvas.cr, surface, 0, 0)
            cairo_paint(canvas.cr)
            cairo_restore(canvas.cr)
        }
        canvas.y += h + 10
        return true
    }

    // MARK: - Code, text, errors

    /// A code block: Swift highlighted, long lines wrapped at token boundaries
    /// (`CodeWrapping`), never one or two lines alone at a page's foot or head.
    private func codeBlock(_ source: String, swift: Bool, indent: Double = 0) {
        let inset = 9.0
        let layout = codeLayout(source, swift: swift, width: width - indent - 2 * inset)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        canvas.y += 2
        let x = left + indent
        let w = width - indent
        canvas.structure("Code") {
            canvas.flow(layout, x: x + inset, padTop: 5, padBottom: 5, keep: 3) { _, y, h in
                canvas.fillRect(x, y, w, h, PDFStyle.tint)
                canvas.fillRect(x, y, 1.6, h, PDFStyle.codeRule)
            }
        }
        canvas.y += 8
    }

    /// Monospaced text laid out `width` points wide, wrapped by `CodeWrapping` (Pango's own
    /// wrapping is only a fallback for glyphs wider than a column).
    func codeLayout(_ text: String, swift: Bool, width: Double) -> OpaquePointer {
        var m = PangoMarkup()
        let columns = canvas.monospacedColumns(font: PDFStyle.code, width: width)
        if swift { m.swift(text, columns: columns) } else { m.monospaced(text, columns: columns) }
        return canvas.makeLayout(
            font: PDFStyle.code, markup: m.markup, width: width, lineSpacing: 1.12)
    }

    /// Height of a code block or log of `text` (for keeping a cell with its output).
    func codeHeight(_ text: String, swift: Bool, lines limit: Int = .max) -> Double {
        let layout = codeLayout(text, swift: swift, width: width - 18)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let lines = canvas.lines(layout)
        guard let last = lines.prefix(limit).last else { return 0 }
        return last.bottom + 10
    }

    private func textOutput(_ text: String) {
        let inset = 9.0
        let layout = codeLayout(
            ReportText.terminalText(text), swift: false, width: width - 2 * inset)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        canvas.structure("Code") {
            canvas.flow(layout, x: left + inset, padTop: 2, padBottom: 2, keep: 3) { _, y, h in
                canvas.fillRect(left, y, 1.6, h, PDFStyle.rule)
            }
        }
        canvas.y += 8
    }

    /// A tinted box with a coloured rule (errors, the partial-report banner).
    private func boxed(_ m: PangoMarkup, font: String, color: PDFStyle.RGB, tint: PDFStyle.RGB) {
        let inset = 9.0
        let layout = canvas.makeLayout(
            font: font, markup: m.markup, width: width - 2 * inset,
            lineSpacing: 1.1)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        pango_layout_set_indent(layout, -Self.hangingIndent)
        canvas.structure("P") {
            canvas.flow(layout, x: left + inset, padTop: 6, padBottom: 6, keep: 2) { _, y, h in
                canvas.fillRect(left, y, width, h, tint)
                canvas.fillRect(left, y, 2.5, h, color)
            }
        }
        canvas.y += 9
    }

    // MARK: - Cells

    private mutating func cell(_ c: ReportPlan.CellPlan) throws {
        if c.cell.options.echo {
            keepWithFirstOutput(c)
            codeBlock(c.cell.source, swift: true)
        }
        for output in c.outputs {
            switch output {
            case .text(let s): textOutput(s)
            case .markdown(let blocks):
                for b in blocks { prose(b, indent: 0) }
            case .expectation(let e):
                var m = PangoMarkup()
                m.span(
                    "foreground=\"\(e.passed ? PDFStyle.passColor : PDFStyle.failColor)\"\(e.passed ? "" : " weight=\"bold\"")"
                ) {
                    $0.text((e.passed ? "✓ " : "✗ ") + ReportText.expectation(e))
                }
                paragraph(m, font: PDFStyle.table, spaceAfter: 4, justify: false)
            case .metric(let name, let value):
                var m = PangoMarkup()
                m.span("foreground=\"\(PDFStyle.mutedColor)\"") {
                    $0.span("font_family=\"\(PDFStyle.monoFamily)\" size=\"smaller\"") {
                        $0.text(name)
                    }
                    $0.text(" = ")
                }
                m.text(ReportText.metric(value))
                paragraph(m, font: PDFStyle.table, spaceAfter: 4, justify: false)
            case .table(let t):
                let aligns = ReportText.alignments(t.table)
                let header = t.table.columns.map { h -> PangoMarkup in
                    var m = PangoMarkup(); m.text(h); return m
                }
                let rows = t.table.rows.map { row in
                    (0..<t.table.columns.count).map { i -> PangoMarkup in
                        var m = PangoMarkup(); m.text(i < row.count ? row[i] : ""); return m
                    }
                }
                table(
                    header: header, rows: rows, alignments: aligns,
                    caption: captionMarkup("Table", t.number, t.caption), id: t.id,
                    continuedLabel: "Table \(t.number) (continued)")
            case .figure(let f):
                figure(f)
            case .cellError(let message):
                var m = PangoMarkup()
                m.span(
                    "font_family=\"\(PDFStyle.sansFamily)\" weight=\"bold\" size=\"larger\" foreground=\"#8a5216\""
                ) {
                    $0.text(ReportText.cellErrorTitle(c.cell.index))
                }
                m.text("\n")
                m.text(ReportText.terminalText(message))
                boxed(
                    m, font: PDFStyle.code, color: PDFStyle.RGB(0.72, 0.45, 0.16),
                    tint: PDFStyle.RGB(0.988, 0.965, 0.925))
            }
        }
        if let f = c.failure {
            var m = PangoMarkup()
            m.span(
                "font_family=\"\(PDFStyle.sansFamily)\" weight=\"bold\" size=\"larger\" foreground=\"\(PDFStyle.failColor)\""
            ) {
                $0.text(ReportText.failureTitle(f))
            }
            m.text("\n")
            m.span("foreground=\"#5a1a14\"") { $0.text(ReportText.terminalText(f.message)) }
            boxed(m, font: PDFStyle.code, color: PDFStyle.fail, tint: PDFStyle.errorTint)
        } else if !c.reached, c.cell.options.eval {
            var m = PangoMarkup()
            m.span("foreground=\"\(PDFStyle.mutedColor)\" style=\"italic\"") {
                $0.text(ReportText.notRun(plan.failure))
            }
            paragraph(m, font: PDFStyle.table, spaceAfter: 6, justify: false)
        }
    }

    /// Starts a new page before a cell's code when the code and the start of its first
    /// output (three lines of a log, a table's caption, header and first rows, a figure at
    /// the 70% it may shrink to) fit on one page but not on what is left of this one.
    private func keepWithFirstOutput(_ c: ReportPlan.CellPlan) {
        guard !c.outputs.isEmpty, canvas.y > canvas.top + 0.5 else { return }
        let need = codeWithFirstOutputHeight(c)
        if need > canvas.remaining, need <= canvas.bottom - canvas.top { canvas.newPage() }
    }

    /// The height of a cell's code and the start of its first output (or of the code's
    /// first three lines when it shows nothing).
    private func codeWithFirstOutputHeight(_ c: ReportPlan.CellPlan) -> Double {
        guard let first = c.outputs.first else {
            return codeHeight(c.cell.source, swift: true, lines: 3)
        }
        let lead: Double
        switch first {
        case .text(let s): lead = codeHeight(ReportText.terminalText(s), swift: false, lines: 3)
        case .figure(let f): lead = 0.7 * figureSize(f).height + 40
        case .table: lead = 90
        default: lead = 30
        }
        return codeHeight(c.cell.source, swift: true) + 2 + lead
    }

    func captionMarkup(_ kind: String, _ number: Int, _ caption: [Inline]?) -> PangoMarkup {
        var m = PangoMarkup()
        m.span("font_family=\"\(PDFStyle.sansFamily)\" weight=\"bold\" size=\"smaller\"") {
            $0.text("\(kind) \(number).")
        }
        if let caption {
            m.text(" ")
            m.inlines(caption, plan: plan)
        }
        return m
    }

    // MARK: - Provenance

    private mutating func provenance() {
        canvas.y += 18
        canvas.ensure(180)  // the footer reads as one block
        canvas.hLine(left, left + width, canvas.y, width: 0.5, PDFStyle.rule)
        canvas.y += 10
        let title = canvas.makeLayout(
            font: "\(PDFStyle.sansFamily) Bold 8.5",
            markup: "PROVENANCE", width: width)
        defer { g_object_unref(UnsafeMutableRawPointer(title)) }
        _ = canvas.outline("Provenance", parent: Int32(CAIRO_PDF_OUTLINE_ROOT), y: canvas.y)
        let y = canvas.y
        canvas.destination("provenance", x: left, y: y)
        canvas.structure("H1") { canvas.draw(title, x: left, y: y) }
        canvas.y += canvas.layoutSize(title).height + 6
        let keyWidth = 78.0
        for (k, v) in ReportText.provenanceRows(plan.provenance) {
            let key = canvas.makeLayout(
                font: PDFStyle.small,
                markup: "<b>\(escapeMarkup(k))</b>", width: keyWidth)
            let value = canvas.makeLayout(
                font: PDFStyle.small,
                markup: "<span foreground=\"\(PDFStyle.mutedColor)\">\(escapeMarkup(v))</span>",
                width: width - keyWidth)
            let h = max(canvas.layoutSize(key).height, canvas.layoutSize(value).height)
            canvas.ensure(h)
            canvas.structure("P") {
                canvas.draw(key, x: left, y: canvas.y)
                canvas.draw(value, x: left + keyWidth, y: canvas.y)
            }
            canvas.y += h + 1.5
            g_object_unref(UnsafeMutableRawPointer(key))
            g_object_unref(UnsafeMutableRawPointer(value))
        }
        let timings = ReportText.timingRows(plan)
        if !timings.isEmpty {
            var m = PangoMarkup()
            m.span("weight=\"bold\"") { $0.text("Cell timings  ") }
            m.span("foreground=\"\(PDFStyle.mutedColor)\"") {
                $0.text(
                    timings.map { "cell \($0.cell) (line \($0.line)): \($0.time)" }.joined(
                        separator: " · "))
            }
            canvas.y += 3
            paragraph(m, font: PDFStyle.small, spaceAfter: 0, justify: false)
        }
    }
}
