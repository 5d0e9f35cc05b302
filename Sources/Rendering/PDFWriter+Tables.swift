import NotebookModel
import _CCairo

extension PDFWriter {
    /// A booktabs-style table at text width: rules above and below and under the header,
    /// the caption above. After a page break the header is drawn again under a
    /// "(continued)" line.
    ///
    /// A table that fits on one page is kept whole: a numbered one that does not fit in
    /// the space left floats to the next page (text goes on here), an unnumbered one
    /// starts a new page. A longer table breaks between rows, never leaving its last row
    /// alone.
    func table(
        header: [PangoMarkup], rows: [[PangoMarkup]], alignments: [ColumnAlignment],
        caption: PangoMarkup?, id: String?, continuedLabel: String, floating: Bool = false
    ) {
        let n = header.count
        let padX = 5.0
        let padY = 2.6
        var font = PDFStyle.table
        func layout(_ m: PangoMarkup, bold: Bool, width: Double?, align: ColumnAlignment)
            -> OpaquePointer
        {
            let markup = bold ? "<b>\(m.markup)</b>" : m.markup
            let pangoAlign =
                align == .right
                ? PANGO_ALIGN_RIGHT : align == .center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT
            return canvas.makeLayout(font: font, markup: markup, width: width, align: pangoAlign)
        }
        // Natural column widths (no wrapping) and minimum ones (the longest word, and for
        // a header the width that sets it in two lines), then fit them to the text width.
        // A table whose minimums do not fit is set a size smaller, down to the floor.
        var natural = [Double](repeating: 0, count: n)
        var minimum = [Double](repeating: 0, count: n)
        func measure(_ m: PangoMarkup, bold: Bool, column i: Int) {
            let l = layout(m, bold: bold, width: nil, align: .left)
            defer { g_object_unref(UnsafeMutableRawPointer(l)) }
            let full = canvas.layoutSize(l).width
            natural[i] = max(natural[i], full)
            pango_layout_set_wrap(l, PANGO_WRAP_WORD)
            pango_layout_set_width(l, 1024)
            let word = canvas.layoutSize(l).width
            minimum[i] = max(minimum[i], bold ? Self.twoLineWidth(l, from: word, to: full) : word)
        }
        for size in Self.tableFontSizes {
            font = "\(PDFStyle.sansFamily) \(size)"
            natural = natural.map { _ in 0 }
            minimum = minimum.map { _ in 0 }
            for (i, m) in header.enumerated() { measure(m, bold: true, column: i) }
            for row in rows {
                for (i, m) in row.prefix(n).enumerated() { measure(m, bold: false, column: i) }
            }
            if minimum.reduce(0, +) + 2 * padX * Double(n) <= width { break }
        }
        if minimum.reduce(0, +) + 2 * padX * Double(n) > width, n >= 3 {
            // Even at the floor the columns do not fit: split them in two tables, one
            // below the other, both led by the first column (the rows' names).
            var k = 1
            var used = minimum[0] + 2 * padX
            while k < n, used + minimum[k] + 2 * padX <= width {
                used += minimum[k] + 2 * padX; k += 1
            }
            k = max(2, min(k, n - 1, 1 + n / 2))  // halves, as far as the first one fits
            let parts = [Array(0..<k), [0] + Array(k..<n)]
            func pick(_ columns: [Int], _ cells: [PangoMarkup]) -> [PangoMarkup] {
                columns.map { $0 < cells.count ? cells[$0] : PangoMarkup() }
            }
            var rest = PangoMarkup()
            rest.span("foreground=\"\(PDFStyle.mutedColor)\" style=\"italic\"") {
                $0.text(
                    "\(continuedLabel.isEmpty ? "(continued)" : continuedLabel), "
                        + (k + 1 == n ? "column \(n)" : "columns \(k + 1)–\(n)"))
            }
            for (p, columns) in parts.enumerated() {
                table(
                    header: pick(columns, header), rows: rows.map { pick(columns, $0) },
                    alignments: columns.map { $0 < alignments.count ? alignments[$0] : .left },
                    caption: p == 0 ? caption : rest, id: p == 0 ? id : nil,
                    continuedLabel: continuedLabel, floating: true)
            }
            return
        }
        // Narrow tables are not stretched across the page: a little air, then centred.
        let naturalTotal = natural.reduce(0, +) + 2 * padX * Double(n)
        let tableWidth = naturalTotal < 0.7 * width ? max(naturalTotal * 1.2, 0.45 * width) : width
        let x0 = left + (width - tableWidth) / 2
        let columns = Self.fitColumns(
            natural.map { $0 + 2 * padX }, minimum: minimum.map { $0 + 2 * padX },
            to: tableWidth)
        let xs = columns.indices.map { i in x0 + columns[..<i].reduce(0, +) }
        let aligns = (0..<n).map { $0 < alignments.count ? alignments[$0] : .left }

        func rowLayouts(_ cells: [PangoMarkup], bold: Bool) -> ([OpaquePointer], Double) {
            let ls = (0..<n).map { i in
                layout(
                    i < cells.count ? cells[i] : PangoMarkup(), bold: bold,
                    width: columns[i] - 2 * padX, align: aligns[i])
            }
            let h = ls.map { canvas.layoutSize($0).height }.max() ?? 0
            return (ls, h + 2 * padY)
        }
        /// One "TR" of the tagged PDF, its cells "TH" or "TD", their links clickable.
        func drawRow(_ ls: [OpaquePointer], _ cells: [PangoMarkup], header: Bool, height: Double) {
            canvas.structure("TR") {
                for (i, l) in ls.enumerated() {
                    canvas.structure(header ? "TH" : "TD") {
                        canvas.draw(
                            l, x: xs[i] + padX, y: canvas.y + padY,
                            links: i < cells.count ? cells[i].links : [])
                    }
                    g_object_unref(UnsafeMutableRawPointer(l))
                }
            }
            canvas.y += height
        }
        func drawHeader() {
            canvas.hLine(x0, x0 + tableWidth, canvas.y + 0.5, width: 1.0)
            canvas.y += 1.5
            let (ls, h) = rowLayouts(header, bold: true)
            drawRow(ls, header, header: true, height: h)
            canvas.hLine(x0, x0 + tableWidth, canvas.y + 0.3, width: 0.6)
            canvas.y += 1
        }

        if id != nil { canvas.flushFloats() }
        // Caption, header and the first rows stay together.
        var capLayout: OpaquePointer?
        var capHeight = 0.0
        if let caption {
            capLayout = canvas.makeLayout(
                font: PDFStyle.caption, markup: caption.markup, width: width,
                lineSpacing: 1.1)
            if pango_layout_get_line_count(capLayout!) == 1 {
                pango_layout_set_alignment(capLayout!, PANGO_ALIGN_CENTER)
            }
            capHeight = canvas.layoutSize(capLayout!).height + 5
        }
        defer { if let capLayout { g_object_unref(UnsafeMutableRawPointer(capLayout)) } }
        func rowHeight(_ cells: [PangoMarkup], bold: Bool) -> Double {
            let (ls, h) = rowLayouts(cells, bold: bold)
            for l in ls { g_object_unref(UnsafeMutableRawPointer(l)) }
            return h
        }
        let headerHeight = n > 0 ? rowHeight(header, bold: true) + 2.5 : 0
        let rowHeights = n > 0 ? rows.map { rowHeight($0, bold: false) } : []
        let whole = 6 + capHeight + headerHeight + rowHeights.reduce(0, +) + 1
        if whole <= canvas.bottom - canvas.top {
            if whole > canvas.remaining, id != nil, !floating, canvas.y > canvas.top + 6.5 {
                let writer = self
                canvas.floats.append {
                    writer.table(
                        header: header, rows: rows, alignments: alignments, caption: caption,
                        id: id, continuedLabel: continuedLabel, floating: true)
                }
                return
            }
            canvas.ensure(whole)
        } else {
            canvas.ensure(6 + capHeight + headerHeight + rowHeights.prefix(3).reduce(0, +))
        }
        // One "Table" of the tagged PDF: its caption, then rows (a break starts a second one).
        canvas.structure("Table") {
            canvas.y += 6
            if let capLayout {
                let y = canvas.y
                if let id { canvas.destination(id, x: left, y: y) }
                canvas.structure("Caption") {
                    canvas.draw(capLayout, x: left, y: y, links: caption?.links ?? [])
                }
                canvas.y += capHeight
            }
            guard n > 0 else { canvas.y += 10; return }
            drawHeader()
            for (k, row) in rows.enumerated() {
                let (ls, h) = rowLayouts(row, bold: false)
                // keep the last two rows together
                let widow = k == rows.count - 2 ? rowHeights[k + 1] : 0
                if canvas.y + h + widow > canvas.bottom - 2, k > 0 {
                    canvas.hLine(x0, x0 + tableWidth, canvas.y + 0.3, width: 0.4, PDFStyle.rule)
                    canvas.newPage()
                    if !continuedLabel.isEmpty {
                        let l = canvas.makeLayout(
                            font: PDFStyle.caption,
                            markup:
                                "<span foreground=\"\(PDFStyle.mutedColor)\" style=\"italic\">\(escapeMarkup(continuedLabel))</span>",
                            width: width)
                        canvas.structure("Caption") { canvas.draw(l, x: x0, y: canvas.y) }
                        canvas.y += canvas.layoutSize(l).height + 4
                        g_object_unref(UnsafeMutableRawPointer(l))
                    }
                    drawHeader()
                }
                drawRow(ls, row, header: false, height: h)
            }
            canvas.hLine(x0, x0 + tableWidth, canvas.y + 0.5, width: 1.0)
            canvas.y += 16
        }
    }

