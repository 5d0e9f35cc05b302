/// Axes plus legend, laid out together: the legend goes in the emptiest corner of the
/// plot, else right of it, else in rows below it; numeric x ticks thin out until their
/// labels fit.
struct ChartLayout {
    var axes: Axes
    var frame: Axes.Layout
    var legend: Spot

    enum Spot {
        case none
        case box(Rect)
        case rows(Point, [Point])
    }

    /// `makeAxes(target)` builds axes for about `target` x ticks; `obstacles` says what
    /// a legend inside the plot must not cover.
    static func make(
        in area: Rect, legend: Legend, placement: LegendPlacement,
        reserveRight: Double = 0, reserveTop: Double = 0, on canvas: Canvas,
        makeAxes: (Int) -> Axes,
        obstacles: (Axes, Axes.Layout) -> (points: [Point], rects: [Rect])
    ) -> ChartLayout {
        func fit(_ area: Rect, extraRight: Double) -> (Axes, Axes.Layout) {
            var result: (Axes, Axes.Layout)?
            for target in [6, 5, 4, 3, 2] {
                let axes = makeAxes(target)
                let frame = axes.layout(
                    in: area, reserveRight: reserveRight + extraRight,
                    reserveTop: reserveTop, on: canvas)
                result = (axes, frame)
                if axes.xLabelsFit(frame, on: canvas) { break }
            }
            return result!
        }
        var (axes, frame) = fit(area, extraRight: 0)
        guard !legend.isEmpty, placement != .hidden else {
            return ChartLayout(axes: axes, frame: frame, legend: .none)
        }
        let (points, rects) = obstacles(axes, frame)
        if let rect = legend.place(
            in: frame.plot, avoiding: points, rects: rects, placement: placement,
            on: canvas)
        {
            return ChartLayout(axes: axes, frame: frame, legend: .box(rect))
        }
        switch legend.outside(in: area, on: canvas) {
        case .right(let size):
            (axes, frame) = fit(area, extraRight: size.width + 6)
            let rect = Rect(
                x: frame.plot.maxX + reserveRight + 8, y: frame.plot.minY, width: size.width,
                height: size.height)
            return ChartLayout(axes: axes, frame: frame, legend: .box(rect))
        case .below(let size, let offsets):
            (axes, frame) = fit(area.inset(bottom: size.height + 5), extraRight: 0)
            let origin = Point(frame.plot.midX - size.width / 2, area.maxY - size.height)
            return ChartLayout(axes: axes, frame: frame, legend: .rows(origin, offsets))
        }
    }

    func drawLegend(_ legend: Legend, on canvas: Canvas) {
        switch self.legend {
        case .none: break
        case .box(let rect): legend.draw(at: rect, on: canvas)
        case .rows(let origin, let offsets):
            legend.drawFlow(at: origin, offsets: offsets, on: canvas)
        }
    }
}

extension AxisContent {
    var ticks: Ticks? {
        if case .numeric(let t) = self { return t }
        return nil
    }
}
