import Foundation

extension ImageGrid {
    static let gap = 6.0
    /// Caption line height at `Theme.caption`, used before a canvas exists.
    static let captionLineHeight = 9.5
    /// The strip a colour bar takes under the grid.
    static let colorBarHeight = 22.0

    private var aspect: Double {
        images.map { Double($0.height) / Double(max(1, $0.width)) }.max() ?? 1
    }

    /// The height this grid wants at `width`, so images keep their aspect.
    func naturalHeight(width: Double, hasTitle: Bool) -> Double {
        let n = max(1, images.count)
        let cols = min(columns, n), rows = (n + cols - 1) / cols
        let labelWidth = rowLabels == nil ? 0 : 60.0
        let cell = (width - labelWidth - ImageGrid.gap * Double(cols - 1)) / Double(cols)
        let captions = (0..<rows).reduce(0.0) { total, r in
            let lines =
                images.isEmpty
                ? 0
                : images[(r * cols)..<min(images.count, (r + 1) * cols)].map(\.caption.count).max()
                    ?? 0
            return total + Double(lines) * ImageGrid.captionLineHeight + (lines > 0 ? 3 : 0)
        }
        return Double(rows) * cell * aspect + captions + ImageGrid.gap * Double(rows - 1)
            + (hasTitle ? 17 : 0)
            + (colorBar == nil ? 0 : ImageGrid.colorBarHeight)
    }

    func draw(in area: Rect, on canvas: Canvas) {
        guard let colorBar, !images.isEmpty else { return drawImages(in: area, on: canvas) }
        let strip = ImageGrid.colorBarHeight
        drawImages(
            in: Rect(
                x: area.minX, y: area.minY, width: area.width, height: max(4, area.height - strip)),
            on: canvas)
        drawColorBar(
            colorBar, centredAt: Point(area.midX, area.maxY - strip / 2 + 2), width: area.width,
            on: canvas)
    }

    /// `label  low ▕gradient▏ high`, centred on `centre`.
    private func drawColorBar(
        _ bar: GridColorBar, centredAt centre: Point, width: Double, on canvas: Canvas
    ) {
        canvas.group("colorbar") {
            let barWidth = min(160, width * 0.4), barHeight = 7.0
            let font = Theme.tickLabel
            let low = canvas.measure(bar.low, font: font).width,
                high = canvas.measure(bar.high, font: font).width
            let label = bar.label.map { canvas.fitting($0, font: font, maxWidth: width * 0.3) }
            let labelWidth = label.map { canvas.measure($0, font: font).width + 10 } ?? 0
            let total = labelWidth + low + 4 + barWidth + 4 + high
            var x = centre.x - total / 2
            if let label {
                canvas.text(label, at: Point(x, centre.y), font: font, color: .ink, anchor: .left)
                x += labelWidth
            }
            canvas.text(
                bar.low, at: Point(x, centre.y), font: font, color: .subtleInk, anchor: .left)
            x += low + 4
            let rect = Rect(x: x, y: centre.y - barHeight / 2, width: barWidth, height: barHeight)
            canvas.image(bar.colormap.gradient(), in: rect, smooth: true)
            canvas.rectangle(rect)
            canvas.stroke(.axis, width: 0.4)
            canvas.text(
                bar.high, at: Point(rect.maxX + 4, centre.y), font: font, color: .subtleInk,
                anchor: .left)
        }
    }

