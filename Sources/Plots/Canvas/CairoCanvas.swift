import _CCairo

/// A canvas over a Cairo context (`cairo_t`); text through Pango at 72 units per inch,
/// so font sizes are points. The context is borrowed: the caller owns it.
final class CairoCanvas: Canvas {
    let cr: OpaquePointer

    init(_ cr: OpaquePointer) {
        self.cr = cr
    }

    func save() { cairo_save(cr) }
    func restore() { cairo_restore(cr) }
    func translate(_ x: Double, _ y: Double) { cairo_translate(cr, x, y) }
    func scale(_ sx: Double, _ sy: Double) { cairo_scale(cr, sx, sy) }
    func rotate(_ radians: Double) { cairo_rotate(cr, radians) }

    func move(to p: Point) { cairo_move_to(cr, p.x, p.y) }
    func line(to p: Point) { cairo_line_to(cr, p.x, p.y) }
    func curve(to p: Point, control1: Point, control2: Point) {
        cairo_curve_to(cr, control1.x, control1.y, control2.x, control2.y, p.x, p.y)
    }
    func closePath() { cairo_close_path(cr) }
    func rectangle(_ r: Rect) { cairo_rectangle(cr, r.x, r.y, r.width, r.height) }
    func circle(center: Point, radius: Double) {
        cairo_new_sub_path(cr)
        cairo_arc(cr, center.x, center.y, radius, 0, 2 * Double.pi)
        cairo_close_path(cr)
    }

    func fill(_ color: Color) {
        setSource(color)
        cairo_fill(cr)
    }

    func stroke(_ color: Color, width: Double, dash: [Double]) {
        setSource(color)
        cairo_set_line_width(cr, width)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, dash.isEmpty ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND)
        dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    func clip() { cairo_clip(cr) }

    func text(_ string: String, at p: Point, font: Font, color: Color, anchor: Anchor) {
        guard !string.isEmpty else { return }
        let layout = PangoText.layout(on: cr, string, font: font)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let box = PangoText.box(of: layout)
        let origin = PangoText.origin(of: box, at: p, anchor: anchor)
        setSource(color)
        cairo_move_to(cr, origin.x, origin.y)
        pango_cairo_show_layout(cr, layout)
        cairo_new_path(cr)
    }

    func measure(_ string: String, font: Font) -> Size {
        let layout = PangoText.layout(on: cr, string, font: font)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let box = PangoText.box(of: layout)
        return Size(width: box.width, height: box.height)
    }

    func image(_ image: RGBAImage, in rect: Rect, smooth: Bool) {
        guard image.width > 0, image.height > 0, let surface = CairoImage.surface(image) else {
            return
        }
        defer { cairo_surface_destroy(surface) }
        cairo_save(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(image.width), rect.height / Double(image.height))
        cairo_set_source_surface(cr, surface, 0, 0)
        let pattern = cairo_get_source(cr)
        cairo_pattern_set_filter(pattern, smooth ? CAIRO_FILTER_GOOD : CAIRO_FILTER_NEAREST)
        cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
        cairo_paint(cr)
        cairo_restore(cr)
    }

    func beginGroup(_ role: String) {}
    func endGroup() {}

    private func setSource(_ c: Color) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }
}

/// Pango layouts on Cairo at 72 dpi with unhinted metrics, so text measures the same on
/// every surface and every scale.
enum PangoText {
    /// A new layout (caller unrefs) holding one line of `string` in `font`.
    static func layout(on cr: OpaquePointer, _ string: String, font: Font) -> OpaquePointer {
        ReportFonts.pinOrWarn()
        let layout = pango_cairo_create_layout(cr)!
        let context = pango_layout_get_context(layout)
        pango_cairo_context_set_resolution(context, 72)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
        pango_layout_context_changed(layout)
        let description = pango_font_description_from_string(font.pangoDescription)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_text(layout, string, -1)
        return layout
    }

    /// The logical box of a layout: size and baseline offset from its top, in points.
    struct Box {
        var width: Double
        var height: Double
        var baseline: Double
    }

