import NeuralNetworks
import Plots
import Testing
@testable import NotebookKit

@Suite("Axis ranges of training curves")
struct MetricAxisRangeTests {
    @Test("accuracy on its whole scale, loss from zero, anything else fitted to the data")
    func metricDefaults() {
        #expect(Metric.accuracy.axisRange == AxisRange(0, 1))
        #expect(Metric.valAccuracy.axisRange == AxisRange(0, 1))
        #expect(Metric.loss.axisRange == .fromZero)
        #expect(Metric.valLoss.axisRange == .fromZero)
        #expect(Metric("auc").axisRange == nil)
    }

    @Test("compareCurves takes the metric's range unless given one")
    func compareCurvesRange() throws {
        func yRange(_ f: Figure) -> AxisRange? {
            if case .lines(let c) = f.panels[0].chart { return c.yRange }
            return nil
        }
        #expect(yRange(Figure.compareCurves([], metric: .valLoss)) == .fromZero)
        #expect(
            yRange(Figure.compareCurves([], metric: .accuracy, yRange: AxisRange(0.2, 0.6)))
                == AxisRange(0.2, 0.6))
    }
}
