import Foundation
import _CCairo

/// Collects the bytes of a PDF written to memory.
final class PDFDataSink {
    var data = Data()
    /// A sink that drops the bytes (a layout pass whose PDF is not wanted).
    let discarding: Bool

    init(discarding: Bool = false) { self.discarding = discarding }
}

/// A Cairo PDF surface with a cursor that flows top to bottom and turns pages: the layer
/// that knows about pages, margins, Pango layouts, links and the outline. The report
/// layout (`PDFWriter`) only asks it to place blocks.
///
/// Coordinates are PDF points with the origin at the top left of the page.
final class PDFCanvas {
    let surface: OpaquePointer
    let cr: OpaquePointer
    let pageWidth: Double
    let pageHeight: Double
    let marginLeft: Double
    let marginTop: Double = 74
    let marginBottom: Double = 70
    var textWidth: Double { pageWidth - 2 * marginLeft }
    var top: Double { marginTop }
    var bottom: Double { pageHeight - marginBottom }

    /// Current vertical position on the current page.
    var y: Double
    private(set) var page = 1
    /// Drawn at the top of every page after the first: the (short) title on the left, the
    /// section the page's text begins in on the right (or the one whose heading opens it).
    var runningTitle = ""
    private var runningSection = ""
    private var pageSection = ""

    /// A top-level section starts at the cursor.
    func openSection(_ name: String) {
        runningSection = name
        if y <= top + 0.5 || page == 1 { pageSection = name }
    }

    /// Where the bytes go when writing to memory; kept alive as long as the surface.
    private let sink: PDFDataSink?

    /// A canvas writing the PDF to the file at `path`.
    convenience init(path: String, width: Double, height: Double) throws {
        try self.init(
            surface: cairo_pdf_surface_create(path, width, height), sink: nil,
            path: path, width: width, height: height)
    }

    /// A canvas writing the PDF into `sink.data`.
    convenience init(sink: PDFDataSink, width: Double, height: Double) throws {
        let write: cairo_write_func_t = { closure, bytes, length in
            guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<PDFDataSink>.fromOpaque(closure).takeUnretainedValue()
            if !sink.discarding { sink.data.append(bytes, count: Int(length)) }
            return CAIRO_STATUS_SUCCESS
        }
        let surface = cairo_pdf_surface_create_for_stream(
            write, Unmanaged.passUnretained(sink).toOpaque(), width, height)
        try self.init(surface: surface, sink: sink, path: "<memory>", width: width, height: height)
    }

    private init(
        surface: OpaquePointer?, sink: PDFDataSink?, path: String, width: Double,
        height: Double
    ) throws {
        guard let surface else { throw RenderingError.cairo(path: path, status: "no surface") }
        self.surface = surface
        self.sink = sink
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            let status = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
            cairo_surface_destroy(surface)
            throw RenderingError.cairo(path: path, status: status)
        }
        cr = cairo_create(surface)
        pageWidth = width
        pageHeight = height
        marginLeft = (width * 0.145).rounded()
        y = marginTop
        // Cairo 1.16 marks the PDF as tagged (/MarkInfo) only when the structure tree's
        // root element is a grouping one such as "Document".
        cairo_tag_begin(cr, "Document", "")
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    func setMetadata(title: String, author: String?, creator: String, date: String?) {
        // Cairo takes ISO 8601 dates; a report's date is its render time, so that the
        // same run gives the same bytes.
        if let date, ISO8601DateFormatter().date(from: date) != nil {
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date)
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        if let author { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, creator)
    }

