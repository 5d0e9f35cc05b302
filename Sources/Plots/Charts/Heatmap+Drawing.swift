import Foundation

extension Heatmap {
    /// The colour range: the range's fixed ends, the finite values' span for the others.
    var colorRange: (low: Double, high: Double) {
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let (lo, hi, _, _) = (range ?? AxisRange(-.infinity, .infinity))
            .resolved(dataMin: finite.min() ?? 0, dataMax: finite.max() ?? 1)
        return lo < hi ? (lo, hi) : (lo, lo + 1)
    }

    func draw(in area: Rect, on canvas: Canvas) {
        let rows = rowLabels.count, columns = columnLabels.count
        guard rows > 0, columns > 0 else {
            canvas.text(
                "No data", at: Point(area.midX, area.midY), font: Theme.note,
                color: .subtleInk, anchor: .center)
            return
        }
        let font = Theme.tickLabel
        let lineHeight = canvas.lineHeight(font)
        let titleHeight = canvas.lineHeight(Theme.axisTitle)
        let (low, high) = colorRange

        // Left: y title and row labels. Right: colour bar with its labels and title.
        // Long row names take two lines when rows are tall enough for them.
        let roomy = (area.height - 3 * lineHeight) / Double(rows) >= 2.4 * lineHeight
        let rowNames = rowLabels.map {
            canvas.wrapped(
                $0, font: font, maxWidth: area.width * (roomy ? 0.24 : 0.3), maxLines: roomy ? 2 : 1
            )
        }
        let rowWidth =
            rowNames.flatMap { $0 }.map { canvas.measure($0, font: font).width }.max() ?? 0
        let left = (yLabel == nil ? 0 : titleHeight + 5) + rowWidth + 5
        let barTicks = Ticks(min: low, max: high, target: 5, fixed: AxisRange(low, high))
        let barLabels =
            colorBarFormat.map { f in barTicks.values.map { f.format($0) } } ?? barTicks.labels
        var right = 0.0
        if showsColorBar {
            let labelWidth = barLabels.map { canvas.measure($0, font: font).width }.max() ?? 0
            right =
                12 + 9 + Theme.tickLength + 2 + labelWidth
                + (colorBarLabel == nil ? 0 : 5 + titleHeight)
        }
        let availableWidth = max(10, area.width - left - right)
        let bottomTitle = xLabel == nil ? 0 : titleHeight + 4

        // Column labels straight if they fit a cell, else turned; cells stay square.
        var columnNames = columnLabels
        var rotate = false
        var labelsHeight = lineHeight + 4
        var cell = min(
            availableWidth / Double(columns),
            (area.height - labelsHeight - bottomTitle) / Double(rows))
        let widest = columnLabels.map { canvas.measure($0, font: font).width }.max() ?? 0
        if widest > cell - 2 {
            rotate = true
            let maxLength = min(100, area.height * 0.3 / sin(Axes.rotation))
            columnNames = columnLabels.map { canvas.fitting($0, font: font, maxWidth: maxLength) }
            let longest = columnNames.map { canvas.measure($0, font: font).width }.max() ?? 0
            labelsHeight = longest * sin(Axes.rotation) + lineHeight * cos(Axes.rotation) + 4
            cell = min(
                availableWidth / Double(columns),
                (area.height - labelsHeight - bottomTitle) / Double(rows))
        }
        cell = max(3, cell)
        let gridWidth = cell * Double(columns), gridHeight = cell * Double(rows)
        let blockWidth = left + gridWidth + right
        let originX = area.minX + max(0, (area.width - blockWidth) / 2) + left
        let blockHeight = gridHeight + labelsHeight + bottomTitle
        let grid = Rect(
            x: originX, y: area.minY + 1 + max(0, (area.height - 1 - blockHeight) / 2),
            width: gridWidth, height: gridHeight)

        // Cells, their text, then thin white separators.
        let style = annotationStyle(cell: cell, on: canvas)
        for r in 0..<rows {
            for c in 0..<columns {
                let rect = Rect(
                    x: grid.minX + Double(c) * cell, y: grid.minY + Double(r) * cell,
                    width: cell, height: cell)
                let v = values[r][c]
                let fill =
                    v.isFinite ? colormap.color(at: (v - low) / (high - low)) : Color(hex: 0xF0F0F0)
                canvas.group("cell") {
                    canvas.fillRect(rect, fill)
                    if let style, let text = annotations?[r][c] {
                        drawAnnotation(text, in: rect, on: fill, style: style, canvas: canvas)
                    }
                }
            }
        }
        for c in 1..<max(1, columns) {
            let x = grid.minX + Double(c) * cell
            canvas.move(to: Point(x, grid.minY))
            canvas.line(to: Point(x, grid.maxY))
        }
        for r in 1..<max(1, rows) {
            let y = grid.minY + Double(r) * cell
            canvas.move(to: Point(grid.minX, y))
            canvas.line(to: Point(grid.maxX, y))
        }
        canvas.stroke(.white, width: min(1, cell * 0.04))

        // Labels.
        canvas.group("axes") {
            for (r, lines) in rowNames.enumerated() {
                var y =
                    grid.minY + (Double(r) + 0.5) * cell - lineHeight * Double(lines.count - 1) / 2
                for line in lines {
                    canvas.text(
                        line, at: Point(grid.minX - 5, y), font: font, color: .subtleInk,
                        anchor: .right)
                    y += lineHeight
                }
            }
            for (c, name) in columnNames.enumerated() {
                let x = grid.minX + (Double(c) + 0.5) * cell
                if rotate {
                    canvas.save()
                    canvas.translate(x + 2, grid.maxY + 4)
                    canvas.rotate(-Axes.rotation)
                    canvas.text(
                        name, at: Point(0, 0), font: font, color: .subtleInk, anchor: .right)
                    canvas.restore()
                } else {
                    canvas.text(
                        name, at: Point(x, grid.maxY + 4), font: font, color: .subtleInk,
                        anchor: .topCenter)
                }
            }
            if let xLabel {
                canvas.text(
                    canvas.fitting(xLabel, font: Theme.axisTitle, maxWidth: area.width),
                    at: Point(grid.midX, grid.maxY + labelsHeight + 2), font: Theme.axisTitle,
                    color: .ink, anchor: .topCenter)
            }
            if let yLabel {
                canvas.save()
                canvas.translate(grid.minX - left, grid.midY)
                canvas.rotate(-Double.pi / 2)
                canvas.text(
                    canvas.fitting(yLabel, font: Theme.axisTitle, maxWidth: gridHeight + 20),
                    at: Point(0, 0), font: Theme.axisTitle, color: .ink, anchor: .topCenter)
                canvas.restore()
            }
        }
        if showsColorBar {
            drawColorBar(
                Rect(x: grid.maxX + 12, y: grid.minY, width: 9, height: gridHeight), barTicks,
                barLabels, on: canvas)
        }
    }

