import Foundation
import Testing
@testable import Plots

/// Issue 20, item 4: value labels never sit on a marker (bar, point symbol) or on another
/// label. Checked on the laid-out geometry, not on pixels.
struct LabelPlacementTests {
    let canvas = SVGCanvas(idPrefix: "t-")
    /// A half-width panel of a report's two-panel grid, below its title.
    let panel = Rect(x: 6, y: 24, width: 228, height: 190)

    func barGeometry(_ chart: BarChart, in area: Rect? = nil) -> BarChart.Geometry {
        chart.geometry(in: area ?? panel, legend: Legend(entries: chart.legendEntries), on: canvas)
    }

    func expectNoOverlaps(_ g: BarChart.Geometry) {
        for (i, label) in g.labels.enumerated() {
            for bar in g.bars {
                #expect(
                    !label.rect.intersects(bar.rect), "label \(label.text) covers a bar \(bar.rect)"
                )
            }
            for other in g.labels[(i + 1)...] {
                #expect(
                    !label.rect.intersects(other.rect),
                    "labels \(label.text) and \(other.text) meet")
            }
            for other in g.labels where other.bar != label.bar {
                for p in label.leader?.samples ?? [] {
                    #expect(
                        !other.rect.contains(p), "the leader of \(label.text) crosses \(other.text)"
                    )
                }
            }
        }
    }

    /// The per-seed figure of the FER-2013 report: three seeds of nearly equal accuracy.
    var seedBars: BarChart {
        BarChart(
            categories: ["ResNet50", "Attention CNN", "MobileNetV2", "baseline"],
            groups: [
                BarGroup(name: "seed 2024", values: [0.26, 0.56, 0.34, 0.2469]),
                BarGroup(name: "seed 2025", values: [0.38, 0.40, 0.33, 0.2469]),
                BarGroup(name: "seed 2026", values: [0.35, 0.57, 0.32, 0.2469]),
            ],
            valueLabel: "Test accuracy", valueFormat: .percent(0), valueRange: AxisRange(0, 1))
    }

    @Test func nearlyEqualSeedBarsLabelEveryBarWithoutTouchingABarOrAnotherLabel() {
        let g = barGeometry(seedBars)
        #expect(g.bars.count == 12)
        #expect(g.labels.count == 12, "every bar keeps its value")
        expectNoOverlaps(g)
        // Level labels would meet over the baseline's three equal bars: all turn upright.
        #expect(g.labels.allSatisfy { $0.rotated })
    }

    @Test func roomyBarsKeepTheirLabelsLevel() {
        let chart = BarChart(
            categories: ["a", "b", "c"], groups: [BarGroup(name: "n", values: [3995, 3990, 4001])],
            valueFormat: .integer)
        let g = barGeometry(chart, in: Rect(x: 0, y: 0, width: 360, height: 240))
        #expect(g.labels.count == 3 && g.labels.allSatisfy { !$0.rotated && $0.leader == nil })
        expectNoOverlaps(g)
    }

    @Test func crowdedBarsMoveLabelsOutWithLeadersOrLeaveThemOutButNeverOverlap() {
        let values = (0..<12).map { 0.5 + Double($0 % 3) * 0.001 }
        let chart = BarChart(
            categories: ["x", "y"],
            groups: (0..<6).map { BarGroup(name: "g\($0)", values: [values[$0], values[$0 + 6]]) },
            valueFormat: .percent(2))
        for height in [60.0, 120, 240] {
            let g = barGeometry(chart, in: Rect(x: 0, y: 0, width: 120, height: height))
            #expect(g.labels.count <= g.bars.count)
            expectNoOverlaps(g)
        }
    }

    @Test func horizontalAndNegativeBarsKeepLabelsClear() {
        let horizontal = BarChart(
            categories: (0..<12).map { "class \($0)" },
            groups: [
                BarGroup(name: "a", values: (0..<12).map { 0.3 + Double($0) * 0.001 }),
                BarGroup(name: "b", values: (0..<12).map { 0.3 - Double($0) * 0.001 }),
            ],
            orientation: .horizontal, valueFormat: .percent(1))
        expectNoOverlaps(barGeometry(horizontal, in: Rect(x: 0, y: 0, width: 300, height: 120)))
        let negative = BarChart(
            categories: ["a", "b", "c"], groups: [BarGroup(name: "v", values: [-2, .nan, 3])],
            valueFormat: .decimals(1))
        let g = barGeometry(negative)
        #expect(g.labels.map(\.text).sorted() == ["3.0", "−2.0"])
        expectNoOverlaps(g)
    }

    // MARK: - Marker labels on line charts

    func lineGeometry(_ chart: LineChart) -> LineChart.Geometry {
        chart.geometry(in: panel, legend: Legend(entries: chart.legendEntries), on: canvas)
    }

    @Test func aMarkerLabelStaysOffTheSymbolsWhereTwoCurvesMeetAtItsEpoch() {
        // Both curves reach their top at the marked epoch, where a top-of-plot label would sit.
        let chart = LineChart(
            xLabel: "Epoch", yLabel: "Accuracy",
            series: [
                Series(name: "train", y: [0.30, 0.40, 0.50, 0.600, 0.61, 0.60]),
                Series(name: "validation", y: [0.29, 0.39, 0.49, 0.601, 0.60, 0.59]),
            ],
            markers: [Marker(x: 4, label: "kept (epoch 4)"), Marker(x: 4.2, label: "lr drop")])
        let g = lineGeometry(chart)
        #expect(g.markerLabels.count == 2, "both labels find room")
        let symbols = g.symbols.flatMap { $0.map(LineChart.symbolBox) }
        #expect(!symbols.isEmpty)
        for (i, label) in g.markerLabels.enumerated() {
            for s in symbols {
                #expect(!label.rect.intersects(s), "marker label \(label.marker) covers a symbol")
            }
            for other in g.markerLabels[(i + 1)...] { #expect(!label.rect.intersects(other.rect)) }
            #expect(
                g.chart.frame.plot.insetBy(-0.01).contains(Point(label.rect.minX, label.rect.minY)))
        }
    }
}

