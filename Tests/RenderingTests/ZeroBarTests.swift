import Plots
import Testing
@testable import Rendering

@Suite struct ZeroBarTests {
    /// Issue 20, item 4: a bar whose value is 0 is drawn as a hairline, not left out.
    @Test func aZeroBarIsAHairlineAtTheBase() throws {
        let figure = Figure.bars(
            title: "Counts", categories: ["a", "b", "c"], values: [5, 0, 3], valueLabel: "n")
        let svg = try FigureDrawing.plots.svg(figure, "z-", 474)
        let bars = svg.components(separatedBy: "class=\"bar\"").dropFirst()
        #expect(bars.count == 3)
        // Each bar is a rectangle path "M x y h w v h h -w Z".
        let heights = bars.compactMap {
            $0.firstMatch(of: #/d="M[-0-9.]+ [-0-9.]+h[-0-9.]+v([-0-9.]+)h/#).flatMap {
                Double($0.1)
            }
        }
        #expect(heights.count == 3)
        #expect(heights.allSatisfy { $0 >= 1.2 }, "\(heights)")
    }
}