    /// One look for every cell's text: the first line at the largest size (up to 8.5 pt)
    /// at which the widest fits a cell, further lines smaller, shown only if they fit
    /// in every cell.
    struct AnnotationStyle {
        var main: Font
        var sub: Font
        var showsRest: Bool
    }

    func annotationStyle(cell: Double, on canvas: Canvas) -> AnnotationStyle? {
        guard let annotations else { return nil }
        let texts: [String] = Array(annotations.joined())
        let lines: [[String]] = texts.map { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        }
        let firsts = lines.compactMap(\.first), rests = lines.flatMap { $0.dropFirst() }
        func widest(_ texts: [String], _ font: Font) -> Double {
            Set(texts).map { canvas.measure($0, font: font).width }.max() ?? 0
        }
        var main = Font(size: min(8.5, (cell * 0.3 * 2).rounded(.down) / 2))
        while main.size > 4.5 && widest(firsts, main) > cell - 3 { main.size -= 0.5 }
        guard widest(firsts, main) <= cell - 2 else { return nil }
        let sub = Font(size: main.size * 0.82)
        let restLines = lines.map { $0.count - 1 }.max() ?? 0
        let showsRest =
            restLines > 0 && sub.size >= 5 && widest(rests, sub) <= cell - 3
            && canvas.lineHeight(main) + canvas.lineHeight(sub) * Double(restLines) <= cell * 0.9
        return AnnotationStyle(main: main, sub: sub, showsRest: showsRest)
    }

    /// Cell text in the shared style; white on dark cells.
    private func drawAnnotation(
        _ text: String, in rect: Rect, on fill: Color, style: AnnotationStyle,
        canvas: Canvas
    ) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first else { return }
        let ink = Color.readable(on: fill)
        let rest = style.showsRest ? Array(lines.dropFirst()) : []
        let mainHeight = canvas.lineHeight(style.main), subHeight = canvas.lineHeight(style.sub)
        var y = rect.midY - (mainHeight + subHeight * Double(rest.count)) / 2
        canvas.text(
            first, at: Point(rect.midX, y), font: style.main, color: ink, anchor: .topCenter)
        y += mainHeight
        for line in rest {
            canvas.text(
                line, at: Point(rect.midX, y), font: style.sub, color: ink.withAlpha(0.85),
                anchor: .topCenter)
            y += subHeight
        }
    }

    private func drawColorBar(_ bar: Rect, _ ticks: Ticks, _ labels: [String], on canvas: Canvas) {
        canvas.group("colorbar") {
            canvas.image(colormap.gradient(vertical: true), in: bar, smooth: true)
            canvas.rectangle(bar)
            canvas.stroke(.axis, width: 0.4)
            for (i, v) in ticks.values.enumerated() {
                let y = ticks.map(v, from: bar.maxY, to: bar.minY)
                canvas.line(
                    from: Point(bar.maxX, y), to: Point(bar.maxX + Theme.tickLength, y),
                    color: .axis, width: Theme.axisWidth)
                canvas.text(
                    labels[i], at: Point(bar.maxX + Theme.tickLength + 2, y), font: Theme.tickLabel,
                    color: .subtleInk, anchor: .left)
            }
            if let colorBarLabel {
                let labelWidth =
                    labels.map { canvas.measure($0, font: Theme.tickLabel).width }.max() ?? 0
                canvas.save()
                canvas.translate(bar.maxX + Theme.tickLength + 2 + labelWidth + 5, bar.midY)
                canvas.rotate(Double.pi / 2)
                canvas.text(
                    canvas.fitting(colorBarLabel, font: Theme.axisTitle, maxWidth: bar.height + 20),
                    at: Point(0, 0), font: Theme.axisTitle, color: .ink, anchor: .bottomCenter)
                canvas.restore()
            }
        }
    }
}
