import _CCairo
import XMLEscaping

/// A canvas that writes SVG: paths as `<path>`, text as real `<text>` (searchable and
/// selectable in the HTML report; measured with Pango so layout matches PNG and PDF),
/// images as embedded PNG, and semantic groups as `<g class="…">`.
final class SVGCanvas: Canvas {
    private var body = ""
    private var path = ""
    /// Per `save` level, how many `<g>` were opened by transforms and clips.
    private var openGroups = [0]
    private var clipCount = 0
    private let idPrefix: String
    private let measuringSurface: OpaquePointer
    private let measuringContext: OpaquePointer

    init(idPrefix: String) {
        self.idPrefix = idPrefix
        measuringSurface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)
        measuringContext = cairo_create(measuringSurface)
    }

    deinit {
        cairo_destroy(measuringContext)
        cairo_surface_destroy(measuringSurface)
    }

    /// The finished document.
    func document(width: Double, height: Double, title: String?) -> String {
        var closing = ""
        for count in openGroups { closing += String(repeating: "</g>", count: count) }
        var head =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(num(width))pt\" height=\"\(num(height))pt\" "
        head += "viewBox=\"0 0 \(num(width)) \(num(height))\" role=\"img\""
        if let title { head += " aria-label=\"\(escapeXML(title))\"" }
        head += " font-family=\"\(escapeXML(Font.cssFamily))\">\n"
        if let title { head += "<title>\(escapeXML(title))</title>\n" }
        return head + body + closing + "</svg>\n"
    }

    func save() { openGroups.append(0) }

    func restore() {
        guard openGroups.count > 1 else { return }
        body += String(repeating: "</g>", count: openGroups.removeLast())
        if openGroups.count == 1 { body += "\n" }
    }

    private func openGroup(_ attributes: String) {
        body += "<g \(attributes)>"
        openGroups[openGroups.count - 1] += 1
    }

    func translate(_ x: Double, _ y: Double) {
        openGroup("transform=\"translate(\(num(x)) \(num(y)))\"")
    }
    func scale(_ sx: Double, _ sy: Double) {
        openGroup("transform=\"scale(\(num(sx)) \(num(sy)))\"")
    }
    func rotate(_ radians: Double) {
        openGroup("transform=\"rotate(\(num(radians * 180 / .pi)))\"")
    }

    func move(to p: Point) { path += "M\(num(p.x)) \(num(p.y))" }
    func line(to p: Point) { path += "L\(num(p.x)) \(num(p.y))" }
    func curve(to p: Point, control1: Point, control2: Point) {
        path +=
            "C\(num(control1.x)) \(num(control1.y)) \(num(control2.x)) \(num(control2.y)) \(num(p.x)) \(num(p.y))"
    }
    func closePath() { path += "Z" }
    func rectangle(_ r: Rect) {
        path += "M\(num(r.x)) \(num(r.y))h\(num(r.width))v\(num(r.height))h\(num(-r.width))Z"
    }
    func circle(center: Point, radius: Double) {
        let r = num(radius)
        path +=
            "M\(num(center.x + radius)) \(num(center.y))A\(r) \(r) 0 1 0 \(num(center.x - radius)) \(num(center.y))"
        path += "A\(r) \(r) 0 1 0 \(num(center.x + radius)) \(num(center.y))Z"
    }

    func fill(_ color: Color) {
        guard !path.isEmpty else { return }
        body +=
            "<path d=\"\(path)\" fill=\"\(color.hexString)\"\(opacity("fill-opacity", color))/>\n"
        path = ""
    }

    func stroke(_ color: Color, width: Double, dash: [Double]) {
        guard !path.isEmpty else { return }
        var attributes =
            "fill=\"none\" stroke=\"\(color.hexString)\" stroke-width=\"\(num(width))\""
        attributes += opacity("stroke-opacity", color)
        attributes += " stroke-linejoin=\"round\""
        if !dash.isEmpty {
            attributes +=
                " stroke-dasharray=\"\(dash.map(num).joined(separator: " "))\" stroke-linecap=\"round\""
        }
        body += "<path d=\"\(path)\" \(attributes)/>\n"
        path = ""
    }

    func clip() {
        clipCount += 1
        let id = "\(idPrefix)-clip\(clipCount)"
        body += "<clipPath id=\"\(id)\"><path d=\"\(path)\"/></clipPath>"
        path = ""
        openGroup("clip-path=\"url(#\(id))\"")
    }

    func text(_ string: String, at p: Point, font: Font, color: Color, anchor: Anchor) {
        guard !string.isEmpty else { return }
        let layout = PangoText.layout(on: measuringContext, string, font: font)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let box = PangoText.box(of: layout)
        let origin = PangoText.origin(of: box, at: p, anchor: anchor)
        let (x, textAnchor): (Double, String) =
            switch anchor.horizontal {
            case .left: (p.x, "start")
            case .center: (p.x, "middle")
            case .right: (p.x, "end")
            }
        var attributes =
            "x=\"\(num(x))\" y=\"\(num(origin.y + box.baseline))\" font-size=\"\(num(font.size))\""
        if textAnchor != "start" { attributes += " text-anchor=\"\(textAnchor)\"" }
        switch font.weight {
        case .regular: break
        case .medium: attributes += " font-weight=\"500\""
        case .bold: attributes += " font-weight=\"bold\""
        }
        if font.italic { attributes += " font-style=\"italic\"" }
        attributes += " fill=\"\(color.hexString)\"\(opacity("fill-opacity", color))"
        body += "<text \(attributes)>\(escapeXML(string))</text>\n"
    }

    func measure(_ string: String, font: Font) -> Size {
        let layout = PangoText.layout(on: measuringContext, string, font: font)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let box = PangoText.box(of: layout)
        return Size(width: box.width, height: box.height)
    }

    func image(_ image: RGBAImage, in rect: Rect, smooth: Bool) {
        guard let surface = CairoImage.surface(image) else { return }
        defer { cairo_surface_destroy(surface) }
        guard let png = try? CairoImage.png(surface) else { return }
        var element =
            "<image x=\"\(num(rect.x))\" y=\"\(num(rect.y))\" width=\"\(num(rect.width))\" "
        element += "height=\"\(num(rect.height))\" preserveAspectRatio=\"none\""
        if !smooth { element += " style=\"image-rendering:pixelated\"" }
        element += " href=\"data:image/png;base64,\(Base64.encode(png))\"/>\n"
        body += element
    }

    func beginGroup(_ role: String) { body += "<g class=\"\(escapeXML(role))\">" }
    func endGroup() { body += "</g>\n" }

    private func opacity(_ name: String, _ c: Color) -> String {
        c.alpha >= 1 ? "" : " \(name)=\"\(num(c.alpha))\""
    }
}

/// A coordinate for SVG: at most two decimals, no trailing zeros, ASCII minus.
func num(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let r = (v * 100).rounded() / 100
    if r == r.rounded() { return String(Int(r)) }
    var s = String(r)
    if s.contains("e") { s = String(Int(r)) }
    return s
}
