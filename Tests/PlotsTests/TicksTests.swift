import Testing
@testable import Plots

struct TicksTests {
    @Test func accuracyFromThirtyOneToFiftyTwoPercentTicksEveryFivePoints() {
        let t = Ticks(min: 0.31, max: 0.52)
        #expect(t.step == 0.05)
        #expect(t.low == 0.3)
        #expect(abs(t.high - 0.55) < 1e-12)
        #expect(t.labels == ["0.30", "0.35", "0.40", "0.45", "0.50", "0.55"])
    }

    @Test func countsGetWholeNumberTicksWithThousandsSeparators() {
        let t = Ticks(min: 0, max: 7215)
        #expect(t.step == 2000)
        #expect(t.labels == ["0", "2,000", "4,000", "6,000", "8,000"])
    }

    @Test func aFlatAxisStillGetsTicksAroundItsValue() {
        let t = Ticks(min: 0.5, max: 0.5)
        #expect(t.values.count >= 3)
        #expect(t.low < 0.5 && t.high > 0.5)
        let zero = Ticks(min: 0, max: 0)
        #expect(zero.values.count >= 3 && zero.low < 0 && zero.high > 0)
    }

    @Test func epochsTickAtWholeNumbersEvenForOneEpoch() {
        let one = Ticks(min: 1, max: 1, integers: true, tight: true)
        #expect(one.values.allSatisfy { $0 == $0.rounded() })
        #expect(one.values.contains(1))
        let three = Ticks(min: 1, max: 3, target: 6, integers: true, tight: true)
        #expect(three.values == [1, 2, 3])
    }

    @Test func aFixedRangeIsKeptExactly() {
        let t = Ticks(min: 0.2, max: 0.3, fixed: AxisRange(0, 1))
        #expect(t.low == 0 && t.high == 1)
        #expect(t.values.first == 0 && t.values.last == 1)
    }

    @Test func negativeLabelsUseATypographicMinus() {
        #expect(Ticks(min: -1, max: 1).labels.first == "−1.0")
    }

    @Test func numberFormatsWriteCountsDecimalsAndPercentages() {
        #expect(NumberFormat.integer.format(12345) == "12,345")
        #expect(NumberFormat.decimals(2).format(0.5349) == "0.53")
        #expect(NumberFormat.percent(1).format(0.893) == "89.3%")
        #expect(NumberFormat.percent(1).format(.nan) == "–")
    }
}
