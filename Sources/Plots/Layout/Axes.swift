import Foundation

/// What an axis shows: numbers at nice ticks, or category names at band centres.
enum AxisContent {
    case numeric(Ticks)
    case categories([String])

    var count: Int {
        switch self {
        case .numeric(let t): t.values.count
        case .categories(let c): c.count
        }
    }
}

/// Two axes around a plot rectangle: grid, left and bottom spines, ticks, tick labels and
/// axis titles. Charts ask it where the plot goes, then draw their data inside.
struct Axes {
    var x: AxisContent
    var y: AxisContent
    var xTitle: String?
    var yTitle: String?
    /// Grid lines across the plot at the x ticks and at the y ticks.
    var gridX: Bool
    var gridY: Bool
    /// Marks a numeric axis whose range leaves out zero with a break on its spine, so a
    /// reader sees that the scale does not start at zero (value axes: lines, bars).
    var breakX = false
    var breakY = false

    /// Where things go, decided once from measured text.
    struct Layout {
        /// The box the axes were laid out in; titles sit at its edges.
        var area: Rect
        var plot: Rect
        var xLabels: [String]
        var yLabels: [String]
        var rotateXLabels: Bool
    }

    static let rotation = 40.0 * Double.pi / 180

    /// `reserveRight` and `reserveTop` keep room beside the plot (an outside legend, value
    /// labels past the last bar).
    func layout(
        in area: Rect, reserveRight: Double = 0, reserveTop: Double = 0,
        on canvas: Canvas
    ) -> Layout {
        let tickHeight = canvas.lineHeight(Theme.tickLabel)
        let titleHeight = canvas.lineHeight(Theme.axisTitle)

        // Left: y title, y labels, ticks.
        let yLabels: [String]
        switch y {
        case .numeric(let t): yLabels = t.labels
        case .categories(let names):
            // Long names take two lines when the rows leave room for them.
            let roomy = area.height / Double(max(1, names.count)) >= 2.6 * tickHeight
            let maxWidth = area.width * (roomy ? 0.32 : 0.45)
            yLabels = names.map {
                canvas.wrapped(
                    $0, font: Theme.tickLabel, maxWidth: maxWidth, maxLines: roomy ? 2 : 1
                )
                .joined(separator: "\n")
            }
        }
        let yLabelWidth =
            yLabels.flatMap { $0.split(separator: "\n") }
            .map { canvas.measure(String($0), font: Theme.tickLabel).width }.max() ?? 0
        var left = (yTitle == nil ? 0 : titleHeight + 4) + yLabelWidth + 3 + Theme.tickLength

        // Right: room for half of the last numeric x label.
        var right = reserveRight + 4
        var xLabels: [String] = []
        if case .numeric(let t) = x {
            xLabels = t.labels
            right = max(
                right,
                reserveRight + (canvas.measure(xLabels.last ?? "", font: Theme.tickLabel).width / 2)
                    + 1)
        }
        let top = max(y.isNumeric ? tickHeight / 2 : 2, reserveTop)
        var plotWidth = max(10, area.width - left - right)

        // Bottom: x labels, straight or turned when category names do not fit their band.
        var rotate = false
        var xLabelsHeight = tickHeight
        if case .categories(let names) = x {
            let band = plotWidth / Double(max(1, names.count))
            let widest = names.map { canvas.measure($0, font: Theme.tickLabel).width }.max() ?? 0
            if widest > band - 3 {
                rotate = true
                let maxLength = min(area.height * 0.35 / sin(Axes.rotation), 120)
                xLabels = names.map {
                    canvas.fitting($0, font: Theme.tickLabel, maxWidth: maxLength)
                }
                let longest =
                    xLabels.map { canvas.measure($0, font: Theme.tickLabel).width }.max() ?? 0
                xLabelsHeight = longest * sin(Axes.rotation) + tickHeight * cos(Axes.rotation)
                // Turned labels reach left of their band; the first ones may need a wider margin.
                let band = plotWidth / Double(max(1, names.count))
                var overhang = 0.0
                for (i, label) in xLabels.enumerated() {
                    let reach =
                        canvas.measure(label, font: Theme.tickLabel).width * cos(Axes.rotation)
                    overhang = max(overhang, reach - band * (Double(i) + 0.5) - left)
                }
                if overhang > 0 {
                    left += overhang + 2
                    plotWidth = max(10, area.width - left - right)
                }
            } else {
                xLabels = names
            }
        }
        let bottom = Theme.tickLength + 2 + xLabelsHeight + (xTitle == nil ? 0 : 3 + titleHeight)
        let plot = Rect(
            x: area.minX + left, y: area.minY + top, width: plotWidth,
            height: max(10, area.height - top - bottom))
        return Layout(
            area: area, plot: plot, xLabels: xLabels, yLabels: yLabels, rotateXLabels: rotate)
    }

