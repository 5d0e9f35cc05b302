import Foundation
import Testing
@testable import Plots

/// Rendered PNGs (72 dpi) against committed goldens in `Goldens/`. Regenerate on purpose
/// with `EMOTIVE_REGEN_GOLDENS=1 swift test --filter PlotsTests`, then look at the images.
struct GoldenImageTests {
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Goldens")
    static let regenerate = ProcessInfo.processInfo.environment["EMOTIVE_REGEN_GOLDENS"] == "1"

    /// A pixel differs when a channel moves by more than this (of 255).
    static let channelTolerance = 24
    /// The share of pixels allowed to differ (antialiasing, font library patch levels).
    static let differingShare = 0.004

    @Test(arguments: Samples.goldenNames)
    func figureMatchesItsGolden(name: String) throws {
        let figure = try #require(
            (Samples.all + Samples.edgeCases).first { $0.name == name }?.figure)
        let png = try figure.pngData(dpi: 72)
        let url = Self.goldens.appendingPathComponent("\(name).png")
        if Self.regenerate {
            try Data(png).write(to: url)
            return
        }
        guard let goldenBytes = try? Data(contentsOf: url) else {
            Issue.record("no golden \(url.path); run with EMOTIVE_REGEN_GOLDENS=1 and look at it")
            return
        }
        let golden = try RasterImage(png: Array(goldenBytes))
        let actual = try RasterImage(png: png)
        let actualPath = NSTemporaryDirectory() + "plots-\(name)-actual.png"
        #expect(
            actual.width == golden.width && actual.height == golden.height,
            "\(name): \(actual.width)x\(actual.height), golden \(golden.width)x\(golden.height)")
        guard actual.width == golden.width && actual.height == golden.height else { return }
        let share = differingPixelShare(actual, golden)
        if share > Self.differingShare { try Data(png).write(to: URL(fileURLWithPath: actualPath)) }
        #expect(
            share <= Self.differingShare,
            "\(name): \(share * 100)% of pixels differ from the golden; actual written to \(actualPath)"
        )
    }

    @Test func aChangedFigureFailsTheComparison() throws {
        let a = try Samples.distribution.raster(dpi: 72)
        var changed = Samples.distribution
        if case .bars(var chart) = changed.panels[0].chart {
            chart.groups[0].values[3] = 2000
            changed.panels[0].chart = .bars(chart)
        }
        let b = try changed.raster(dpi: 72)
        #expect(differingPixelShare(a, b) > Self.differingShare)
    }

    func differingPixelShare(_ a: RasterImage, _ b: RasterImage) -> Double {
        var differing = 0
        for i in stride(from: 0, to: a.rgba.count, by: 4) {
            for k in 0..<3
            where abs(Int(a.rgba[i + k]) - Int(b.rgba[i + k])) > Self.channelTolerance {
                differing += 1
                break
            }
        }
        return Double(differing) / Double(max(1, a.width * a.height))
    }
}
