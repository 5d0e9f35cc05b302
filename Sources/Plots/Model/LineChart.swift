import Preconditions

/// Lines of y against x, e.g. training and validation accuracy per epoch.
public struct LineChart: Codable, Sendable, Hashable {
    public var xLabel: String?
    public var yLabel: String?
    public var series: [Series]
    /// Vertical reference lines, e.g. the epoch whose weights were restored.
    public var markers: [Marker]
    /// Fixed x range; nil fits the data.
    public var xRange: AxisRange?
    /// The y range: fixed (`AxisRange(0, 1)`), from zero up to the data (`.fromZero`), or
    /// nil to fit the data. A range that leaves out zero gets a break mark on the y axis.
    public var yRange: AxisRange?
    public var legend: LegendPlacement
    public var gridLines: Bool

    public init(
        xLabel: String? = nil, yLabel: String? = nil, series: [Series],
        markers: [Marker] = [], xRange: AxisRange? = nil, yRange: AxisRange? = nil,
        legend: LegendPlacement = .auto, gridLines: Bool = true
    ) {
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.markers = markers
        self.xRange = xRange
        self.yRange = yRange
        self.legend = legend
        self.gridLines = gridLines
    }
}

/// One named line. Non-finite values (NaN, infinity) are gaps; they encode as JSON null.
public struct Series: Sendable, Hashable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// nil takes the palette colour of the series' position.
    public var color: Color?
    /// nil takes the dash of the series' position (solid, dashed, dotted, ...).
    public var dash: Dash?
    /// nil takes the symbol of the series' position; `.hidden` draws no symbols.
    public var symbol: Symbol?

    public init(
        name: String, x: [Double], y: [Double], color: Color? = nil,
        dash: Dash? = nil, symbol: Symbol? = nil
    ) {
        check(
            x.count == y.count,
            "Series '\(name)' needs as many x as y values, got \(x.count) x and \(y.count) y")
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.dash = dash
        self.symbol = symbol
    }

    /// A series over epochs 1, 2, 3, ... (or from `firstX`).
    public init(
        name: String, y: [Double], firstX: Double = 1, color: Color? = nil,
        dash: Dash? = nil, symbol: Symbol? = nil
    ) {
        self.init(
            name: name, x: y.indices.map { firstX + Double($0) }, y: y, color: color,
            dash: dash, symbol: symbol)
    }

    /// A series from any floating-point values (e.g. `[Float]` training history).
    public init<T: BinaryFloatingPoint>(
        name: String, y: [T], firstX: Double = 1,
        color: Color? = nil, dash: Dash? = nil,
        symbol: Symbol? = nil
    ) {
        self.init(
            name: name, y: y.map { Double($0) }, firstX: firstX, color: color,
            dash: dash, symbol: symbol)
    }

    public static func == (a: Series, b: Series) -> Bool {
        a.name == b.name && sameValues(a.x, b.x) && sameValues(a.y, b.y) && a.color == b.color
            && a.dash == b.dash && a.symbol == b.symbol
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hashValues(x, into: &hasher)
        hashValues(y, into: &hasher)
        hasher.combine(color)
        hasher.combine(dash)
        hasher.combine(symbol)
    }
}

extension Series: Codable {
    private enum CodingKeys: String, CodingKey { case name, x, y, color, dash, symbol }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let x = try c.decode([Double?].self, forKey: .x).map { $0 ?? .nan }
        let y = try c.decode([Double?].self, forKey: .y).map { $0 ?? .nan }
        guard x.count == y.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .y, in: c,
                debugDescription:
                    "series needs as many x as y values, got \(x.count) and \(y.count)")
        }
        self.init(
            name: try c.decode(String.self, forKey: .name), x: x, y: y,
            color: try c.decodeIfPresent(Color.self, forKey: .color),
            dash: try c.decodeIfPresent(Dash.self, forKey: .dash),
            symbol: try c.decodeIfPresent(Symbol.self, forKey: .symbol))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(gapped(x), forKey: .x)
        try c.encode(gapped(y), forKey: .y)
        try c.encodeIfPresent(color, forKey: .color)
        try c.encodeIfPresent(dash, forKey: .dash)
        try c.encodeIfPresent(symbol, forKey: .symbol)
    }
}

/// A labelled vertical line across a line chart.
public struct Marker: Codable, Sendable, Hashable {
    public var x: Double
    public var label: String?

    public init(x: Double, label: String? = nil) {
        self.x = x
        self.label = label
    }
}

/// Where a legend goes. `.auto` takes the emptiest corner of the plot, or the outside
/// right when every corner would hide data.
public enum LegendPlacement: String, Codable, Sendable, Hashable {
    case auto, topLeft, topRight, bottomLeft, bottomRight, outside, hidden
}

/// A line's dash pattern.
public enum Dash: String, Codable, Sendable, Hashable, CaseIterable {
    case solid, dashed, dotted, dashDot
}

/// A point symbol on a line.
public enum Symbol: String, Codable, Sendable, Hashable, CaseIterable {
    case circle, square, triangle, diamond, hidden
}

// MARK: - Non-finite values: JSON null, equal to each other

/// Non-finite values as nil, so JSON can carry gaps.
func gapped(_ values: [Double]) -> [Double?] { values.map { $0.isFinite ? $0 : nil } }

/// Element-wise equality where two non-finite values of the same kind are equal.
func sameValues(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}

func hashValues(_ values: [Double], into hasher: inout Hasher) {
    hasher.combine(values.count)
    for v in values {
        // -0 == 0 and NaN matches NaN, so both hash alike.
        hasher.combine(v.isNaN ? Double.nan.bitPattern : (v == 0 ? 0 : v.bitPattern))
    }
}