    /// Whether numeric x labels sit side by side with room between them.
    func xLabelsFit(_ layout: Layout, on canvas: Canvas) -> Bool {
        guard case .numeric = x, layout.xLabels.count > 1 else { return true }
        let widest =
            layout.xLabels.map { canvas.measure($0, font: Theme.tickLabel).width }.max() ?? 0
        let spacing = layout.plot.width / Double(layout.xLabels.count - 1)
        return widest + 6 <= spacing
    }

    /// Position of tick `i` (or category `i`) along the x axis of `plot`.
    func xPosition(_ i: Int, in plot: Rect) -> Double {
        switch x {
        case .numeric(let t): t.map(t.values[i], from: plot.minX, to: plot.maxX)
        case .categories(let c):
            plot.minX + plot.width * (Double(i) + 0.5) / Double(max(1, c.count))
        }
    }

    func yPosition(_ i: Int, in plot: Rect) -> Double {
        switch y {
        case .numeric(let t): t.map(t.values[i], from: plot.maxY, to: plot.minY)
        case .categories(let c):
            plot.minY + plot.height * (Double(i) + 0.5) / Double(max(1, c.count))
        }
    }

    /// Grid lines, drawn under the data.
    func drawGrid(_ layout: Layout, on canvas: Canvas) {
        let plot = layout.plot
        canvas.group("grid") {
            if gridY, y.isNumeric {
                for i in 0..<y.count {
                    let py = yPosition(i, in: plot)
                    canvas.move(to: Point(plot.minX, py))
                    canvas.line(to: Point(plot.maxX, py))
                }
            }
            if gridX, x.isNumeric {
                for i in 0..<x.count {
                    let px = xPosition(i, in: plot)
                    canvas.move(to: Point(px, plot.minY))
                    canvas.line(to: Point(px, plot.maxY))
                }
            }
            canvas.stroke(.grid, width: Theme.gridWidth)
        }
    }

