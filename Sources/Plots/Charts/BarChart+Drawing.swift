import Foundation

extension BarChart {
    func color(ofGroup i: Int) -> Color { groups[i].color ?? Color.palette(i) }

    /// One entry per group when there are two or more.
    var legendEntries: [Legend.Entry] {
        groups.count < 2 ? [] : groups.indices.map {
            Legend.Entry(name: groups[$0].name, swatch: .box(color(ofGroup: $0)))
        }
    }

    func draw(in area: Rect, on canvas: Canvas) {
        let vertical = orientation == .vertical
        let finite = groups.flatMap(\.values).filter(\.isFinite)
        let low = min(0, finite.min() ?? 0)
        var high = max(0, finite.max() ?? 1)
        if finite.allSatisfy({ $0 == 0 }) { high = 1 }

        let legend = Legend(entries: self.legend == .hidden ? [] : legendEntries)

        // Value labels past the longest bar get room beside the plot, not a longer axis.
        var reserve = 0.0
        if let valueFormat {
            reserve = vertical
                ? canvas.lineHeight(Theme.valueLabel) + 2
                : (finite.map { canvas.measure(valueFormat.format($0), font: Theme.valueLabel).width }.max() ?? 0) + 5
        }
        let chart = ChartLayout.make(
            in: area, legend: legend, placement: self.legend, reserveRight: vertical ? 0 : reserve,
            reserveTop: vertical ? reserve : 0, on: canvas,
            makeAxes: { target in makeAxes(Ticks(min: low, max: high, target: vertical ? 5 : target, fixed: valueRange)) },
            obstacles: { axes, frame in
                let bars = self.bars(frame.plot, axes.valueTicks)
                return ([], bars.map(\.rect) + bars.compactMap { valueLabel($0, on: canvas)?.rect })
            })
        let axes = chart.axes, layout = chart.frame
        let bars = self.bars(layout.plot, axes.valueTicks)

        axes.drawGrid(layout, on: canvas)
        for bar in bars {
            canvas.group("bar") {
                canvas.fillRect(bar.rect, color(ofGroup: bar.group))
                if let label = valueLabel(bar, on: canvas) {
                    if label.rotated {
                        canvas.save()
                        canvas.translate(label.rect.midX, label.rect.maxY)
                        canvas.rotate(-Double.pi / 2)
                        canvas.text(label.text, at: Point(0, 0), font: Theme.valueLabel,
                                    color: .subtleInk, anchor: .left)
                        canvas.restore()
                    } else {
                        canvas.text(label.text, at: Point(label.rect.midX, label.rect.midY),
                                    font: Theme.valueLabel, color: .subtleInk, anchor: .center)
                    }
                }
            }
        }
        axes.drawAxes(layout, on: canvas)
        if categories.isEmpty || groups.isEmpty {
            canvas.text("No data", at: Point(layout.plot.midX, layout.plot.midY), font: Theme.note,
                        color: .subtleInk, anchor: .center)
        }
        chart.drawLegend(legend, on: canvas)
    }

    private func makeAxes(_ ticks: Ticks) -> Axes {
        orientation == .vertical
            ? Axes(x: .categories(categories), y: .numeric(ticks), xTitle: categoryLabel,
                   yTitle: valueLabel, gridX: false, gridY: gridLines)
            : Axes(x: .numeric(ticks), y: .categories(categories), xTitle: valueLabel,
                   yTitle: categoryLabel, gridX: gridLines, gridY: false)
    }

    /// The shortest a drawn bar gets (points): a zero shows as a hairline.
    static let minimumBarLength = 1.2

    struct Bar {
        var rect: Rect
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
            let bandStart = (vertical ? plot.minX : plot.minY) + band * Double(c) + (band - inner) / 2
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
                    out.append(Bar(rect: Rect(x: start, y: down ? y0 : y0 - h, width: thickness, height: h),
                                   group: g, value: group.values[c]))
                } else {
                    let x0 = ticks.map(clampedBase, from: plot.minX, to: plot.maxX)
                    let x1 = ticks.map(v, from: plot.minX, to: plot.maxX)
                    let w = max(abs(x1 - x0), Self.minimumBarLength)
                    out.append(Bar(rect: Rect(x: down ? x0 - w : x0, y: start, width: w, height: thickness),
                                   group: g, value: group.values[c]))
                }
            }
        }
        return out
    }

    /// Where a bar's value goes: past its end, turned upright when it is wider than the bar;
    /// nil when it fits neither way.
    private func valueLabel(_ bar: Bar, on canvas: Canvas) -> (text: String, rect: Rect, rotated: Bool)? {
        guard let valueFormat else { return nil }
        let text = valueFormat.format(bar.value)
        let size = canvas.measure(text, font: Theme.valueLabel)
        let r = bar.rect
        if orientation == .horizontal {
            guard size.height <= r.height + 3 else { return nil }
            let x = bar.value < 0 ? r.minX - 3 - size.width : r.maxX + 3
            return (text, Rect(x: x, y: r.midY - size.height / 2, width: size.width, height: size.height), false)
        }
        let below = bar.value < 0
        if size.width <= r.width + 6 {
            let y = below ? r.maxY + 1 : r.minY - 1 - size.height
            return (text, Rect(x: r.midX - size.width / 2, y: y, width: size.width, height: size.height), false)
        }
        guard size.height <= r.width + 3 else { return nil }
        let y = below ? r.maxY + 2 : r.minY - 2 - size.width
        return (text, Rect(x: r.midX - size.height / 2, y: y, width: size.height, height: size.width), true)
    }
}

extension Axes {
    /// The numeric axis of a bar chart.
    var valueTicks: Ticks { y.ticks ?? x.ticks! }
}
