import Foundation

extension BarChart {
    func color(ofGroup i: Int) -> Color { groups[i].color ?? Color.palette(i) }

    /// One entry per group when there are two or more.
    var legendEntries: [Legend.Entry] {
        groups.count < 2
            ? []
            : groups.indices.map {
                Legend.Entry(name: groups[$0].name, swatch: .box(color(ofGroup: $0)))
            }
    }

    /// Where everything goes: axes and legend, bars, and the value labels that found room.
    struct Geometry {
        var chart: ChartLayout
        var bars: [Bar]
        /// One per bar at most; a bar whose value has no free place has none.
        var labels: [ValueLabel]
    }

    /// A bar's value written past its end, level or turned upright, or further out with a
    /// leader line back to the bar.
    struct ValueLabel {
        var text: String
        var rect: Rect
        var rotated: Bool
        var leader: Leader? = nil
        /// Index into `Geometry.bars`.
        var bar: Int = -1
    }

    func geometry(in area: Rect, legend: Legend, on canvas: Canvas) -> Geometry {
        let vertical = orientation == .vertical
        let finite = groups.flatMap(\.values).filter(\.isFinite)
        var low = min(0, finite.min() ?? 0)
        var high = max(0, finite.max() ?? 1)
        if finite.allSatisfy({ $0 == 0 }) { high = 1 }
        // Labels past negative bars need room inside the plot: the tick labels lie beyond it.
        if valueFormat != nil && low < 0 { low -= (high - low) * 0.1 }

        // Value labels past the longest bar get room beside the plot, not a longer axis.
        var reserve = 0.0
        if let valueFormat {
            reserve =
                vertical
                ? canvas.lineHeight(Theme.valueLabel) + 2
                : (finite.map {
                    canvas.measure(valueFormat.format($0), font: Theme.valueLabel).width
                }.max() ?? 0) + 5
        }
        let chart = ChartLayout.make(
            in: area, legend: legend, placement: self.legend, reserveRight: vertical ? 0 : reserve,
            reserveTop: vertical ? reserve : 0, on: canvas,
            makeAxes: { target in
                makeAxes(
                    Ticks(min: low, max: high, target: vertical ? 5 : target, fixed: valueRange))
            },
            obstacles: { axes, frame in
                let bars = self.bars(frame.plot, axes.valueTicks)
                let labels = valueLabels(bars, frame, reserve: reserve, on: canvas)
                return ([], bars.map(\.rect) + labels.map(\.rect))
            })
        let bars = self.bars(chart.frame.plot, chart.axes.valueTicks)
        return Geometry(
            chart: chart, bars: bars,
            labels: valueLabels(bars, chart.frame, reserve: reserve, on: canvas))
    }

    func draw(in area: Rect, on canvas: Canvas) {
        let legend = Legend(entries: self.legend == .hidden ? [] : legendEntries)
        let geometry = self.geometry(in: area, legend: legend, on: canvas)
        let chart = geometry.chart, axes = chart.axes, layout = chart.frame
        var labelOf: [Int: ValueLabel] = [:]
        for label in geometry.labels { labelOf[label.bar] = label }

        axes.drawGrid(layout, on: canvas)
        for (i, bar) in geometry.bars.enumerated() {
            canvas.group("bar") {
                canvas.fillRect(bar.rect, color(ofGroup: bar.group))
                if let label = labelOf[i] {
                    if let leader = label.leader {
                        canvas.line(from: leader.from, to: leader.to, color: .subtleInk, width: 0.5)
                    }
                    if label.rotated {
                        canvas.save()
                        canvas.translate(label.rect.midX, label.rect.maxY)
                        canvas.rotate(-Double.pi / 2)
                        canvas.text(
                            label.text, at: Point(0, 0), font: Theme.valueLabel,
                            color: .subtleInk, anchor: .left)
                        canvas.restore()
                    } else {
                        canvas.text(
                            label.text, at: Point(label.rect.midX, label.rect.midY),
                            font: Theme.valueLabel, color: .subtleInk, anchor: .center)
                    }
                }
            }
        }
        axes.drawAxes(layout, on: canvas)
        if categories.isEmpty || groups.isEmpty {
            canvas.text(
                "No data", at: Point(layout.plot.midX, layout.plot.midY), font: Theme.note,
                color: .subtleInk, anchor: .center)
        }
        chart.drawLegend(legend, on: canvas)
    }

    private func makeAxes(_ ticks: Ticks) -> Axes {
        orientation == .vertical
            ? Axes(
                x: .categories(categories), y: .numeric(ticks), xTitle: categoryLabel,
                yTitle: valueLabel, gridX: false, gridY: gridLines, breakY: true)
            : Axes(
                x: .numeric(ticks), y: .categories(categories), xTitle: valueLabel,
                yTitle: categoryLabel, gridX: gridLines, gridY: false, breakX: true)
    }

    /// The shortest a drawn bar gets (points): a zero shows as a hairline.
    static let minimumBarLength = 1.2

    struct Bar {
        var rect: Rect
        var category: Int
        var group: Int
        var value: Double
    }