    static func box(of layout: OpaquePointer) -> Box {
        var ink = PangoRectangle(), logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        let scale = Double(PANGO_SCALE)
        return Box(
            width: Double(logical.width) / scale, height: Double(logical.height) / scale,
            baseline: Double(pango_layout_get_baseline(layout)) / scale)
    }

    /// Top-left corner of a text box drawn at `p` with `anchor`.
    static func origin(of box: Box, at p: Point, anchor: Anchor) -> Point {
        let x: Double
        switch anchor.horizontal {
        case .left: x = p.x
        case .center: x = p.x - box.width / 2
        case .right: x = p.x - box.width
        }
        let y: Double
        switch anchor.vertical {
        case .top: y = p.y
        case .middle: y = p.y - box.height / 2
        case .baseline: y = p.y - box.baseline
        case .bottom: y = p.y - box.height
        }
        return Point(x, y)
    }
}

/// Cairo image surfaces from and to straight-alpha RGBA pixels.
enum CairoImage {
    /// A new ARGB32 surface (caller destroys) holding `image`.
    static func surface(_ image: RGBAImage) -> OpaquePointer? {
        guard
            let surface = cairo_image_surface_create(
                CAIRO_FORMAT_ARGB32, Int32(image.width),
                Int32(image.height))
        else { return nil }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else {
            cairo_surface_destroy(surface)
            return nil
        }
        // Cairo wants premultiplied, native-endian 0xAARRGGBB words.
        for y in 0..<image.height {
            let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(
                to: UInt32.self)
            for x in 0..<image.width {
                let i = (y * image.width + x) * 4
                let a = UInt32(image.rgba[i + 3])
                func pm(_ c: UInt8) -> UInt32 { (UInt32(c) * a + 127) / 255 }
                row[x] =
                    (a << 24) | (pm(image.rgba[i]) << 16) | (pm(image.rgba[i + 1]) << 8)
                    | pm(image.rgba[i + 2])
            }
        }
        cairo_surface_mark_dirty(surface)
        return surface
    }

    /// The pixels of an ARGB32 or RGB24 image surface as straight-alpha RGBA.
    static func pixels(of surface: OpaquePointer) -> RGBAImage {
        cairo_surface_flush(surface)
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let hasAlpha = cairo_image_surface_get_format(surface) == CAIRO_FORMAT_ARGB32
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        guard let data = cairo_image_surface_get_data(surface) else {
            return RGBAImage(width: width, height: height, rgba: rgba)
        }
        for y in 0..<height {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let v = row[x]
                let a = hasAlpha ? (v >> 24) & 0xFF : 255
                func unpm(_ c: UInt32) -> UInt8 {
                    a == 0 ? 0 : UInt8(min(255, (c * 255 + a / 2) / a))
                }
                let i = (y * width + x) * 4
                rgba[i] = unpm((v >> 16) & 0xFF)
                rgba[i + 1] = unpm((v >> 8) & 0xFF)
                rgba[i + 2] = unpm(v & 0xFF)
                rgba[i + 3] = UInt8(a)
            }
        }
        return RGBAImage(width: width, height: height, rgba: rgba)
    }

    /// PNG bytes of a surface.
    static func png(_ surface: OpaquePointer) throws(PlotError) -> [UInt8] {
        let sink = ByteSink()
        let status = cairo_surface_write_to_png_stream(
            surface,
            { closure, data, length in
                guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            }, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo("writing PNG", String(cString: cairo_status_to_string(status)))
        }
        return sink.bytes
    }
}

/// Collects bytes from Cairo's write callbacks.
final class ByteSink {
    var bytes: [UInt8] = []
}

/// Why a figure could not be drawn or written.
public enum PlotError: Error, CustomStringConvertible, Equatable {
    case cairo(String, String)
    case invalidImage(String)

    public var description: String {
        switch self {
        case .cairo(let doing, let status): "Cairo failed \(doing): \(status)"
        case .invalidImage(let why): "invalid image: \(why)"
        }
    }
}