    /// Finishes the document and reports any Cairo error.
    func finish(path: String) throws {
        decoratePage()
        cairo_tag_end(cr, "Document")
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw RenderingError.cairo(
                path: path, status: String(cString: cairo_status_to_string(status)))
        }
    }

    // MARK: - Pages

    var remaining: Double { bottom - y }

    /// Turns the page. Open structure elements are closed first and opened again after
    /// the floats, so the running head and page number stay outside the text's structure
    /// (cairo 1.16 has no artifacts) and floats are not nested in the paragraph they
    /// interrupt.
    func newPage() {
        let suspended = openStructure
        for tag in suspended.reversed() { cairo_tag_end(cr, tag) }
        openStructure = []
        decoratePage()
        cairo_show_page(cr)
        page += 1
        y = top
        pageSection = runningSection
        let pending = floats
        floats = []
        for place in pending { place() }
        for tag in suspended { cairo_tag_begin(cr, tag, "") }
        openStructure = suspended
    }

    /// Figures that did not fit where they came: each is placed at the top of the next
    /// page while the text after it goes on filling this one (as LaTeX floats do).
    var floats: [() -> Void] = []
    /// An error from placing a float, reported when the document ends.
    var deferredError: Error?

    /// Places pending floats now (on a new page), before numbered content that must not
    /// overtake them.
    func flushFloats() {
        if !floats.isEmpty { newPage() }
    }

    /// Starts a new page unless `height` points still fit on this one.
    func ensure(_ height: Double) {
        if y + height > bottom, y > top + 0.5 { newPage() }
    }

    private func decoratePage() {
        let number = makeLayout(font: PDFStyle.small, markup: "\(page)", width: nil)
        defer { g_object_unref(UnsafeMutableRawPointer(number)) }
        let size = layoutSize(number)
        setColor(PDFStyle.muted)
        draw(number, x: (pageWidth - size.width) / 2, y: pageHeight - marginBottom + 28)
        if page > 1, !runningTitle.isEmpty {
            let header = makeLayout(
                font: PDFStyle.small, markup: "<i>\(escapeMarkup(runningTitle))</i>", width: nil)
            defer { g_object_unref(UnsafeMutableRawPointer(header)) }
            let section = makeLayout(
                font: PDFStyle.small, markup: escapeMarkup(pageSection), width: nil)
            defer { g_object_unref(UnsafeMutableRawPointer(section)) }
            // Both fit when they can; else the section keeps at least 45% and both end in "…".
            let gap = 24.0
            let titleWidth = layoutSize(header).width
            var sectionWidth = pageSection.isEmpty ? 0 : layoutSize(section).width
            if titleWidth + gap + sectionWidth > textWidth {
                sectionWidth = min(
                    sectionWidth, max(textWidth * 0.45, textWidth - gap - titleWidth))
                pango_layout_set_width(section, Int32(sectionWidth * 1024))
                pango_layout_set_ellipsize(section, PANGO_ELLIPSIZE_END)
                pango_layout_set_width(header, Int32((textWidth - gap - sectionWidth) * 1024))
                pango_layout_set_ellipsize(header, PANGO_ELLIPSIZE_END)
            }
            setColor(PDFStyle.muted)
            if !pageSection.isEmpty {
                draw(
                    section, x: marginLeft + textWidth - layoutSize(section).width,
                    y: marginTop - 36)
            }
            draw(header, x: marginLeft, y: marginTop - 36)
            setColor(PDFStyle.rule)
            cairo_set_line_width(cr, 0.5)
            cairo_move_to(cr, marginLeft, marginTop - 22)
            cairo_line_to(cr, marginLeft + textWidth, marginTop - 22)
            cairo_stroke(cr)
        }
        setColor(PDFStyle.ink)
    }

    // MARK: - Drawing primitives

    func setColor(_ c: PDFStyle.RGB) { cairo_set_source_rgb(cr, c.r, c.g, c.b) }

    func fillRect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ c: PDFStyle.RGB) {
        setColor(c)
        cairo_rectangle(cr, x, y, w, h)
        cairo_fill(cr)
        setColor(PDFStyle.ink)
    }

    func hLine(
        _ x0: Double, _ x1: Double, _ y: Double, width: Double, _ c: PDFStyle.RGB = PDFStyle.ink
    ) {
        setColor(c)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x0, y)
        cairo_line_to(cr, x1, y)
        cairo_stroke(cr)
        setColor(PDFStyle.ink)
    }

    /// A Pango layout in `font` (a Pango font description string) with `markup`,
    /// wrapped at `width` points if given. The caller unrefs it.
    func makeLayout(
        font: String, markup: String, width: Double?, lineSpacing: Double = 0,
        align: PangoAlignment = PANGO_ALIGN_LEFT
    ) -> OpaquePointer {
        let layout = pango_cairo_create_layout(cr)!
        let desc = pango_font_description_from_string(font)
        pango_layout_set_font_description(layout, desc)
        pango_font_description_free(desc)
        if let width {
            pango_layout_set_width(layout, Int32(width * 1024))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        if lineSpacing > 0 { pango_layout_set_line_spacing(layout, Float(lineSpacing)) }
        pango_layout_set_alignment(layout, align)
        if pango_parse_markup(markup, -1, 0, nil, nil, nil, nil) != 0 {
            pango_layout_set_markup(layout, markup, -1)
        } else {
            // Cannot happen with escaped input; show the raw text rather than nothing.
            pango_layout_set_text(layout, markup, -1)
        }
        return layout
    }

    /// How many characters of the monospaced `font` fit in `width` points.
    func monospacedColumns(font: String, width: Double) -> Int {
        let probe = makeLayout(font: font, markup: String(repeating: "0", count: 50), width: nil)
        defer { g_object_unref(UnsafeMutableRawPointer(probe)) }
        let advance = layoutSize(probe).width / 50
        return advance > 0 ? max(16, Int((width / advance).rounded(.down))) : .max
    }

    func layoutSize(_ layout: OpaquePointer) -> (width: Double, height: Double) {
        var w: Int32 = 0
        var h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        return (Double(w) / 1024, Double(h) / 1024)
    }

    /// Draws a whole layout with its top left at (x, y), without page breaking; `links`
    /// become link annotations over their text.
    func draw(_ layout: OpaquePointer, x: Double, y: Double, links: [PangoMarkup.Link] = []) {
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, layout)
        guard !links.isEmpty else { return }
        for line in lines(layout) {
            annotate(
                line, links: links, x: x, lineTop: y + line.top, height: line.bottom - line.top)
        }
    }

    /// One laid-out line: its vertical extent and baseline relative to the layout's top.
    struct Line {
        var top: Double
        var bottom: Double
        var baseline: Double
        var x: Double
        var startIndex: Int
        var length: Int
        var line: UnsafeMutablePointer<PangoLayoutLine>
    }

    func lines(_ layout: OpaquePointer) -> [Line] {
        var result: [Line] = []
        let iter = pango_layout_get_iter(layout)!
        defer { pango_layout_iter_free(iter) }
        repeat {
            var y0: Int32 = 0
            var y1: Int32 = 0
            pango_layout_iter_get_line_yrange(iter, &y0, &y1)
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, nil, &logical)
            let line = pango_layout_iter_get_line_readonly(iter)!
            result.append(
                Line(
                    top: Double(y0) / 1024, bottom: Double(y1) / 1024,
                    baseline: Double(pango_layout_iter_get_baseline(iter)) / 1024,
                    x: Double(logical.x) / 1024,
                    startIndex: Int(line.pointee.start_index),
                    length: Int(line.pointee.length), line: line))
        } while pango_layout_iter_next_line(iter) != 0
        return result
    }

    /// Draws a layout at x from the cursor down, line by line, turning pages as needed.
    /// `padTop`/`padBottom` pad every page's piece; `background` draws behind each piece
    /// (x, y, height) before its lines. A paragraph never leaves a single line behind on a
    /// page when it has more. Links in `links` become PDF link annotations.
    ///
    /// `keep` is the fewest lines left at the foot of a page or carried to the next one
    /// (2 for paragraphs, 3 for code and logs; 1 allows any break).
    /// `anchor` names the destination at the first line, on the page where it lands.
    func flow(
        _ layout: OpaquePointer, x: Double, padTop: Double = 0, padBottom: Double = 0,
        links: [PangoMarkup.Link] = [], keep: Int = 2, anchor: String? = nil,
        background: ((Double, Double, Double) -> Void)? = nil
    ) {
        let all = lines(layout)
        guard !all.isEmpty else { return }
        var i = 0
        while i < all.count {
            // How many lines fit on this page from the cursor?
            let pieceTop = all[i].top
            var j = i
            while j < all.count, y + padTop + (all[j].bottom - pieceTop) + padBottom <= bottom {
                j += 1
            }
            if j < all.count, all.count - j < keep {
                j = max(i, all.count - keep)  // carry enough lines that none is left alone
            }
            let minimum = i == 0 ? keep : 1
            if j - i < min(minimum, all.count - i) {
                if y > top + 0.5 {
                    newPage()
                    continue
                }
                j = max(j, i + 1)  // a line taller than a page: draw it anyway
            }
            let pieceHeight = all[j - 1].bottom - pieceTop
            background?(x, y, padTop + pieceHeight + padBottom)
            let origin = y + padTop - pieceTop
            if i == 0, let anchor { destination(anchor, x: x, y: y) }
            for line in all[i..<j] {
                cairo_move_to(cr, x + line.x, origin + line.baseline)
                pango_cairo_show_layout_line(cr, line.line)
                annotate(
                    line, links: links, x: x, lineTop: origin + line.top,
                    height: line.bottom - line.top)
            }
            y += padTop + pieceHeight + padBottom
            i = j
            if i < all.count { newPage() }
        }
    }

    private func annotate(
        _ line: Line, links: [PangoMarkup.Link], x: Double, lineTop: Double, height: Double
    ) {
        let lineRange = line.startIndex..<(line.startIndex + line.length)
        for link in links where link.range.overlaps(lineRange) {
            let a = max(link.range.lowerBound, lineRange.lowerBound)
            let b = min(link.range.upperBound, lineRange.upperBound)
            var x0: Int32 = 0
            var x1: Int32 = 0
            pango_layout_line_index_to_x(line.line, Int32(a), 0, &x0)
            pango_layout_line_index_to_x(line.line, Int32(b), 0, &x1)
            let left = x + line.x + Double(min(x0, x1)) / 1024
            let width = Double(abs(x1 - x0)) / 1024
            guard width > 0 else { continue }
            let rect = String(format: "rect=[%.2f %.2f %.2f %.2f]", left, lineTop, width, height)
            let target: String
            switch link.target {
            case .uri(let u): target = "uri='\(tagEscape(u))'"
            case .internalDest(let d): target = "dest='\(tagEscape(d))'"
            }
            cairo_tag_begin(cr, CAIRO_TAG_LINK, "\(rect) \(target)")
            cairo_tag_end(cr, CAIRO_TAG_LINK)
        }
    }

    /// Names the point (x, y) of the current page `name`, for internal links, and notes its
    /// page (for the contents). Cairo drops a link to a name that is never defined.
    func destination(_ name: String, x: Double, y: Double) {
        let attributes =
            "name='\(tagEscape(name))' " + String(format: "x=%.2f y=%.2f", x, max(0, y - 4))
        cairo_tag_begin(cr, CAIRO_TAG_DEST, attributes)
        cairo_tag_end(cr, CAIRO_TAG_DEST)
        destinationPages[name] = page
    }

    /// The page each named destination is on.
    private(set) var destinationPages: [String: Int] = [:]

    // MARK: - Structure (tagged PDF)

    /// Structure elements open at the cursor, outermost first.
    private var openStructure: [String] = []

    /// Marks what `body` draws as one structure element of the tagged PDF ("H1", "P",
    /// "Figure", "Table", "TR", "TD", …; PDF 1.7 standard structure types), nested in
    /// the elements open around it. The order of these calls is the reading order.
    @discardableResult
    func structure<T>(_ tag: String, _ body: () -> T) -> T {
        cairo_tag_begin(cr, tag, "")
        openStructure.append(tag)
        defer {
            openStructure.removeLast()
            cairo_tag_end(cr, tag)
        }
        return body()
    }

    /// Adds a bookmark for the current page and position; returns its id for children.
    func outline(_ title: String, parent: Int32, y: Double) -> Int32 {
        let attributes = String(format: "page=%d pos=[%.1f %.1f]", page, marginLeft, max(0, y - 8))
        return cairo_pdf_surface_add_outline(
            surface, parent, title, attributes, cairo_pdf_outline_flags_t(0))
    }

    private func tagEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }
}
