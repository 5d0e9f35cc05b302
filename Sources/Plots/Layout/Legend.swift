/// A legend: one row per entry, a swatch and a name. Placed where it hides no data.
struct Legend {
    struct Entry: Equatable {
        var name: String
        var swatch: Swatch
    }

    enum Swatch: Equatable {
        case line(Color, Dash, Symbol)
        case box(Color)
    }

    var entries: [Entry]

    static let padding = 4.0
    static let swatchWidth = 18.0
    static let gap = 4.0

    var isEmpty: Bool { entries.isEmpty }

    func size(on canvas: Canvas) -> Size {
        guard !entries.isEmpty else { return Size(width: 0, height: 0) }
        let widest = entries.map { canvas.measure($0.name, font: Theme.legend).width }.max() ?? 0
        let row = rowHeight(on: canvas)
        return Size(
            width: Legend.padding * 2 + Legend.swatchWidth + Legend.gap + widest,
            height: Legend.padding * 2 + row * Double(entries.count))
    }

    private func rowHeight(on canvas: Canvas) -> Double { canvas.lineHeight(Theme.legend) + 1.5 }

    /// The corner of `plot` whose legend box covers the fewest obstacle points (and no
    /// obstacle rectangle), or nil when every corner covers something.
    func place(
        in plot: Rect, avoiding points: [Point], rects: [Rect], placement: LegendPlacement,
        on canvas: Canvas
    ) -> Rect? {
        let size = self.size(on: canvas)
        let inset = 3.0
        func corner(_ p: LegendPlacement) -> Rect {
            let left = plot.minX + inset, right = plot.maxX - inset - size.width
            let top = plot.minY + inset, bottom = plot.maxY - inset - size.height
            switch p {
            case .topLeft: return Rect(x: left, y: top, width: size.width, height: size.height)
            case .bottomLeft:
                return Rect(x: left, y: bottom, width: size.width, height: size.height)
            case .bottomRight:
                return Rect(x: right, y: bottom, width: size.width, height: size.height)
            default: return Rect(x: right, y: top, width: size.width, height: size.height)
            }
        }
        switch placement {
        case .topLeft, .topRight, .bottomLeft, .bottomRight: return corner(placement)
        case .outside, .hidden: return nil
        case .auto: break
        }
        guard size.width < plot.width * 0.7, size.height < plot.height * 0.7 else { return nil }
        var best: (rect: Rect, score: Int)?
        for p in [LegendPlacement.topRight, .topLeft, .bottomRight, .bottomLeft] {
            let r = corner(p)
            let grown = r.insetBy(-3)
            var score = points.reduce(0) { $0 + (grown.contains($1) ? 1 : 0) }
            score += rects.reduce(0) { $0 + ($1.intersects(grown) ? 1000 : 0) }
            if best == nil || score < best!.score { best = (r, score) }
        }
        guard let best, best.score == 0 else { return nil }
        return best.rect
    }

    static let flowSpacing = 10.0

    /// Entries side by side, wrapping at `maxWidth`: offsets of each entry within the box.
    func flow(maxWidth: Double, on canvas: Canvas) -> (size: Size, offsets: [Point]) {
        let row = rowHeight(on: canvas)
        var offsets: [Point] = []
        var x = 0.0, y = 0.0, widest = 0.0
        for entry in entries {
            let w =
                Legend.swatchWidth + Legend.gap
                + canvas.measure(entry.name, font: Theme.legend).width
            if x > 0 && x + w > maxWidth {
                x = 0
                y += row
            }
            offsets.append(Point(x, y))
            x += w + Legend.flowSpacing
            widest = max(widest, x - Legend.flowSpacing)
        }
        return (Size(width: widest, height: entries.isEmpty ? 0 : y + row), offsets)
    }

    /// Where an outside legend goes: right of the plot while the plot keeps most of the
    /// width, else below it in rows.
    enum Outside {
        case right(Size)
        case below(Size, [Point])
    }

    func outside(in area: Rect, on canvas: Canvas) -> Outside {
        let size = self.size(on: canvas)
        if size.width + 8 <= area.width * 0.34 { return .right(size) }
        let flow = self.flow(maxWidth: area.width - 8, on: canvas)
        return .below(flow.size, flow.offsets)
    }

    /// Draws entries in rows (see `flow`) from `origin`.
    func drawFlow(at origin: Point, offsets: [Point], on canvas: Canvas) {
        let row = rowHeight(on: canvas)
        canvas.group("legend") {
            for (entry, offset) in zip(entries, offsets) {
                drawEntry(
                    entry, x: origin.x + offset.x, y: origin.y + offset.y + row / 2, on: canvas)
            }
        }
    }

    private func drawEntry(_ entry: Entry, x: Double, y: Double, on canvas: Canvas) {
        switch entry.swatch {
        case .line(let color, let dash, let symbol):
            canvas.line(
                from: Point(x, y), to: Point(x + Legend.swatchWidth, y), color: color,
                width: Theme.lineWidth, dash: Theme.pattern(dash))
            canvas.symbol(
                symbol, at: Point(x + Legend.swatchWidth / 2, y),
                radius: Theme.symbolRadius, color: color)
        case .box(let color):
            canvas.fillRect(
                Rect(x: x + 3, y: y - 4, width: Legend.swatchWidth - 6, height: 8), color)
        }
        canvas.text(
            entry.name, at: Point(x + Legend.swatchWidth + Legend.gap, y),
            font: Theme.legend, color: .ink, anchor: .left)
    }

    func draw(at rect: Rect, on canvas: Canvas) {
        canvas.group("legend") {
            canvas.fillRect(rect, Color.white.withAlpha(0.9))
            let row = rowHeight(on: canvas)
            for (i, entry) in entries.enumerated() {
                let y = rect.minY + Legend.padding + row * (Double(i) + 0.5)
                drawEntry(entry, x: rect.minX + Legend.padding, y: y, on: canvas)
            }
        }
    }
}