    /// One rectangle per finite value, grouped within each category's band.
    private func bars(_ plot: Rect, _ ticks: Ticks) -> [Bar] {
        guard !categories.isEmpty, !groups.isEmpty else { return [] }
        let vertical = orientation == .vertical
        let length = vertical ? plot.width : plot.height
        let band = length / Double(categories.count)
        let inner = band * (groups.count == 1 ? 0.68 : 0.8)
        let gap = groups.count == 1 ? 0 : min(1.5, inner / Double(groups.count) * 0.1)
        let thickness = (inner - gap * Double(groups.count - 1)) / Double(groups.count)
        let clampedBase = min(max(0, ticks.low), ticks.high)
        var out: [Bar] = []
        for c in categories.indices {
            let bandStart =
                (vertical ? plot.minX : plot.minY) + band * Double(c) + (band - inner) / 2
            for (g, group) in groups.enumerated() where group.values[c].isFinite {
                let v = min(max(group.values[c], ticks.low), ticks.high)
                let start = bandStart + Double(g) * (thickness + gap)
                // A bar of (nearly) zero length keeps a hairline of its colour at the base,
                // so a zero reads as a value and not as a missing bar.
                let down = v < clampedBase
                if vertical {
                    let y0 = ticks.map(clampedBase, from: plot.maxY, to: plot.minY)
                    let y1 = ticks.map(v, from: plot.maxY, to: plot.minY)
                    let h = max(abs(y1 - y0), Self.minimumBarLength)
                    out.append(
                        Bar(
                            rect: Rect(
                                x: start, y: down ? y0 : y0 - h, width: thickness, height: h),
                            category: c, group: g, value: group.values[c]))
                } else {
                    let x0 = ticks.map(clampedBase, from: plot.minX, to: plot.maxX)
                    let x1 = ticks.map(v, from: plot.minX, to: plot.maxX)
                    let w = max(abs(x1 - x0), Self.minimumBarLength)
                    out.append(
                        Bar(
                            rect: Rect(
                                x: down ? x0 - w : x0, y: start, width: w, height: thickness),
                            category: c, group: g, value: group.values[c]))
                }
            }
        }
        return out
    }

    /// Where each bar's value goes: past the bar's end, clear of every bar and of the
    /// labels before it, inside the plot (and the room kept beside it). Labels are all
    /// level if they fit that way, else all upright; else each takes the first free place
    /// of: level, upright, level one to three lines further out with a leader line. A
    /// label with no free place is left out.
    private func valueLabels(
        _ bars: [Bar], _ frame: Axes.Layout, reserve: Double,
        on canvas: Canvas
    ) -> [ValueLabel] {
        guard let valueFormat, !bars.isEmpty else { return [] }
        let plot = frame.plot
        let bounds =
            orientation == .vertical
            ? Rect(
                x: plot.minX - 2, y: plot.minY - reserve, width: plot.width + 4,
                height: plot.height + reserve)
            : Rect(
                x: plot.minX, y: plot.minY - 1, width: plot.width + reserve, height: plot.height + 2
            )
        let options = bars.map {
            labelCandidates($0, text: valueFormat.format($0.value), on: canvas)
        }
        let level = options.map { Array($0.prefix(1)) }
        let upright = options.map { $0.dropFirst().prefix(1).filter(\.rotated) }
        var best: [ValueLabel] = []
        for strategy in [level, upright, options] {
            var placer = LabelPlacer(bounds: bounds, obstacles: bars.map(\.rect))
            var labels: [ValueLabel] = []
            for (i, candidates) in strategy.enumerated() {
                if let k = placer.place(
                    candidates.map { LabelPlacer.Candidate(rect: $0.rect, leader: $0.leader) })
                {
                    var label = candidates[k]
                    label.bar = i
                    labels.append(label)
                }
            }
            if labels.count == bars.count { return labels }
            if labels.count > best.count { best = labels }
        }
        return best
    }

    /// A bar's label boxes in order of preference: level past the end, turned upright
    /// (vertical bars), then level and further out by one to three lines, with a leader.
    private func labelCandidates(_ bar: Bar, text: String, on canvas: Canvas) -> [ValueLabel] {
        let size = canvas.measure(text, font: Theme.valueLabel)
        let r = bar.rect
        let sign = bar.value < 0 ? -1.0 : 1.0
        if orientation == .horizontal {
            let x = sign < 0 ? r.minX - 3 - size.width : r.maxX + 3
            return [
                ValueLabel(
                    text: text,
                    rect: Rect(
                        x: x, y: r.midY - size.height / 2, width: size.width,
                        height: size.height), rotated: false)
            ]
        }
        let end = sign < 0 ? r.maxY : r.minY
        func level(_ gap: Double) -> Rect {
            Rect(
                x: r.midX - size.width / 2, y: sign < 0 ? end + gap : end - gap - size.height,
                width: size.width, height: size.height)
        }
        var out = [
            ValueLabel(text: text, rect: level(1), rotated: false),
            ValueLabel(
                text: text,
                rect: Rect(
                    x: r.midX - size.height / 2,
                    y: sign < 0 ? end + 2 : end - 2 - size.width,
                    width: size.height, height: size.width), rotated: true),
        ]
        for k in 1...3 {
            let rect = level(1 + Double(k) * (size.height + 1))
            let near = sign < 0 ? rect.minY - 0.5 : rect.maxY + 0.5
            out.append(
                ValueLabel(
                    text: text, rect: rect, rotated: false,
                    leader: Leader(from: Point(r.midX, end - sign * 1), to: Point(r.midX, near))))
        }
        return out
    }
}

extension Axes {
    /// The numeric axis of a bar chart.
    var valueTicks: Ticks { y.ticks ?? x.ticks! }
}
