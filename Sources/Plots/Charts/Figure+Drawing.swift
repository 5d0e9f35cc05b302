extension Figure {
    /// Draws the whole figure on `canvas` in a `width` x `height` box at the origin.
    func draw(on canvas: Canvas, width: Double, height: Double) {
        canvas.fillRect(Rect(x: 0, y: 0, width: width, height: height), .white)
        var area = Rect(x: 0, y: 0, width: width, height: height).insetBy(Theme.outerMargin)
        if let title, !title.isEmpty {
            let fitted = canvas.fitting(title, font: Theme.figureTitle, maxWidth: area.width)
            canvas.group("figure-title") {
                canvas.text(
                    fitted, at: Point(area.midX, area.minY), font: Theme.figureTitle,
                    color: .ink, anchor: .topCenter)
            }
            area = area.inset(top: canvas.lineHeight(Theme.figureTitle) + 6)
        }
        var panels = self.panels
        if let shared = sharedLegend {
            // One legend for all panels, in rows under the title.
            let flow = shared.flow(maxWidth: area.width, on: canvas)
            shared.drawFlow(
                at: Point(area.midX - flow.size.width / 2, area.minY), offsets: flow.offsets,
                on: canvas)
            area = area.inset(top: flow.size.height + 6)
            panels = panels.map { $0.withoutLegend }
        }
        let columns = max(1, min(self.columns, max(1, panels.count)))
        let rows = panels.isEmpty ? 1 : (panels.count + columns - 1) / columns
        let gap = Theme.panelGap
        let cellWidth = (area.width - gap * Double(columns - 1)) / Double(columns)
        let cellHeight = (area.height - gap * Double(rows - 1)) / Double(rows)
        for (i, panel) in panels.enumerated() {
            let r = Rect(
                x: area.minX + Double(i % columns) * (cellWidth + gap),
                y: area.minY + Double(i / columns) * (cellHeight + gap),
                width: cellWidth, height: cellHeight)
            canvas.group("panel") { panel.draw(in: r, on: canvas) }
        }
    }
}

extension Figure {
    /// The legend every panel would draw, when there are several panels and all would
    /// draw the same one (same names, same colours and lines); nil otherwise.
    var sharedLegend: Legend? {
        guard panels.count > 1 else { return nil }
        let legends = panels.map { panel -> [Legend.Entry]? in
            switch panel.chart {
            case .lines(let c): c.legend == .hidden ? nil : c.legendEntries
            case .bars(let c): c.legend == .hidden ? nil : c.legendEntries
            case .heatmap, .images: nil
            }
        }
        guard let first = legends[0], !first.isEmpty, legends.allSatisfy({ $0 == first }) else {
            return nil
        }
        return Legend(entries: first)
    }
}

extension Panel {
    /// The panel with its chart's legend hidden.
    var withoutLegend: Panel {
        var copy = self
        switch chart {
        case .lines(var c): c.legend = .hidden; copy.chart = .lines(c)
        case .bars(var c): c.legend = .hidden; copy.chart = .bars(c)
        case .heatmap, .images: break
        }
        return copy
    }

    func draw(in rect: Rect, on canvas: Canvas) {
        var area = rect
        if let title, !title.isEmpty {
            let fitted = canvas.fitting(title, font: Theme.panelTitle, maxWidth: rect.width)
            canvas.group("panel-title") {
                canvas.text(
                    fitted, at: Point(rect.midX, rect.minY), font: Theme.panelTitle,
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
