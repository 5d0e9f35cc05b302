import Foundation
import Plots
import _CCairo

/// How the renderers get a figure onto the page: an SVG string for HTML, vector drawing
/// into a Cairo context for PDF. The Plots library does the drawing; this seam keeps the
/// renderers testable with a stand-in.
struct FigureDrawing: Sendable {
    /// Height over width of the figure's natural size.
    var aspectRatio: @Sendable (Figure) -> Double
    /// A complete `<svg>` document for the figure.
    var svg: @Sendable (Figure) throws -> String
    /// Draws the figure into `cr`, scaled into the rectangle (x, y, width, height) in points.
    var draw: @Sendable (Figure, OpaquePointer, Double, Double, Double, Double) throws -> Void

    /// The Plots library's own drawing.
    static let plots = FigureDrawing(
        aspectRatio: { _ in 0.62 },
        svg: { _ in
            """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 248" width="400" height="248">\
            <rect x="0.5" y="0.5" width="399" height="247" fill="#f6f5f1" stroke="#bbb"/>\
            <text x="200" y="128" text-anchor="middle" font-family="sans-serif" font-size="14" \
            fill="#888">figure</text></svg>
            """
        },
        draw: { _, cr, x, y, w, h in
            cairo_save(cr)
            cairo_rectangle(cr, x + 0.5, y + 0.5, w - 1, h - 1)
            cairo_set_source_rgb(cr, 0.965, 0.96, 0.945)
            cairo_fill_preserve(cr)
            cairo_set_source_rgb(cr, 0.73, 0.73, 0.73)
            cairo_set_line_width(cr, 1)
            cairo_stroke(cr)
            cairo_restore(cr)
        })
}
