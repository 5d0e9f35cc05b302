import Foundation

/// An axis scale chosen with "nice numbers" (Heckbert, "Nice numbers for graph labels",
/// Graphics Gems, 1990): ticks at 1, 2 or 5 times a power of ten, spanning the data.
struct Ticks: Hashable {
    /// The axis range (the outermost ticks unless the range was fixed).
    var low: Double
    var high: Double
    var values: [Double]
    var step: Double

    /// Ticks for data in `min...max`, about `target` of them. A flat range widens around
    /// its value; `integers` keeps the step whole (epochs); the fixed ends of `range` are
    /// kept as they are (the others follow the data, see ``AxisRange``).
    /// `tight` keeps a following end at the data (plus 2% of the span) with ticks inside
    /// it, instead of widening it to the outermost nice tick.
    init(
        min dataMin: Double, max dataMax: Double, target: Int = 5, integers: Bool = false,
        tight: Bool = false, fixed range: AxisRange? = nil
    ) {
        var (lo, hi, fixedLow, fixedHigh) = (range ?? AxisRange(-.infinity, .infinity))
            .resolved(dataMin: dataMin, dataMax: dataMax)
        if !lo.isFinite || !hi.isFinite { (lo, hi, fixedLow, fixedHigh) = (0, 1, false, false) }
        if lo > hi { swap(&lo, &hi) }
        if lo == hi {
            let pad = integers ? 1 : (lo == 0 ? 1 : abs(lo) * 0.1)
            if !fixedLow { lo -= pad }
            if !fixedHigh || fixedLow { hi += pad }
        }
        var step = Ticks.nice((hi - lo) / Double(Swift.max(1, target - 1)), round: true)
        if integers { step = Swift.max(1, step.rounded()) }
        let first = (lo / step + 1e-9).rounded(.down) * step
        let last = (hi / step - 1e-9).rounded(.up) * step
        let span = hi - lo
        low = fixedLow ? lo : tight ? lo - span * 0.02 : first
        high = fixedHigh ? hi : tight ? hi + span * 0.02 : last
        // Whole multiples of the step, rounded to its decimals so 6 x 0.05 is 0.3.
        let decimals = Swift.max(0, Int(-floor(log10(step) + 1e-9)))
        let unit = pow(10, Double(decimals))
        func clean(_ v: Double) -> Double { (v * unit).rounded() / unit }
        if !tight {
            if !fixedLow { low = clean(low) }
            if !fixedHigh { high = clean(high) }
        }
        var values: [Double] = []
        var k = (low / step - 1e-9).rounded(.up)
        while k * step <= high + step * 1e-9 && values.count < 100 {
            values.append(clean(k * step) + 0)
            k += 1
        }
        self.values = values
        self.step = step
    }

    /// The nice number near `x`: rounded (nearest) or ceiling-like, from {1, 2, 5} x 10^k.
    static func nice(_ x: Double, round: Bool) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let exponent = floor(log10(x))
        let fraction = x / pow(10, exponent)
        let niceFraction: Double
        if round {
            niceFraction = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            niceFraction = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return niceFraction * pow(10, exponent)
    }

    /// Tick labels with just enough decimals for the step.
    var labels: [String] {
        let decimals = Swift.max(0, Int(-floor(log10(step) + 1e-9)))
        return values.map { fixed($0, decimals: decimals) }
    }

    /// Maps `v` from the axis range onto `a...b` (b may be less than a).
    func map(_ v: Double, from a: Double, to b: Double) -> Double {
        high == low ? (a + b) / 2 : a + (v - low) / (high - low) * (b - a)
    }
}
