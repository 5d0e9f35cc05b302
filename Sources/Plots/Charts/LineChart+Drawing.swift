import Foundation

extension LineChart {
    /// The resolved look of series `i`.
    func style(_ i: Int) -> (color: Color, dash: Dash, symbol: Symbol) {
        let s = series[i]
        return (s.color ?? Color.palette(i), s.dash ?? Theme.dash(forSeries: i),
                s.symbol ?? Theme.symbol(forSeries: i))
    }

    /// One entry per series when there are two or more.
    var legendEntries: [Legend.Entry] {
        series.count < 2 ? [] : series.indices.map { i in
            let st = style(i)
            return Legend.Entry(name: series[i].name, swatch: .line(st.color, st.dash, st.symbol))
        }
    }

    func draw(in area: Rect, on canvas: Canvas) {
        let points = series.flatMap { s in zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite } }
        let xs = points.map(\.0) + markers.map(\.x).filter(\.isFinite)
        let ys = points.map(\.1)
        let integers = !xs.isEmpty && xs.allSatisfy { $0 == $0.rounded() }
        // Points on the plot's edge hide in the axis: data ending at a nice number gets a step of air.
        let (yMin, yMax) = (ys.min() ?? 0, ys.max() ?? 1)
        var yTicks = Ticks(min: yMin, max: yMax, target: 5, fixed: yRange)
        if yRange == nil, !ys.isEmpty, yMin < yMax {
            let span = yTicks.high - yTicks.low
            let airBelow = yMin - yTicks.low < span * 0.01, airAbove = yTicks.high - yMax < span * 0.01
            if airBelow || airAbove {
                yTicks = Ticks(min: yMin - (airBelow ? (yMax - yMin) * 0.02 : 0),
                               max: yMax + (airAbove ? (yMax - yMin) * 0.02 : 0), target: 5)
            }
        }

        let legend = Legend(entries: legend == .hidden ? [] : legendEntries)
        let chart = ChartLayout.make(
            in: area, legend: legend, placement: self.legend, on: canvas,
            makeAxes: { target in
                let xTicks = Ticks(min: xs.min() ?? 0, max: xs.max() ?? 1, target: target, integers: integers,
                                   tight: true, fixed: xRange)
                return Axes(x: .numeric(xTicks), y: .numeric(yTicks), xTitle: xLabel, yTitle: yLabel,
                            gridX: false, gridY: gridLines)
            },
            obstacles: { axes, frame in obstacles(frame.plot, axes.x.ticks!, yTicks, on: canvas) })
        let axes = chart.axes, layout = chart.frame
        let xTicks = axes.x.ticks!
        let plot = layout.plot

        axes.drawGrid(layout, on: canvas)
        canvas.save()
        canvas.rectangle(plot.insetBy(-4))
        canvas.clip()
        for i in series.indices {
            canvas.group("series") { drawSeries(i, plot, xTicks, yTicks, on: canvas) }
        }
        canvas.restore()
        drawMarkers(plot, xTicks, on: canvas)
        axes.drawAxes(layout, on: canvas)
        if points.isEmpty {
            canvas.text("No data", at: Point(plot.midX, plot.midY), font: Theme.note,
                        color: .subtleInk, anchor: .center)
        }
        chart.drawLegend(legend, on: canvas)
    }

    private func project(_ x: Double, _ y: Double, _ plot: Rect, _ xt: Ticks, _ yt: Ticks) -> Point {
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

    private func drawSeries(_ i: Int, _ plot: Rect, _ xt: Ticks, _ yt: Ticks, on canvas: Canvas) {
        let st = style(i)
        let runs = self.runs(series[i])
        for run in runs where run.count > 1 {
            for (k, p) in run.enumerated() {
                let q = project(p.0, p.1, plot, xt, yt)
                if k == 0 { canvas.move(to: q) } else { canvas.line(to: q) }
            }
        }
        canvas.stroke(st.color, width: Theme.lineWidth, dash: Theme.pattern(st.dash))

        let count = runs.reduce(0) { $0 + $1.count }
        let every = count <= 20 ? 1 : Int((Double(count) / 12).rounded(.up))
        var k = 0
        for run in runs {
            for p in run {
                let lone = run.count == 1
                if lone || (k + i) % every == 0 {
                    let symbol = st.symbol == .hidden && lone ? Symbol.circle : st.symbol
                    canvas.addSymbol(symbol, at: project(p.0, p.1, plot, xt, yt), radius: Theme.symbolRadius)
                }
                k += 1
            }
        }
        canvas.fill(st.color)
    }

    private func markerLabelRect(_ m: Marker, _ px: Double, _ plot: Rect, on canvas: Canvas) -> (Rect, Anchor)? {
        guard let label = m.label, !label.isEmpty else { return nil }
        let size = canvas.measure(label, font: Theme.legend)
        let leftSide = px + 3 + size.width > plot.maxX
        let x = leftSide ? px - 3 - size.width : px + 3
        return (Rect(x: x, y: plot.minY + 1, width: size.width, height: size.height),
                leftSide ? Anchor(horizontal: .right, vertical: .top) : .topLeft)
    }

    private func drawMarkers(_ plot: Rect, _ xt: Ticks, on canvas: Canvas) {
        for m in markers where m.x.isFinite && m.x >= xt.low && m.x <= xt.high {
            let px = xt.map(m.x, from: plot.minX, to: plot.maxX)
            canvas.group("marker") {
                canvas.line(from: Point(px, plot.minY), to: Point(px, plot.maxY), color: Theme.markerColor,
                            width: 0.9, dash: [3, 2])
                if let (rect, anchor) = markerLabelRect(m, px, plot, on: canvas) {
                    let at = anchor.horizontal == .right ? Point(px - 3, rect.minY) : Point(px + 3, rect.minY)
                    canvas.haloText(m.label!, at: at, font: Theme.legend, color: Theme.markerColor,
                                    anchor: anchor)
                }
            }
        }
    }

    /// Points along every line and marker, and marker label boxes: what a legend must not hide.
    private func obstacles(_ plot: Rect, _ xt: Ticks, _ yt: Ticks, on canvas: Canvas) -> ([Point], [Rect]) {
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
        var rects: [Rect] = []
        for m in markers where m.x.isFinite && m.x >= xt.low && m.x <= xt.high {
            let px = xt.map(m.x, from: plot.minX, to: plot.maxX)
            var y = plot.minY
            while y <= plot.maxY {
                samples.append(Point(px, y))
                y += 2
            }
            if let (rect, _) = markerLabelRect(m, px, plot, on: canvas) { rects.append(rect) }
        }
        return (samples, rects)
    }
}
