import _CCairo
import Checksums
import Foundation

/// Pango and fontconfig are not safe to drive from many threads at once; every drawing
/// entry point takes this lock.
private let drawingLock = NSLock()

private func locked<T>(_ body: () throws(PlotError) -> T) throws(PlotError) -> T {
    drawingLock.lock()
    defer { drawingLock.unlock() }
    return try body()
}

extension Figure {
    /// PNG bytes at `dpi` (72 gives one pixel per point).
    public func pngData(dpi: Double = 144) throws(PlotError) -> [UInt8] {
        try withImageSurface(dpi: dpi) { surface throws(PlotError) in try CairoImage.png(surface) }
    }

    /// The figure's pixels at `dpi`, e.g. to compare with a golden image.
    public func raster(dpi: Double = 144) throws(PlotError) -> RasterImage {
        try withImageSurface(dpi: dpi) { surface in RasterImage(CairoImage.pixels(of: surface)) }
    }

    /// A standalone SVG document (`<svg>` root, size in points, text as `<text>`), ready
    /// to inline in HTML. `idPrefix` keeps clip-path ids unique when several figures share
    /// a page; by default it is derived from the figure's content.
    public func svg(idPrefix: String? = nil) -> String {
        drawingLock.withLock {
            let canvas = SVGCanvas(idPrefix: idPrefix ?? defaultIDPrefix)
            draw(on: canvas, width: width, height: height)
            return canvas.document(width: width, height: height, title: accessibleTitle)
        }
    }

    /// Writes a one-page PDF of the figure, `width` x `height` points, vectors and text.
    public func writePDF(to path: String) throws(PlotError) {
        try locked { () throws(PlotError) in
            guard let surface = cairo_pdf_surface_create(path, width, height) else {
                throw PlotError.cairo("creating PDF '\(path)'", "no surface")
            }
            defer { cairo_surface_destroy(surface) }
            let cr = cairo_create(surface)!
            draw(on: CairoCanvas(cr), width: width, height: height)
            cairo_show_page(cr)
            cairo_destroy(cr)
            cairo_surface_finish(surface)
            let status = cairo_surface_status(surface)
            guard status == CAIRO_STATUS_SUCCESS else {
                throw PlotError.cairo(
                    "writing PDF '\(path)'", String(cString: cairo_status_to_string(status)))
            }
        }
    }

    /// Draws the figure into a Cairo context the caller owns (a `cairo_t *`, e.g. a PDF
    /// page), scaled uniformly to fit the rectangle (in the context's user units, points
    /// on a PDF surface) and centred in it. The context's state is restored afterwards.
    /// To lay the figure out at the rectangle's size instead, set `width` and `height`
    /// on a copy first.
    public func draw(
        into context: OpaquePointer, x: Double, y: Double, width boxWidth: Double,
        height boxHeight: Double
    ) {
        drawingLock.withLock {
            guard width > 0, height > 0, boxWidth > 0, boxHeight > 0 else { return }
            let s = min(boxWidth / width, boxHeight / height)
            cairo_save(context)
            cairo_translate(
                context, x + (boxWidth - width * s) / 2, y + (boxHeight - height * s) / 2)
            cairo_scale(context, s, s)
            cairo_rectangle(context, 0, 0, width, height)
            cairo_clip(context)
            draw(on: CairoCanvas(context), width: width, height: height)
            cairo_restore(context)
        }
    }

    private func withImageSurface<T>(dpi: Double, _ body: (OpaquePointer) throws(PlotError) -> T)
        throws(PlotError) -> T
    {
        try locked { () throws(PlotError) -> T in
            let scale = dpi / 72
            let pixelWidth = Int32(max(1, (width * scale).rounded(.up)))
            let pixelHeight = Int32(max(1, (height * scale).rounded(.up)))
            guard dpi > 0, width > 0, height > 0, pixelWidth <= 20_000, pixelHeight <= 20_000 else {
                throw PlotError.cairo(
                    "creating a \(width)x\(height) pt image at \(dpi) dpi",
                    "size must be positive and under 20000 pixels a side")
            }
            guard
                let surface = cairo_image_surface_create(
                    CAIRO_FORMAT_RGB24, pixelWidth, pixelHeight)
            else {
                throw PlotError.cairo("creating image surface", "no surface")
            }
            defer { cairo_surface_destroy(surface) }
            let cr = cairo_create(surface)!
            cairo_scale(cr, scale, scale)
            draw(on: CairoCanvas(cr), width: width, height: height)
            cairo_destroy(cr)
            cairo_surface_flush(surface)
            return try body(surface)
        }
    }

    private var accessibleTitle: String? {
        if let title, !title.isEmpty { return title }
        let names = panels.compactMap(\.title).filter { !$0.isEmpty }
        return names.isEmpty ? nil : names.joined(separator: "; ")
    }

    /// "fig" and 8 hex digits of an FNV-1a hash of the JSON: stable across runs.
    private var defaultIDPrefix: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let bytes = (try? encoder.encode(self)).map { Array($0) } ?? []
        let hex = String(FNV1a.hash32(bytes), radix: 16)
        return "fig" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}

/// 8-bit RGBA pixels (straight alpha, rows top to bottom).
public struct RasterImage: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var rgba: [UInt8]

    init(_ image: RGBAImage) {
        width = image.width
        height = image.height
        rgba = image.rgba
    }

    /// Decodes PNG bytes.
    public init(png bytes: [UInt8]) throws(PlotError) {
        let source = ByteSource(bytes)
        let surface = drawingLock.withLock {
            cairo_image_surface_create_from_png_stream(
                { closure, data, length in
                    guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
                    let source = Unmanaged<ByteSource>.fromOpaque(closure).takeUnretainedValue()
                    let n = Int(length)
                    guard source.offset + n <= source.bytes.count else {
                        return CAIRO_STATUS_READ_ERROR
                    }
                    source.bytes.withUnsafeBufferPointer {
                        data.update(from: $0.baseAddress! + source.offset, count: n)
                    }
                    source.offset += n
                    return CAIRO_STATUS_SUCCESS
                }, Unmanaged.passUnretained(source).toOpaque())
        }
        guard let surface else { throw PlotError.invalidImage("no surface") }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.invalidImage(
                "not a PNG (\(String(cString: cairo_status_to_string(status))))")
        }
        self.init(CairoImage.pixels(of: surface))
    }
}

private final class ByteSource {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}
