/// The range of a numeric axis: both ends fixed, or one end fixed and the other following
/// the data (a bound that is not finite follows the data, widened to a nice tick).
///
/// ```swift
/// AxisRange(0, 1)     // accuracy: the whole scale
/// AxisRange.fromZero  // loss: from zero up to a nice tick above the largest value
/// ```
/// Starting at zero keeps noise from being drawn as a trend: a loss wobbling between 1.31
/// and 1.36 fills a fitted axis from bottom to top.
public struct AxisRange: Sendable, Hashable {
    /// The low end; `-infinity` follows the data.
    public var min: Double
    /// The high end; `+infinity` follows the data.
    public var max: Double

    public init(_ min: Double, _ max: Double) {
        self.min = min
        self.max = max
    }

    /// From zero up to the data (down to it, when every value is negative).
    public static let fromZero = AxisRange(0, .infinity)

    /// The ends for data in `dataMin...dataMax`, and which of them is a fixed bound. A
    /// range whose two fixed ends are reversed or equal is ignored (both follow the data);
    /// data wholly beyond a lone fixed end puts that end on the other side (`.fromZero`
    /// with negative data runs from the smallest value up to zero).
    func resolved(dataMin: Double, dataMax: Double)
        -> (low: Double, high: Double, fixedLow: Bool, fixedHigh: Bool)
    {
        switch (min.isFinite, max.isFinite) {
        case (true, true) where min < max: (min, max, true, true)
        case (true, false):
            dataMax >= min ? (min, dataMax, true, false) : (dataMin, min, false, true)
        case (false, true):
            dataMin <= max ? (dataMin, max, false, true) : (max, dataMax, true, false)
        default: (dataMin, dataMax, false, false)
        }
    }
}

/// A bound that follows the data encodes as JSON null (figures written before such bounds
/// existed always carry two numbers).
extension AxisRange: Codable {
    private enum CodingKeys: String, CodingKey { case min, max }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try c.decodeIfPresent(Double.self, forKey: .min) ?? -.infinity,
            try c.decodeIfPresent(Double.self, forKey: .max) ?? .infinity)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if min.isFinite { try c.encode(min, forKey: .min) } else { try c.encodeNil(forKey: .min) }
        if max.isFinite { try c.encode(max, forKey: .max) } else { try c.encodeNil(forKey: .max) }
    }
}
