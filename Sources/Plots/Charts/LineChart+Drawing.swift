import Foundation

extension LineChart {
    /// The resolved look of series `i`.
    func style(_ i: Int) -> (color: Color, dash: Dash, symbol: Symbol) {
        let s = series[i]
        return (
            s.color ?? Color.palette(i), s.dash ?? Theme.dash(forSeries: i),
            s.symbol ?? Theme.symbol(forSeries: i)
        )
    }

    /// One entry per series when there are two or more.
    var legendEntries: [Legend.Entry] {
        series.count < 2
            ? []
            : series.indices.map { i in
                let st = style(i)
                return Legend.Entry(
                    name: series[i].name, swatch: .line(st.color, st.dash, st.symbol))
            }
    }

    /// Where everything goes: axes and legend, the drawn symbols, and the marker labels
    /// that found room.
    struct Geometry {
        var chart: ChartLayout
        var yTicks: Ticks
        /// Centres of the drawn symbols, per series.
        var symbols: [[Point]]
        /// One per marker with a label that found room: which marker, and its box.
        var markerLabels: [(marker: Int, rect: Rect)]
    }

    /// The y axis: the fixed ends of `yRange`, the others at nice ticks around the data
    /// (with a step of air when the data ends on a tick, so points do not hide in the axis).
    func yTicks(_ ys: [Double]) -> Ticks {
        let (yMin, yMax) = (ys.min() ?? 0, ys.max() ?? 1)
        var yTicks = Ticks(min: yMin, max: yMax, target: 5, fixed: yRange)
        let fixed = (yRange ?? AxisRange(-.infinity, .infinity)).resolved(
            dataMin: yMin, dataMax: yMax)
        if !ys.isEmpty, yMin < yMax, !(fixed.fixedLow && fixed.fixedHigh) {
            let span = yTicks.high - yTicks.low
            let airBelow = !fixed.fixedLow && yMin - yTicks.low < span * 0.01
            let airAbove = !fixed.fixedHigh && yTicks.high - yMax < span * 0.01
            if airBelow || airAbove {
                yTicks = Ticks(
                    min: yMin - (airBelow ? (yMax - yMin) * 0.02 : 0),
                    max: yMax + (airAbove ? (yMax - yMin) * 0.02 : 0), target: 5, fixed: yRange)
            }
        }
        return yTicks
    }

