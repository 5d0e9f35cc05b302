import Foundation
import Plots

/// How the renderers get a figure onto the page: an SVG string for HTML, vector drawing
/// into a Cairo context for PDF. The Plots library does the drawing; this seam keeps the
/// renderers testable with a stand-in.
struct FigureDrawing: Sendable {
    /// Height over width of the figure's natural size.
    var aspectRatio: @Sendable (Figure) -> Double
    /// A complete `<svg>` document for the figure laid out `width` points wide, its ids
    /// prefixed with `idPrefix` so that several figures can share one HTML page.
    var svg: @Sendable (_ figure: Figure, _ idPrefix: String, _ width: Double) throws -> String
    /// Draws the figure into the `cairo_t` laid out at the rectangle (x, y, width, height).
    var draw: @Sendable (Figure, OpaquePointer, Double, Double, Double, Double) throws -> Void

    /// The Plots library's own drawing. Figures are laid out again at the width they get
    /// in the report (not scaled), so their text keeps its designed size.
    static let plots = FigureDrawing(
        aspectRatio: { f in f.width > 0 && f.height > 0 ? f.height / f.width : 0.68 },
        svg: { f, prefix, width in
            f.resized(width: width, height: f.width > 0 ? width * f.height / f.width : width * 0.68)
                .svg(idPrefix: prefix)
        },
        draw: { f, cr, x, y, w, h in
            f.resized(width: w, height: h).draw(into: cr, x: x, y: y, width: w, height: h)
        })
}

extension Figure {
    func resized(width: Double, height: Double) -> Figure {
        var copy = self
        copy.width = width
        copy.height = height
        return copy
    }
}
