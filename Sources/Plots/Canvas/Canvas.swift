/// The drawing contract every chart draws on; one implementation per surface kind
/// (Cairo for PNG and PDF, an SVG writer for HTML). Coordinates are points, y grows down.
///
/// A path is built with `move`/`line`/`curve`/`rectangle`/`circle` and consumed by
/// `fill`, `stroke` or `clip`, as in Cairo.
protocol Canvas: AnyObject {
    func save()
    func restore()
    func translate(_ x: Double, _ y: Double)
    func scale(_ sx: Double, _ sy: Double)
    func rotate(_ radians: Double)

    func move(to p: Point)
    func line(to p: Point)
    func curve(to p: Point, control1: Point, control2: Point)
    func closePath()
    func rectangle(_ r: Rect)
    func circle(center: Point, radius: Double)

    func fill(_ color: Color)
    func stroke(_ color: Color, width: Double, dash: [Double])
    /// Intersects the clip region with the current path (until the matching `restore`).
    func clip()

    /// Draws one line of text. `anchor` says which point of the text's box lies at `p`.
    func text(_ string: String, at p: Point, font: Font, color: Color, anchor: Anchor)
    func measure(_ string: String, font: Font) -> Size
    /// Draws pixels (RGBA, 8 bits, straight alpha, rows top to bottom) stretched over `rect`.
    func image(_ image: RGBAImage, in rect: Rect, smooth: Bool)

    /// Marks the start of a semantic group (`"bar"`, `"cell"`, `"series"`), kept in SVG
    /// as `<g class="…">`; other surfaces ignore it.
    func beginGroup(_ role: String)
    func endGroup()
}

extension Canvas {
    func stroke(_ color: Color, width: Double) { stroke(color, width: width, dash: []) }

    func line(from a: Point, to b: Point, color: Color, width: Double, dash: [Double] = []) {
        move(to: a)
        line(to: b)
        stroke(color, width: width, dash: dash)
    }

    func fillRect(_ r: Rect, _ color: Color) {
        rectangle(r)
        fill(color)
    }

    func group(_ role: String, _ body: () -> Void) {
        beginGroup(role)
        body()
        endGroup()
    }
}

struct Point: Hashable, Sendable {
    var x: Double
    var y: Double
    init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

struct Size: Hashable, Sendable {
    var width: Double
    var height: Double
}

struct Rect: Hashable, Sendable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    var minX: Double { x }
    var minY: Double { y }
    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }

    func inset(top: Double = 0, left: Double = 0, bottom: Double = 0, right: Double = 0) -> Rect {
        Rect(
            x: x + left, y: y + top, width: max(0, width - left - right),
            height: max(0, height - top - bottom))
    }

    func insetBy(_ d: Double) -> Rect { inset(top: d, left: d, bottom: d, right: d) }

    func intersects(_ o: Rect) -> Bool {
        x < o.maxX && o.x < maxX && y < o.maxY && o.y < maxY
    }

    func contains(_ p: Point) -> Bool { p.x >= x && p.x <= maxX && p.y >= y && p.y <= maxY }
}

/// Where a text's box sits relative to the point it is drawn at.
struct Anchor: Hashable, Sendable {
    enum Horizontal: Sendable { case left, center, right }
    enum Vertical: Sendable { case top, middle, baseline, bottom }
    var horizontal: Horizontal
    var vertical: Vertical

    static let center = Anchor(horizontal: .center, vertical: .middle)
    static let topCenter = Anchor(horizontal: .center, vertical: .top)
    static let bottomCenter = Anchor(horizontal: .center, vertical: .bottom)
    static let left = Anchor(horizontal: .left, vertical: .middle)
    static let right = Anchor(horizontal: .right, vertical: .middle)
    static let topLeft = Anchor(horizontal: .left, vertical: .top)
}

/// A font as Pango describes it; sizes in points.
struct Font: Hashable, Sendable {
    var size: Double
    var weight: Weight = .regular
    var italic = false

    enum Weight: String, Sendable { case regular = "", medium = "Medium", bold = "Bold" }

    /// Pango font description, e.g. `"DejaVu Sans, sans-serif Bold 10"`.
    var pangoDescription: String {
        var parts = [Font.family]
        if weight != .regular { parts.append(weight.rawValue) }
        if italic { parts.append("Italic") }
        parts.append(fixed(size, decimals: 2))
        return parts.joined(separator: " ")
    }

    /// DejaVu Sans when installed, else fontconfig's sans.
    static let family = "DejaVu Sans,sans-serif"
    /// CSS font-family for SVG text.
    static let cssFamily = "'DejaVu Sans', Verdana, sans-serif"
}

/// 8-bit RGBA pixels, straight (not premultiplied) alpha.
struct RGBAImage: Sendable {
    var width: Int
    var height: Int
    var rgba: [UInt8]
}