    func geometry(in area: Rect, legend: Legend, on canvas: Canvas) -> Geometry {
        let points = series.flatMap { s in zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite } }
        let xs = points.map(\.0) + markers.map(\.x).filter(\.isFinite)
        let integers = !xs.isEmpty && xs.allSatisfy { $0 == $0.rounded() }
        let yTicks = self.yTicks(points.map(\.1))
        let chart = ChartLayout.make(
            in: area, legend: legend, placement: self.legend, on: canvas,
            makeAxes: { target in
                let xTicks = Ticks(
                    min: xs.min() ?? 0, max: xs.max() ?? 1, target: target, integers: integers,
                    tight: true, fixed: xRange)
                return Axes(
                    x: .numeric(xTicks), y: .numeric(yTicks), xTitle: xLabel, yTitle: yLabel,
                    gridX: false, gridY: gridLines, breakY: true)
            },
            obstacles: { axes, frame in obstacles(frame.plot, axes.x.ticks!, yTicks, on: canvas) })
        let plot = chart.frame.plot, xTicks = chart.axes.x.ticks!
        let symbols = series.indices.map { symbolPoints($0, plot, xTicks, yTicks) }
        return Geometry(
            chart: chart, yTicks: yTicks, symbols: symbols,
            markerLabels: markerLabels(plot, xTicks, yTicks, symbols: symbols, on: canvas))
    }

    func draw(in area: Rect, on canvas: Canvas) {
        let legend = Legend(entries: self.legend == .hidden ? [] : legendEntries)
        let geometry = self.geometry(in: area, legend: legend, on: canvas)
        let chart = geometry.chart, axes = chart.axes, layout = chart.frame
        let xTicks = axes.x.ticks!, yTicks = geometry.yTicks
        let plot = layout.plot

        axes.drawGrid(layout, on: canvas)
        canvas.save()
        canvas.rectangle(plot.insetBy(-4))
        canvas.clip()
        for i in series.indices {
            canvas.group("series") {
                drawSeries(i, plot, xTicks, yTicks, symbols: geometry.symbols[i], on: canvas)
            }
        }
        canvas.restore()
        drawMarkers(plot, xTicks, labels: geometry.markerLabels, on: canvas)
        axes.drawAxes(layout, on: canvas)
        let hasFinitePoint = series.contains { s in
            zip(s.x, s.y).contains { $0.0.isFinite && $0.1.isFinite }
        }
        if !hasFinitePoint {
            canvas.text(
                "No data", at: Point(plot.midX, plot.midY), font: Theme.note,
                color: .subtleInk, anchor: .center)
        }
        chart.drawLegend(legend, on: canvas)
    }

    private func project(_ x: Double, _ y: Double, _ plot: Rect, _ xt: Ticks, _ yt: Ticks) -> Point
    {
        Point(xt.map(x, from: plot.minX, to: plot.maxX), yt.map(y, from: plot.maxY, to: plot.minY))
    }

    /// Runs of consecutive finite points: a non-finite value breaks the line.
    private func runs(_ s: Series) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = [[]]
        for (x, y) in zip(s.x, s.y) {
            if x.isFinite && y.isFinite {
                runs[runs.count - 1].append((x, y))
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { !$0.isEmpty }
    }

    private func drawSeries(
        _ i: Int, _ plot: Rect, _ xt: Ticks, _ yt: Ticks, symbols: [Point],
        on canvas: Canvas
    ) {
        let st = style(i)
        for run in runs(series[i]) where run.count > 1 {
            for (k, p) in run.enumerated() {
                let q = project(p.0, p.1, plot, xt, yt)
                if k == 0 { canvas.move(to: q) } else { canvas.line(to: q) }
            }
        }
        canvas.stroke(st.color, width: Theme.lineWidth, dash: Theme.pattern(st.dash))
        let lone = Set(
            runs(series[i]).filter { $0.count == 1 }.map { project($0[0].0, $0[0].1, plot, xt, yt) }
        )
        for p in symbols {
            canvas.addSymbol(
                st.symbol == .hidden && lone.contains(p) ? .circle : st.symbol, at: p,
                radius: Theme.symbolRadius)
        }
        canvas.fill(st.color)
    }

    /// Centres of series `i`'s symbols: every point up to 20 of them, else about 12 spread
    /// along the line (staggered between series); a lone point between gaps always, even
    /// when the series hides its symbols.
    private func symbolPoints(_ i: Int, _ plot: Rect, _ xt: Ticks, _ yt: Ticks) -> [Point] {
        let runs = self.runs(series[i])
        let hidden = style(i).symbol == .hidden
        let count = runs.reduce(0) { $0 + $1.count }
        let every = count <= 20 ? 1 : Int((Double(count) / 12).rounded(.up))
        var out: [Point] = []
        var k = 0
        for run in runs {
            for p in run {
                let lone = run.count == 1
                if lone || (!hidden && (k + i) % every == 0) {
                    out.append(project(p.0, p.1, plot, xt, yt))
                }
                k += 1
            }
        }
        return out
    }

    /// A drawn symbol's box, with a point of clearance.
    static func symbolBox(_ p: Point) -> Rect {
        let r = Theme.symbolRadius * 1.3 + 1
        return Rect(x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r)
    }

    /// Where each marker's label goes: beside its line, right then left, from the top of
    /// the plot down, the first place clear of every symbol, the other markers' lines and
    /// labels (and of the lines when one is). A label with no room is left out.
    private func markerLabels(
        _ plot: Rect, _ xt: Ticks, _ yt: Ticks, symbols: [[Point]],
        on canvas: Canvas
    ) -> [(marker: Int, rect: Rect)] {
        let shown = markers.indices.filter {
            markers[$0].x.isFinite && markers[$0].x >= xt.low && markers[$0].x <= xt.high
        }
        let lines = shown.map { xt.map(markers[$0].x, from: plot.minX, to: plot.maxX) }
        var placer = LabelPlacer(
            bounds: plot,
            obstacles: symbols.flatMap { $0.map(Self.symbolBox) }
                + lines.map { Rect(x: $0 - 0.5, y: plot.minY, width: 1, height: plot.height) },
            softPoints: lineSamples(plot, xt, yt))
        var out: [(marker: Int, rect: Rect)] = []
        for (m, px) in zip(shown, lines) {
            guard let label = markers[m].label, !label.isEmpty else { continue }
            let size = canvas.measure(label, font: Theme.legend)
            var candidates: [Rect] = []
            var y = plot.minY + 1
            while y + size.height <= plot.maxY {
                candidates.append(Rect(x: px + 3, y: y, width: size.width, height: size.height))
                candidates.append(
                    Rect(x: px - 3 - size.width, y: y, width: size.width, height: size.height))
                y += size.height / 2
            }
            if let k = placer.place(candidates) { out.append((m, candidates[k])) }
        }
        return out
    }

    private func drawMarkers(
        _ plot: Rect, _ xt: Ticks, labels: [(marker: Int, rect: Rect)], on canvas: Canvas
    ) {
        for (i, m) in markers.enumerated() where m.x.isFinite && m.x >= xt.low && m.x <= xt.high {
            let px = xt.map(m.x, from: plot.minX, to: plot.maxX)
            canvas.group("marker") {
                canvas.line(
                    from: Point(px, plot.minY), to: Point(px, plot.maxY), color: Theme.markerColor,
                    width: 0.9, dash: [3, 2])
                if let rect = labels.first(where: { $0.marker == i })?.rect {
                    canvas.haloText(
                        m.label!, at: Point(rect.minX, rect.minY), font: Theme.legend,
                        color: Theme.markerColor, anchor: .topLeft)
                }
            }
        }
    }

    /// Points every 2 pt along every line.
    private func lineSamples(_ plot: Rect, _ xt: Ticks, _ yt: Ticks) -> [Point] {
        var samples: [Point] = []
        for s in series {
            for run in runs(s) {
                let projected = run.map { project($0.0, $0.1, plot, xt, yt) }
                samples.append(projected[0])
                for (a, b) in zip(projected, projected.dropFirst()) {
                    let steps = max(1, Int((hypot(b.x - a.x, b.y - a.y) / 2).rounded(.up)))
                    for k in 1...steps {
                        let t = Double(k) / Double(steps)
                        samples.append(Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
                    }
                }
            }
        }
        return samples
    }

    /// Points along every line and marker, and marker label boxes: what a legend must not hide.
    private func obstacles(_ plot: Rect, _ xt: Ticks, _ yt: Ticks, on canvas: Canvas) -> (
        [Point], [Rect]
    ) {
        var samples = lineSamples(plot, xt, yt)
        for m in markers where m.x.isFinite && m.x >= xt.low && m.x <= xt.high {
            let px = xt.map(m.x, from: plot.minX, to: plot.maxX)
            var y = plot.minY
            while y <= plot.maxY {
                samples.append(Point(px, y))
                y += 2
            }
        }
        let symbols = series.indices.map { symbolPoints($0, plot, xt, yt) }
        let labels = markerLabels(plot, xt, yt, symbols: symbols, on: canvas).map(\.rect)
        return (samples, labels)
    }
}