    /// Table text sizes tried in turn: a table too wide for the page is set smaller, down
    /// to the last (the floor; Pango's points here are 1/96 inch, so 6.2 prints at 8.3 pt,
    /// above the 7.5 pt of figure ticks), before its headers take a third line or words
    /// break; a table still too wide is split in two.
    static let tableFontSizes = [8.3, 7.6, 6.9, 6.2]

    /// The narrowest width, between `from` and `to` points, at which `layout` (wrapping
    /// at words) takes at most two lines.
    static func twoLineWidth(_ layout: OpaquePointer, from: Double, to: Double) -> Double {
        var (lo, hi) = (from, max(from, to))
        func lines(_ w: Double) -> Int32 {
            pango_layout_set_width(layout, Int32((w + 0.5) * 1024))
            return pango_layout_get_line_count(layout)
        }
        if lines(lo) <= 2 { return lo }
        for _ in 0..<12 where hi - lo > 0.5 {
            let mid = (lo + hi) / 2
            if lines(mid) <= 2 { hi = mid } else { lo = mid }
        }
        return hi + 0.5
    }

    /// Column widths that fill `total`, as browsers lay out automatic tables: natural
    /// widths if they fit (the slack shared out equally); otherwise every column gets its
    /// minimum (its longest word) and the rest is shared in proportion to how much wider
    /// each would like to be. Only when even the minimums do not fit are words broken.
    static func fitColumns(_ natural: [Double], minimum: [Double]? = nil, to total: Double)
        -> [Double]
    {
        let sum = natural.reduce(0, +)
        if sum <= total {
            let extra = (total - sum) / Double(natural.count)
            return natural.map { $0 + extra }
        }
        let minimum = zip(minimum ?? natural.map { _ in 0 }, natural).map { min($0, $1) }
        let sumMin = minimum.reduce(0, +)
        if sumMin >= total { return minimum.map { $0 * total / sumMin } }
        let wants = zip(natural, minimum).map { $0 - $1 }
        let sumWants = wants.reduce(0, +)
        return zip(minimum, wants).map { $0 + $1 * (total - sumMin) / sumWants }
    }
}
