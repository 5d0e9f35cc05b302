extension Figure {
    /// Draws the whole figure on `canvas` in a `width` x `height` box at the origin.
    func draw(on canvas: Canvas, width: Double, height: Double) {
        canvas.fillRect(Rect(x: 0, y: 0, width: width, height: height), .white)
        var area = Rect(x: 0, y: 0, width: width, height: height).insetBy(Theme.outerMargin)
        if let title, !title.isEmpty {
            let fitted = canvas.fitting(title, font: Theme.figureTitle, maxWidth: area.width)
            canvas.group("figure-title") {
                canvas.text(fitted, at: Point(area.midX, area.minY), font: Theme.figureTitle,
                            color: .ink, anchor: .topCenter)
            }
            area = area.inset(top: canvas.lineHeight(Theme.figureTitle) + 6)
        }
        let columns = max(1, min(self.columns, max(1, panels.count)))
        let rows = panels.isEmpty ? 1 : (panels.count + columns - 1) / columns
        let gap = Theme.panelGap
        let cellWidth = (area.width - gap * Double(columns - 1)) / Double(columns)
        let cellHeight = (area.height - gap * Double(rows - 1)) / Double(rows)
        for (i, panel) in panels.enumerated() {
            let r = Rect(x: area.minX + Double(i % columns) * (cellWidth + gap),
                         y: area.minY + Double(i / columns) * (cellHeight + gap),
                         width: cellWidth, height: cellHeight)
            canvas.group("panel") { panel.draw(in: r, on: canvas) }
        }
    }
}

extension Panel {
    func draw(in rect: Rect, on canvas: Canvas) {
        var area = rect
        if let title, !title.isEmpty {
            let fitted = canvas.fitting(title, font: Theme.panelTitle, maxWidth: rect.width)
            canvas.group("panel-title") {
                canvas.text(fitted, at: Point(rect.midX, rect.minY), font: Theme.panelTitle,
                            color: .ink, anchor: .topCenter)
            }
            area = area.inset(top: canvas.lineHeight(Theme.panelTitle) + 5)
        }
        switch chart {
        case .lines(let chart): chart.draw(in: area, on: canvas)
        case .bars(let chart): chart.draw(in: area, on: canvas)
        case .heatmap(let chart): chart.draw(in: area, on: canvas)
        case .images(let chart): chart.draw(in: area, on: canvas)
        }
    }
}
