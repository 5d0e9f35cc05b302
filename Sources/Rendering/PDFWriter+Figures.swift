import Plots
import _CCairo

/// Figures on the page: sized to the text width, never with panels too narrow for their
/// text, floated to the next page when they do not fit.
extension PDFWriter {
    /// The narrowest a panel of a grid figure is drawn. Plots keeps its text at its
    /// designed size (7.5 pt ticks) at any width, so a narrow panel crowds its ticks and
    /// labels instead; below this a grid is set with fewer columns.
    static let minimumPanelWidth = 185.0

    /// The figure as the page sets it: a grid whose panels would be narrower than
    /// `minimumPanelWidth` at text width gets fewer columns (its panels keep their shape
    /// and the rows grow).
    func pageFigure(_ figure: Figure) -> Figure {
        let columns = min(figure.columns, max(1, figure.panels.count))
        var fewer = columns
        while fewer > 1, panelWidth(columns: fewer) < Self.minimumPanelWidth { fewer -= 1 }
        guard fewer < columns else { return figure }
        var copy = figure
        copy.columns = fewer
        copy.width = figure.width / Double(columns) * Double(fewer)
        copy.height = figure.height / Double(figure.rows) * Double(copy.rows)
        return copy
    }

    /// A panel's width when a grid of `columns` is drawn at text width (Plots' outer
    /// margins and the gaps between panels taken off).
    private func panelWidth(columns: Int) -> Double {
        (width - 12 - 14 * Double(columns - 1)) / Double(columns)
    }

    /// The narrowest a figure may be drawn: its panels at `minimumPanelWidth` for a grid,
    /// 60% of the text width for one chart.
    private func minimumWidth(_ figure: Figure) -> Double {
        let columns = min(figure.columns, max(1, figure.panels.count))
        guard columns > 1 else { return 0.6 * width }
        return min(width, Double(columns) * Self.minimumPanelWidth + 14 * Double(columns - 1) + 12)
    }

    /// A figure's size at text width, its height capped at 60% of the text height — or
    /// up to 85% when a grid's panels would otherwise be narrower than the floor.
    func figureSize(_ f: ReportPlan.NumberedFigure) -> (width: Double, height: Double) {
        let figure = pageFigure(f.figure)
        let aspect = max(0.05, figures.aspectRatio(figure))
        let textHeight = canvas.bottom - canvas.top
        let maxHeight = max(textHeight * 0.6, min(minimumWidth(figure) * aspect, textHeight * 0.85))
        let h = min(width * aspect, maxHeight)
        return (h / aspect, h)
    }

    func figure(_ f: ReportPlan.NumberedFigure) {
        canvas.flushFloats()  // figures keep their numbered order
        var f = f
        let (w0, _) = figureSize(f)
        f.figure = pageFigure(f.figure)
        let caption = captionMarkup("Figure", f.number, f.caption)
        let capHeight = captionLayout(caption.markup) { canvas.layoutSize($0).height }
        let aspect = max(0.05, figures.aspectRatio(f.figure))
        var (w, h) = (w0, w0 * aspect)
        canvas.y += 6
        // Rather than leave much of a page empty, a figure may shrink to 70% to fit, but
        // not below its minimum width.
        let room = canvas.remaining - 8 - capHeight
        if h > room, room / aspect >= max(0.7 * w, minimumWidth(f.figure)) {
            h = room
            w = h / aspect
        }
        if h + 8 + capHeight > canvas.remaining, canvas.y > canvas.top + 6.5 {
            let writer = self
            let figure = f
            canvas.floats.append {
                writer.place(
                    figure, width: w, height: h, caption: caption, captionHeight: capHeight)
            }
        } else {
            place(f, width: w, height: h, caption: caption, captionHeight: capHeight)
        }
    }

    /// Draws a figure and its caption at the cursor, centred at text width: one "Figure"
    /// element of the tagged PDF holding the drawing and its "Caption" (cairo 1.16 writes
    /// no /Alt text, so the caption inside the figure is what a screen reader reads).
    private func place(
        _ f: ReportPlan.NumberedFigure, width w: Double, height h: Double,
        caption: PangoMarkup, captionHeight: Double
    ) {
        let x = left + (width - w) / 2
        let y = canvas.y
        var failure: Error?
        canvas.destination(f.id, x: left, y: y)
        canvas.structure("Figure") {
            cairo_save(canvas.cr)
            do { try figures.draw(f.figure, canvas.cr, x, y, w, h) } catch { failure = error }
            cairo_restore(canvas.cr)
            canvas.setColor(PDFStyle.ink)
            canvas.y += h + 8
            canvas.structure("Caption") {
                captionLayout(caption.markup) {
                    canvas.draw($0, x: left, y: canvas.y, links: caption.links)
                }
            }
        }
        if let failure, canvas.deferredError == nil {
            canvas.deferredError = RenderingError.figure(id: f.id, reason: "\(failure)")
        }
        canvas.y += captionHeight + 16
    }

    /// The caption layout for `markup` (centred when it is one line), lent to `body`.
    func captionLayout<T>(_ markup: String, _ body: (OpaquePointer) -> T) -> T {
        let layout = canvas.makeLayout(
            font: PDFStyle.caption, markup: markup, width: width, lineSpacing: 1.1)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        if pango_layout_get_line_count(layout) == 1 {
            pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        }
        return body(layout)
    }
}
