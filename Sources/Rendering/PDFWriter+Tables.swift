import NotebookModel
import _CCairo

extension PDFWriter {
    /// A booktabs-style table at text width: rules above and below and under the header,
    /// the caption above. After a page break the header is drawn again under a
    /// "(continued)" line.
    func table(header: [PangoMarkup], rows: [[PangoMarkup]], alignments: [ColumnAlignment],
               caption: PangoMarkup?, id: String?, continuedLabel: String) {
        let n = header.count
        let padX = 5.0
        let padY = 2.6
        func layout(_ m: PangoMarkup, bold: Bool, width: Double?, align: ColumnAlignment) -> OpaquePointer {
            let markup = bold ? "<b>\(m.markup)</b>" : m.markup
            let pangoAlign = align == .right ? PANGO_ALIGN_RIGHT : align == .center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT
            return canvas.makeLayout(font: PDFStyle.table, markup: markup, width: width, align: pangoAlign)
        }
        // Natural column widths, then fit them to the text width.
        var natural = [Double](repeating: 0, count: n)
        for (i, m) in header.enumerated() {
            let l = layout(m, bold: true, width: nil, align: .left)
            natural[i] = max(natural[i], canvas.layoutSize(l).width)
            g_object_unref(UnsafeMutableRawPointer(l))
        }
        for row in rows {
            for (i, m) in row.prefix(n).enumerated() {
                let l = layout(m, bold: false, width: nil, align: .left)
                natural[i] = max(natural[i], canvas.layoutSize(l).width)
                g_object_unref(UnsafeMutableRawPointer(l))
            }
        }
        // Narrow tables are not stretched across the page: a little air, then centred.
        let naturalTotal = natural.reduce(0, +) + 2 * padX * Double(n)
        let tableWidth = naturalTotal < 0.7 * width ? max(naturalTotal * 1.2, 0.45 * width) : width
        let x0 = left + (width - tableWidth) / 2
        let columns = Self.fitColumns(natural.map { $0 + 2 * padX }, to: tableWidth)
        let xs = columns.indices.map { i in x0 + columns[..<i].reduce(0, +) }
        let aligns = (0..<n).map { $0 < alignments.count ? alignments[$0] : .left }

        func rowLayouts(_ cells: [PangoMarkup], bold: Bool) -> ([OpaquePointer], Double) {
            let ls = (0..<n).map { i in
                layout(i < cells.count ? cells[i] : PangoMarkup(), bold: bold,
                       width: columns[i] - 2 * padX, align: aligns[i])
            }
            let h = ls.map { canvas.layoutSize($0).height }.max() ?? 0
            return (ls, h + 2 * padY)
        }
        func drawRow(_ ls: [OpaquePointer], height: Double) {
            for (i, l) in ls.enumerated() {
                canvas.draw(l, x: xs[i] + padX, y: canvas.y + padY)
                g_object_unref(UnsafeMutableRawPointer(l))
            }
            canvas.y += height
        }
        func drawHeader() {
            canvas.hLine(x0, x0 + tableWidth, canvas.y + 0.5, width: 1.0)
            canvas.y += 1.5
            let (ls, h) = rowLayouts(header, bold: true)
            drawRow(ls, height: h)
            canvas.hLine(x0, x0 + tableWidth, canvas.y + 0.3, width: 0.6)
            canvas.y += 1
        }

        if id != nil { canvas.flushFloats() }
        // Caption, header and the first rows stay together.
        var capLayout: OpaquePointer?
        var capHeight = 0.0
        if let caption {
            capLayout = canvas.makeLayout(font: PDFStyle.caption, markup: caption.markup, width: width,
                                          lineSpacing: 1.1)
            if pango_layout_get_line_count(capLayout!) == 1 {
                pango_layout_set_alignment(capLayout!, PANGO_ALIGN_CENTER)
            }
            capHeight = canvas.layoutSize(capLayout!).height + 5
        }
        defer { if let capLayout { g_object_unref(UnsafeMutableRawPointer(capLayout)) } }
        canvas.y += 6
        canvas.ensure(capHeight + 22 + 14 * Double(min(rows.count, 3)))
        if let capLayout {
            let y = canvas.y
            if let id { canvas.destination(id) { canvas.draw(capLayout, x: left, y: y) } }
            else { canvas.draw(capLayout, x: left, y: y) }
            canvas.y += capHeight
        }
        guard n > 0 else { canvas.y += 10; return }
        drawHeader()
        for row in rows {
            let (ls, h) = rowLayouts(row, bold: false)
            if canvas.y + h > canvas.bottom - 2 {
                canvas.hLine(x0, x0 + tableWidth, canvas.y + 0.3, width: 0.4, PDFStyle.rule)
                canvas.newPage()
                if !continuedLabel.isEmpty {
                    let l = canvas.makeLayout(
                        font: PDFStyle.caption,
                        markup: "<span foreground=\"\(PDFStyle.mutedColor)\" style=\"italic\">\(escapeMarkup(continuedLabel))</span>",
                        width: width)
                    canvas.draw(l, x: x0, y: canvas.y)
                    canvas.y += canvas.layoutSize(l).height + 4
                    g_object_unref(UnsafeMutableRawPointer(l))
                }
                drawHeader()
            }
            drawRow(ls, height: h)
        }
        canvas.hLine(x0, x0 + tableWidth, canvas.y + 0.5, width: 1.0)
        canvas.y += 16
    }

    /// Column widths that fill `total`: natural widths if they fit (the slack shared out
    /// equally); otherwise narrow columns keep their width and wide ones share the rest in
    /// proportion to their natural width.
    static func fitColumns(_ natural: [Double], to total: Double) -> [Double] {
        let sum = natural.reduce(0, +)
        if sum <= total {
            let extra = (total - sum) / Double(natural.count)
            return natural.map { $0 + extra }
        }
        var fixed = Set<Int>()
        while true {
            let fixedWidth = fixed.reduce(0.0) { $0 + natural[$1] }
            let flexible = natural.indices.filter { !fixed.contains($0) }
            let share = (total - fixedWidth) / Double(max(1, flexible.count))
            let newlyFixed = flexible.filter { natural[$0] <= share }
            if newlyFixed.isEmpty || newlyFixed.count == flexible.count {
                let flexNatural = flexible.reduce(0.0) { $0 + natural[$1] }
                return natural.indices.map { i in
                    fixed.contains(i) ? natural[i] : (total - fixedWidth) * natural[i] / max(flexNatural, 1)
                }
            }
            fixed.formUnion(newlyFixed)
        }
    }
}
