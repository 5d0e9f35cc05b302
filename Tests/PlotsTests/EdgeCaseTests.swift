import Foundation
import Testing
@testable import Plots

/// Odd inputs draw something sensible, on every surface, without crashing.
struct EdgeCaseTests {
    func drawsEverywhere(_ figure: Figure) throws -> SVGSummary {
        let png = try figure.pngData(dpi: 72)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        return try SVGSummary.parse(figure.svg())
    }

    @Test func anEmptySeriesSaysNoData() throws {
        let svg = try drawsEverywhere(
            Figure.lines(title: "Empty", series: [Series(name: "train", y: [Double]())]))
        #expect(svg.texts.contains("No data"))
        let none = try drawsEverywhere(Figure.lines(title: "Nothing", series: []))
        #expect(none.texts.contains("No data"))
    }

    @Test func oneEpochShowsItsPointAsASymbol() throws {
        let figure = Figure.lines(series: [
            Series(name: "train", y: [0.4], symbol: .hidden),
            Series(name: "val", y: [0.35]),
        ])
        let svg = try drawsEverywhere(figure)
        #expect(svg.texts.contains("1"))
        #expect(svg.classes["series"] == 2)
    }

    @Test func nanValuesLeaveAGapInTheLine() throws {
        let figure = Figure.lines(series: [Series(name: "val", y: [0.3, 0.35, .nan, 0.4, 0.42])])
        let svg = figure.svg()
        let seriesGroup = try #require(
            svg.components(separatedBy: "<g class=\"series\">").dropFirst().first)
        let linePath = try #require(seriesGroup.components(separatedBy: "stroke=").first)
        #expect(linePath.filter { $0 == "M" }.count == 2, "two runs of line around the gap")
        _ = try drawsEverywhere(figure)
    }

    @Test func constantValuesGetAFlatLineWithTicks() throws {
        let svg = try drawsEverywhere(
            Figure.lines(series: [Series(name: "acc", y: [0.25, 0.25, 0.25])]))
        #expect(svg.texts.contains("0.25"))
        #expect(svg.texts.filter { Double($0) != nil }.count >= 5)
    }

    @Test func oneClassDrawsOneBarAndOneCell() throws {
        let bars = try drawsEverywhere(Figure.bars(categories: ["happy"], values: [12]))
        #expect(bars.classes["bar"] == 1)
        let cm = try drawsEverywhere(Figure.confusionMatrix(counts: [[5]], labels: ["happy"]))
        #expect(cm.classes["cell"] == 1)
        #expect(cm.texts.contains("100.0%"))
    }

    @Test func tenClassesFitAHundredCells() throws {
        let labels = (0..<10).map { "class \($0)" }
        let counts = (0..<10).map { r in
            (0..<10).map { c in r == c ? 90 + r : (r * 7 + c * 3) % 11 }
        }
        let svg = try drawsEverywhere(Figure.confusionMatrix(counts: counts, labels: labels))
        #expect(svg.classes["cell"] == 100)
        let bars = try drawsEverywhere(
            Figure.bars(categories: labels, values: (0..<10).map(Double.init)))
        #expect(bars.classes["bar"] == 10, "a zero bar has no height but is still there")
    }

    @Test func longClassNamesAreShortenedWithAnEllipsis() throws {
        let long = "a remarkably long class name that goes on and on and on and on"
        let labels = ["happy", long, "sad"]
        let cm = try drawsEverywhere(
            Figure.confusionMatrix(counts: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], labels: labels))
        #expect(!cm.texts.contains(long))
        #expect(cm.texts.contains { $0.hasPrefix("a remarkably") && $0.hasSuffix("…") })
        let bars = try drawsEverywhere(Figure.bars(categories: labels, values: [1, 2, 3]))
        #expect(bars.texts.contains { $0.hasSuffix("…") })
    }

    @Test func aConfusionMatrixRowOfZerosShowsDashesNotNaN() throws {
        let svg = try drawsEverywhere(
            Figure.confusionMatrix(counts: [[3, 1], [0, 0]], labels: ["a", "b"]))
        #expect(svg.texts.filter { $0 == "–" }.count == 2)
        #expect(!svg.texts.contains { $0.contains("nan") || $0.contains("NaN") })
    }

    @Test func emptyChartsOfEveryKindDraw() throws {
        _ = try drawsEverywhere(Figure.bars(categories: [], values: []))
        _ = try drawsEverywhere(Figure.heatmap(rowLabels: [], columnLabels: [], values: []))
        _ = try drawsEverywhere(Figure.imageGrid(columns: 3, images: []))
        _ = try drawsEverywhere(Figure.grid([], columns: 2))
        _ = try drawsEverywhere(Figure(panels: []))
    }

    @Test func negativeAndMissingBarValuesDraw() throws {
        let svg = try drawsEverywhere(
            Figure.bars(
                categories: ["a", "b", "c"], values: [-2, .nan, 3],
                valueFormat: .decimals(1)))
        #expect(svg.classes["bar"] == 2)
        #expect(svg.texts.contains("−2.0"))
    }

    @Test func rgbImagesAndTinyFiguresDraw() throws {
        let rgb = GridImage(
            pixels: (0..<(4 * 4 * 3)).map { UInt8($0 * 5) }, width: 4, height: 4, channels: 3,
            caption: "rgb")
        _ = try drawsEverywhere(Figure.imageGrid(images: [rgb], columns: 1))
        _ = try drawsEverywhere(Figure(width: 20, height: 10, panels: Samples.accuracy.panels))
    }

    @Test func aHeatmapWithAMissingCellDrawsItEmptyAndKeepsItAsNull() throws {
        let figure = Figure.heatmap(
            rowLabels: ["a", "b"], columnLabels: ["x", "y"],
            values: [[0.1, .nan], [0.5, 0.9]], colormap: .viridis,
            colorBarLabel: "activation")
        let svg = try drawsEverywhere(figure)
        #expect(svg.classes["cell"] == 4)
        #expect(figure.svg().contains("#f0f0f0"))
        let json = String(decoding: try JSONEncoder().encode(figure), as: UTF8.self)
        #expect(json.contains("[0.1,null]"))
    }

    @Test func aTitleLongerThanTheFigureIsShortened() throws {
        let title = String(repeating: "very long title ", count: 20)
        let svg = try drawsEverywhere(Figure.bars(title: title, categories: ["a"], values: [1]))
        #expect(svg.texts.contains { $0.hasPrefix("very long title") && $0.hasSuffix("…") })
    }

    @Test func controlCharactersInTextStillMakeWellFormedSVG() throws {
        let figure = Figure.lines(
            title: "loss\u{0}\u{7}\u{1B} <it's>",
            series: [Series(name: "a&b\u{C}", y: [0.4, 0.3]), Series(name: "c", y: [0.5, 0.2])])
        let svg = figure.svg()
        #expect(
            svg.unicodeScalars.allSatisfy { $0.value >= 0x20 || ["\t", "\n", "\r"].contains($0) })
        let summary = try drawsEverywhere(figure)  // XMLParser refuses a control character
        #expect(summary.texts.contains("loss <it's>"))
        #expect(summary.texts.contains("a&b"))
    }
}
