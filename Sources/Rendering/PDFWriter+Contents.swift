import _CCairo

/// The contents page: after the title, the numbered sections (three levels, as the HTML's
/// contents), References and Provenance, each with its page number and a link to it.
///
/// Page numbers are only known once the report is laid out, so `PDFRenderer` lays it out
/// twice: the first pass, with `pageNumbers` nil, sets the same lines with placeholders
/// (numbers are right-aligned in a column of their own, so nothing else moves) and its
/// canvas records the page of every named destination; the second pass prints them.
extension PDFWriter {
    struct ContentsEntry {
        var depth: Int
        var number: String
        var title: String
        var id: String
    }

    static func contentsEntries(_ plan: ReportPlan) -> [ContentsEntry] {
        var entries = plan.headings.filter { $0.depth <= 3 }
            .map {
                ContentsEntry(depth: $0.depth, number: $0.number, title: $0.plainTitle, id: $0.id)
            }
        guard entries.count >= 2 else { return [] }  // a report of one section needs no contents
        if !plan.bibliography.isEmpty {
            entries.append(
                ContentsEntry(depth: 1, number: "", title: "References", id: "references"))
        }
        entries.append(ContentsEntry(depth: 1, number: "", title: "Provenance", id: "provenance"))
        return entries
    }

    /// Draws the contents below the title and starts the report's text on a new page.
    func contents() {
        let entries = Self.contentsEntries(plan)
        guard !entries.isEmpty else { return }
        let title = canvas.makeLayout(font: PDFStyle.headings[0], markup: "Contents", width: width)
        defer { g_object_unref(UnsafeMutableRawPointer(title)) }
        _ = canvas.outline("Contents", parent: Int32(CAIRO_PDF_OUTLINE_ROOT), y: canvas.y)
        canvas.destination("contents", x: left, y: canvas.y)
        canvas.structure("H1") { canvas.draw(title, x: left, y: canvas.y) }
        canvas.y += canvas.layoutSize(title).height + 10
        let numberColumn = 30.0
        canvas.structure("TOC") {
            for entry in entries {
                canvas.structure("TOCI") { contentsLine(entry, numberColumn: numberColumn) }
            }
        }
        canvas.newPage()
    }

    /// One entry: section number and title (wrapping under the title), a dotted leader,
    /// the page number; all of it one link to the section.
    private func contentsLine(_ entry: ContentsEntry, numberColumn: Double) {
        let indent = [0.0, 16, 32][entry.depth - 1]
        let numberWidth = [22.0, 28, 34][entry.depth - 1]
        let font = entry.depth == 1 ? "\(PDFStyle.serifFamily) Bold 10.5" : PDFStyle.body
        let target = PangoMarkup.Target.internalDest(entry.id)
        var m = PangoMarkup()
        if !entry.number.isEmpty {
            m.span("foreground=\"\(PDFStyle.mutedColor)\"") { $0.text(entry.number) }
            m.text("\t")
        }
        m.text(entry.title)
        let textWidth = width - indent - numberColumn - 12
        let layout = canvas.makeLayout(
            font: font, markup: m.markup, width: textWidth, lineSpacing: 1.1)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        // The title starts at a tab stop, and wrapped lines hang under it.
        let tabs = pango_tab_array_new(1, 1)
        pango_tab_array_set_tab(tabs, 0, PANGO_TAB_LEFT, Int32(numberWidth))
        pango_layout_set_tabs(layout, tabs)
        pango_tab_array_free(tabs)
        if !entry.number.isEmpty { pango_layout_set_indent(layout, -Int32(numberWidth * 1024)) }
        let page = pageNumbers.map { $0[entry.id].map(String.init) ?? "?" } ?? "0"
        let number = canvas.makeLayout(
            font: font, markup: escapeMarkup(page), width: numberColumn,
            align: PANGO_ALIGN_RIGHT)
        defer { g_object_unref(UnsafeMutableRawPointer(number)) }

        let lines = canvas.lines(layout)
        let height = lines.last?.bottom ?? 0
        canvas.y += entry.depth == 1 ? 5 : 1.5
        canvas.ensure(height)
        let x = left + indent
        let y = canvas.y
        let whole = PangoMarkup.Link(range: 0..<m.plainLength, target: target)
        canvas.draw(layout, x: x, y: y, links: [whole])
        // The number sits on the last line's baseline.
        let lastBaseline = y + (lines.last?.baseline ?? 0)
        let numberBaseline = Double(pango_layout_get_baseline(number)) / 1024
        let numberX = left + width - numberColumn
        canvas.draw(
            number, x: numberX, y: lastBaseline - numberBaseline,
            links: [PangoMarkup.Link(range: 0..<page.utf8.count, target: target)])
        // A dotted leader from the end of the last line to the number.
        if let last = lines.last {
            var logical = PangoRectangle()
            pango_layout_line_get_extents(last.line, nil, &logical)
            let from = x + last.x + Double(logical.width) / 1024 + 6
            let to = numberX + numberColumn - canvas.layoutSize(number).width - 4
            if to - from > 8 {
                cairo_save(canvas.cr)
                canvas.setColor(PDFStyle.rule)
                cairo_set_line_width(canvas.cr, 0.9)
                cairo_set_line_cap(canvas.cr, CAIRO_LINE_CAP_ROUND)
                var dash: [Double] = [0, 3.2]
                cairo_set_dash(canvas.cr, &dash, 2, 0)
                cairo_move_to(canvas.cr, from, lastBaseline - 0.5)
                cairo_line_to(canvas.cr, to, lastBaseline - 0.5)
                cairo_stroke(canvas.cr)
                cairo_restore(canvas.cr)
                canvas.setColor(PDFStyle.ink)
            }
        }
        canvas.y += height
    }
}
