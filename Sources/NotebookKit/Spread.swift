import Foundation

/// A metric measured once per seed: its values, mean and sample standard deviation.
///
///     let s = Spread([0.338, 0.406, 0.372])
///     s.percent()          // "37.20% ± 3.40"  (points of percentage)
///     s.lowerBound         // mean − 1 sd, what a claim that must hold across seeds uses
public struct Spread: Sendable, Equatable, Codable {
    /// One value per seed, in seed order (no values: mean and deviation are NaN).
    public let values: [Double]
    public let mean: Double
    /// The sample standard deviation (divisor n − 1); 0 for a single value.
    public let standardDeviation: Double

    public init(_ values: [Double]) {
        self.values = values
        let n = Double(values.count)
        let m = values.isEmpty ? .nan : values.reduce(0, +) / n
        mean = m
        standardDeviation =
            values.count < 2
            ? 0
            : (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot()
    }

    /// Mean minus one standard deviation.
    public var lowerBound: Double { mean - standardDeviation }

    /// "37.20% ± 3.40": a share as a percentage, the deviation in percentage points.
    public func percent(decimals: Int = 2) -> String {
        values.count < 2
            ? NotebookKit.percent(mean, decimals: decimals)
            : String(
                format: "%.\(decimals)f%% ± %.\(decimals)f", mean * 100, standardDeviation * 100)
    }

    /// "1.6237 ± 0.0412".
    public func formatted(decimals: Int = 4) -> String {
        values.count < 2
            ? String(format: "%.\(decimals)f", mean)
            : String(format: "%.\(decimals)f ± %.\(decimals)f", mean, standardDeviation)
    }
}