    /// Spines, ticks, labels and titles, drawn over the data.
    func drawAxes(_ layout: Layout, on canvas: Canvas) {
        let plot = layout.plot, area = layout.area
        canvas.group("axes") {
            // Left and bottom spines only: no box.
            canvas.move(to: Point(plot.minX, plot.minY))
            canvas.line(to: Point(plot.minX, plot.maxY))
            canvas.line(to: Point(plot.maxX, plot.maxY))
            for i in 0..<x.count {
                let px = xPosition(i, in: plot)
                canvas.move(to: Point(px, plot.maxY))
                canvas.line(to: Point(px, plot.maxY + Theme.tickLength))
            }
            for i in 0..<y.count {
                let py = yPosition(i, in: plot)
                canvas.move(to: Point(plot.minX, py))
                canvas.line(to: Point(plot.minX - Theme.tickLength, py))
            }
            canvas.stroke(.axis, width: Theme.axisWidth)
            drawBreaks(plot, on: canvas)

            let labelTop = plot.maxY + Theme.tickLength + 2
            for (i, label) in layout.xLabels.enumerated() {
                let px = xPosition(i, in: plot)
                if layout.rotateXLabels {
                    canvas.save()
                    canvas.translate(px + 2, labelTop)
                    canvas.rotate(-Axes.rotation)
                    canvas.text(
                        label, at: Point(0, 0), font: Theme.tickLabel, color: .subtleInk,
                        anchor: Anchor(horizontal: .right, vertical: .middle))
                    canvas.restore()
                } else {
                    canvas.text(
                        label, at: Point(px, labelTop), font: Theme.tickLabel,
                        color: .subtleInk, anchor: .topCenter)
                }
            }
            for (i, label) in layout.yLabels.enumerated() {
                let lines = label.split(separator: "\n").map(String.init)
                let lineHeight = canvas.lineHeight(Theme.tickLabel)
                var y = yPosition(i, in: plot) - lineHeight * Double(lines.count - 1) / 2
                for line in lines {
                    canvas.text(
                        line, at: Point(plot.minX - Theme.tickLength - 3, y), font: Theme.tickLabel,
                        color: .subtleInk, anchor: .right)
                    y += lineHeight
                }
            }
            if let xTitle {
                canvas.text(
                    canvas.fitting(xTitle, font: Theme.axisTitle, maxWidth: area.width),
                    at: Point(plot.midX, area.maxY), font: Theme.axisTitle, color: .ink,
                    anchor: .bottomCenter)
            }
            if let yTitle {
                canvas.save()
                canvas.translate(area.minX, plot.midY)
                canvas.rotate(-Double.pi / 2)
                canvas.text(
                    canvas.fitting(yTitle, font: Theme.axisTitle, maxWidth: plot.height + 20),
                    at: Point(0, 0), font: Theme.axisTitle, color: .ink, anchor: .topCenter)
                canvas.restore()
            }
        }
    }
}

extension Axes {
    /// Whether axis content is numbers on a range that leaves out zero, and which end of
    /// the spine is the one nearer zero (the low end unless every value is below zero).
    static func zeroLeftOut(_ content: AxisContent) -> (low: Bool, high: Bool) {
        guard let t = content.ticks, t.low < t.high else { return (false, false) }
        return (t.low > 0, t.high < 0)
    }

    /// A break mark (two short slashes across a gap in the spine) near the end of each
    /// marked axis that would have reached zero.
    func drawBreaks(_ plot: Rect, on canvas: Canvas) {
        let inset = 7.0, half = 2.6, gap = 1.6
        func mark(_ centre: Point, alongY: Bool) {
            canvas.group("axis-break") {
                if alongY {
                    canvas.fillRect(
                        Rect(x: centre.x - 1, y: centre.y - gap, width: 2, height: 2 * gap), .white)
                    for dy in [-gap, gap] {
                        canvas.move(to: Point(centre.x - half, centre.y + dy + 1.1))
                        canvas.line(to: Point(centre.x + half, centre.y + dy - 1.1))
                    }
                } else {
                    canvas.fillRect(
                        Rect(x: centre.x - gap, y: centre.y - 1, width: 2 * gap, height: 2), .white)
                    for dx in [-gap, gap] {
                        canvas.move(to: Point(centre.x + dx - 1.1, centre.y + half))
                        canvas.line(to: Point(centre.x + dx + 1.1, centre.y - half))
                    }
                }
                canvas.stroke(.axis, width: Theme.axisWidth)
            }
        }
        if breakY {
            let (low, high) = Axes.zeroLeftOut(y)
            if low { mark(Point(plot.minX, plot.maxY - inset), alongY: true) }
            if high { mark(Point(plot.minX, plot.minY + inset), alongY: true) }
        }
        if breakX {
            let (low, high) = Axes.zeroLeftOut(x)
            if low { mark(Point(plot.minX + inset, plot.maxY), alongY: false) }
            if high { mark(Point(plot.maxX - inset, plot.maxY), alongY: false) }
        }
    }
}

extension AxisContent {
    var isNumeric: Bool {
        if case .numeric = self { return true }
        return false
    }
}
