/// The look of every chart: journal-style typography, thin axes, a light grid.
enum Theme {
    static let figureTitle = Font(size: 11, weight: .bold)
    static let panelTitle = Font(size: 9.5, weight: .bold)
    static let axisTitle = Font(size: 8.5)
    static let tickLabel = Font(size: 7.5)
    static let legend = Font(size: 7.5)
    static let valueLabel = Font(size: 7)
    static let caption = Font(size: 7.5)
    static let note = Font(size: 8, italic: true)

    static let tickLength = 3.0
    static let axisWidth = 0.6
    static let gridWidth = 0.5
    static let lineWidth = 1.5
    static let symbolRadius = 2.2
    static let markerColor = Color(hex: 0x666666)
    static let panelGap = 14.0
    static let outerMargin = 6.0

    /// Dash patterns (in points) for a line of width `lineWidth`.
    static func pattern(_ dash: Dash) -> [Double] {
        switch dash {
        case .solid: []
        case .dashed: [5, 2.6]
        case .dotted: [0.01, 2.8]
        case .dashDot: [6, 2.4, 0.01, 2.4]
        }
    }

    static func dash(forSeries i: Int) -> Dash { [.solid, .dashed, .dotted, .dashDot][i % 4] }
    static func symbol(forSeries i: Int) -> Symbol {
        [.circle, .square, .triangle, .diamond][i % 4]
    }

    static func color(for tone: CaptionLine.Tone) -> Color {
        switch tone {
        case .plain: .ink
        case .muted: .subtleInk
        case .correct: .correct
        case .wrong: .wrong
        }
    }
}

extension Canvas {
    /// Height of one line of text in `font`.
    func lineHeight(_ font: Font) -> Double { measure("Hg", font: font).height }

    /// `string`, cut with an ellipsis so it fits `maxWidth`.
    func fitting(_ string: String, font: Font, maxWidth: Double) -> String {
        if measure(string, font: font).width <= maxWidth { return string }
        let chars = Array(string)
        var lo = 0, hi = chars.count
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if measure(String(chars[..<mid]) + "…", font: font).width <= maxWidth {
                lo = mid
            } else {
                hi = mid - 1
            }
        }
        return lo == 0 ? "…" : String(chars[..<lo]).trimmingTrailingSpaces() + "…"
    }

    /// `string` broken at spaces into at most `maxLines` lines of `maxWidth`; the last
    /// line is cut with an ellipsis if words remain.
    func wrapped(_ string: String, font: Font, maxWidth: Double, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        var words = string.split(separator: " ").map(String.init)[...]
        while let word = words.first {
            let candidate = current.isEmpty ? word : current + " " + word
            if current.isEmpty || measure(candidate, font: font).width <= maxWidth {
                current = candidate
                words = words.dropFirst()
            } else {
                lines.append(current)
                current = ""
                if lines.count == maxLines - 1 {
                    current = words.joined(separator: " ")
                    words = []
                }
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.map { fitting($0, font: font, maxWidth: maxWidth) }
    }

    /// Draws a filled symbol centred on `p`.
    func symbol(_ symbol: Symbol, at p: Point, radius r: Double, color: Color) {
        addSymbol(symbol, at: p, radius: r)
        fill(color)
    }

    /// Adds a symbol's outline to the current path (fill many at once: one SVG element).
    func addSymbol(_ symbol: Symbol, at p: Point, radius r: Double) {
        switch symbol {
        case .hidden: return
        case .circle: circle(center: p, radius: r)
        case .square:
            rectangle(Rect(x: p.x - r * 0.9, y: p.y - r * 0.9, width: r * 1.8, height: r * 1.8))
        case .triangle:
            let h = r * 1.25
            move(to: Point(p.x, p.y - h))
            line(to: Point(p.x + h * 0.95, p.y + h * 0.7))
            line(to: Point(p.x - h * 0.95, p.y + h * 0.7))
            closePath()
        case .diamond:
            let h = r * 1.3
            move(to: Point(p.x, p.y - h))
            line(to: Point(p.x + h, p.y))
            line(to: Point(p.x, p.y + h))
            line(to: Point(p.x - h, p.y))
            closePath()
        }
    }

    /// Text with a translucent white box behind it, for labels over data.
    func haloText(_ string: String, at p: Point, font: Font, color: Color, anchor: Anchor) {
        let size = measure(string, font: font)
        var x = p.x
        switch anchor.horizontal {
        case .left: break
        case .center: x -= size.width / 2
        case .right: x -= size.width
        }
        var y = p.y
        switch anchor.vertical {
        case .top: break
        case .middle: y -= size.height / 2
        case .baseline, .bottom: y -= size.height
        }
        fillRect(
            Rect(x: x - 2, y: y, width: size.width + 4, height: size.height),
            Color.white.withAlpha(0.85))
        text(string, at: p, font: font, color: color, anchor: anchor)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