/// Issue 20, item 4: axis ranges that do not draw noise as a trend.
struct AxisRangeTests {
    @Test func fromZeroStartsAtZeroAndEndsOnANiceTickAboveTheData() {
        let t = Ticks(min: 0.31, max: 0.36, target: 5, fixed: .fromZero)
        #expect(t.low == 0 && t.values.first == 0)
        #expect(t.high == 0.4 && t.values.last == 0.4)
        let negative = Ticks(min: -3.2, max: -1, target: 5, fixed: .fromZero)
        #expect(negative.high == 0 && negative.low <= -3.2)
        let zeros = Ticks(min: 0, max: 0, target: 5, fixed: .fromZero)
        #expect(zeros.low == 0 && zeros.high > 0)
    }

    @Test func aFittedAxisOfNoiseLeavesOutZeroAndSaysSoWithABreakMark() throws {
        let noise = Figure.lines(series: [Series(name: "loss", y: [0.33, 0.31, 0.36, 0.32, 0.35])])
        #expect(try SVGSummary.parse(noise.svg()).classes["axis-break"] == 1)
        var fromZero = noise
        if case .lines(var c) = fromZero.panels[0].chart {
            c.yRange = .fromZero; fromZero.panels[0].chart = .lines(c)
        }
        let svg = try SVGSummary.parse(fromZero.svg())
        #expect(svg.classes["axis-break"] == nil)
        #expect(svg.texts.contains("0.0") || svg.texts.contains("0"))
        #expect(
            try SVGSummary.parse(Samples.distribution.svg()).classes["axis-break"] == nil,
            "bars start at zero")
    }

    @Test func trainingCurvesStartAtZero() throws {
        let svg = try SVGSummary.parse(Samples.curvesHelper.svg())
        #expect(svg.texts.contains("0.0"))
        #expect(svg.classes["axis-break"] == nil)
    }

    @Test func aRangeFollowingTheDataTravelsAsNullAndOlderRangesStillDecode() throws {
        let json = String(decoding: try JSONEncoder().encode(AxisRange.fromZero), as: UTF8.self)
        #expect(json.contains("\"max\":null") && json.contains("\"min\":0"))
        #expect(try JSONDecoder().decode(AxisRange.self, from: Data(json.utf8)) == .fromZero)
        // Figures serialised before open-ended ranges: two numbers, no nulls.
        let old = #"{"min":0.2,"max":0.7}"#
        #expect(
            try JSONDecoder().decode(AxisRange.self, from: Data(old.utf8)) == AxisRange(0.2, 0.7))
        let chart =
            #"{"series":[{"name":"a","x":[1,2],"y":[0.3,0.4]}],"markers":[],"yRange":{"min":0,"max":1},"legend":"auto","gridLines":true}"#
        let decoded = try JSONDecoder().decode(LineChart.self, from: Data(chart.utf8))
        #expect(decoded.yRange == AxisRange(0, 1))
        let figure = Figure.lines(series: [Series(name: "a", y: [0.3, 0.4])], yRange: .fromZero)
        let data = try JSONEncoder().encode(figure)
        #expect(try JSONDecoder().decode(Figure.self, from: data) == figure)
    }
}