    private func drawImages(in area: Rect, on canvas: Canvas) {
        guard !images.isEmpty else {
            canvas.text(
                "No images", at: Point(area.midX, area.midY), font: Theme.note,
                color: .subtleInk, anchor: .center)
            return
        }
        let n = images.count
        let cols = min(columns, n), rows = (n + cols - 1) / cols
        let gap = ImageGrid.gap
        let lineHeight = canvas.lineHeight(Theme.caption)
        // Each row is as tall as its images plus its own longest caption.
        let captionHeights = (0..<rows).map { r -> Double in
            let lines = images[(r * cols)..<min(n, (r + 1) * cols)].map(\.caption.count).max() ?? 0
            return Double(lines) * lineHeight + (lines > 0 ? 3 : 0)
        }
        let totalCaptions = captionHeights.reduce(0, +)
        let labels = rowLabels.map {
            $0.map { canvas.fitting($0, font: Theme.tickLabel, maxWidth: area.width * 0.22) }
        }
        let labelWidth =
            labels.map {
                ($0.map { canvas.measure($0, font: Theme.tickLabel).width }.max() ?? 0) + 6
            } ?? 0

        var cellWidth = (area.width - labelWidth - gap * Double(cols - 1)) / Double(cols)
        var imageHeight = cellWidth * aspect
        let byHeight = (area.height - totalCaptions - gap * Double(rows - 1)) / Double(rows)
        if byHeight < imageHeight {
            imageHeight = max(4, byHeight)
            cellWidth = imageHeight / aspect
        }
        let blockWidth = labelWidth + cellWidth * Double(cols) + gap * Double(cols - 1)
        let blockHeight = imageHeight * Double(rows) + totalCaptions + gap * Double(rows - 1)
        let originX = area.minX + (area.width - blockWidth) / 2 + labelWidth
        let originY = area.minY + max(0, (area.height - blockHeight) / 2)
        var rowTops: [Double] = []
        var y = originY
        for r in 0..<rows {
            rowTops.append(y)
            y += imageHeight + captionHeights[r] + gap
        }

        for (i, image) in images.enumerated() {
            let col = i % cols, row = i / cols
            let cell = Rect(
                x: originX + Double(col) * (cellWidth + gap), y: rowTops[row],
                width: cellWidth, height: imageHeight)
            // Fit the image's own aspect inside the cell, centred.
            let own = Double(image.height) / Double(max(1, image.width))
            let w = min(cell.width, cell.height / own), h = w * own
            let rect = Rect(
                x: cell.midX - w / 2, y: cell.minY + (cell.height - h) / 2, width: w, height: h)
            canvas.group("image") {
                canvas.image(image.rgba, in: rect, smooth: true)
                if let overlay = image.overlay {
                    canvas.image(overlay.rgba, in: rect, smooth: true)
                }
                var y = cell.maxY + 3
                for line in image.caption {
                    let text = canvas.fitting(
                        line.text, font: Theme.caption, maxWidth: cellWidth + gap - 1)
                    canvas.text(
                        text, at: Point(cell.midX, y), font: Theme.caption,
                        color: Theme.color(for: line.tone), anchor: .topCenter)
                    y += lineHeight
                }
            }
        }
        if let labels {
            for (row, label) in labels.prefix(rows).enumerated() {
                canvas.text(
                    label, at: Point(originX - 6, rowTops[row] + imageHeight / 2),
                    font: Theme.tickLabel,
                    color: .ink, anchor: .right)
            }
        }
    }
}

extension GridImage {
    /// The pixels as RGBA.
    var rgba: RGBAImage {
        let count = width * height
        var out = [UInt8](repeating: 255, count: count * 4)
        let p = pixels.bytes
        for i in 0..<count {
            if channels == 1 {
                out[i * 4] = p[i]
                out[i * 4 + 1] = p[i]
                out[i * 4 + 2] = p[i]
            } else {
                out[i * 4] = p[i * 3]
                out[i * 4 + 1] = p[i * 3 + 1]
                out[i * 4 + 2] = p[i * 3 + 2]
            }
        }
        return RGBAImage(width: width, height: height, rgba: out)
    }
}

extension HeatOverlay {
    /// The heat coloured by the colormap; opacity grows with heat up to `alpha`, so cold
    /// regions leave the image visible.
    var rgba: RGBAImage {
        var out = [UInt8](repeating: 0, count: width * height * 4)
        let alpha = min(1, max(0, self.alpha))
        for (i, v) in values.bytes.enumerated() {
            let t = Double(v) / 255
            let c = colormap.color(at: t)
            let a = quantize(alpha * (0.15 + 0.85 * t.squareRoot()) * 255)
            out[i * 4] = quantize(c.red * 255)
            out[i * 4 + 1] = quantize(c.green * 255)
            out[i * 4 + 2] = quantize(c.blue * 255)
            out[i * 4 + 3] = a
        }
        return RGBAImage(width: width, height: height, rgba: out)
    }
}
