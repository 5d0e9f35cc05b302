import Preconditions

/// Bars per category, one bar per group in each category (grouped bars when there are
/// several groups), e.g. the class distribution, or per-class F1 across models.
public struct BarChart: Codable, Sendable, Hashable {
    public var categories: [String]
    public var groups: [BarGroup]
    public var orientation: Orientation
    /// Axis title along the categories.
    public var categoryLabel: String?
    /// Axis title along the values.
    public var valueLabel: String?
    /// Writes each bar's value past its end, clear of every bar and other label (level,
    /// all upright, or further out with a leader line; left out when there is no room);
    /// nil writes none.
    public var valueFormat: NumberFormat?
    /// Value range (see ``AxisRange``); nil fits the data and includes zero. A range that
    /// leaves out zero gets a break mark on the value axis.
    public var valueRange: AxisRange?
    public var legend: LegendPlacement
    public var gridLines: Bool

    public init(
        categories: [String], groups: [BarGroup], orientation: Orientation = .vertical,
        categoryLabel: String? = nil, valueLabel: String? = nil,
        valueFormat: NumberFormat? = nil, valueRange: AxisRange? = nil,
        legend: LegendPlacement = .auto, gridLines: Bool = true
    ) {
        for g in groups {
            check(
                g.values.count == categories.count,
                "Bar group '\(g.name)' has \(g.values.count) values for \(categories.count) categories"
            )
        }
        self.categories = categories
        self.groups = groups
        self.orientation = orientation
        self.categoryLabel = categoryLabel
        self.valueLabel = valueLabel
        self.valueFormat = valueFormat
        self.valueRange = valueRange
        self.legend = legend
        self.gridLines = gridLines
    }

    public enum Orientation: String, Codable, Sendable, Hashable {
        /// Bars grow up from the x axis.
        case vertical
        /// Bars grow right from the y axis; suits long category names.
        case horizontal
    }
}

/// One value per category, drawn in one colour (one model, one split).
public struct BarGroup: Sendable, Hashable {
    public var name: String
    public var values: [Double]
    /// nil takes the palette colour of the group's position.
    public var color: Color?

    public init(name: String, values: [Double], color: Color? = nil) {
        self.name = name
        self.values = values
        self.color = color
    }

    public static func == (a: BarGroup, b: BarGroup) -> Bool {
        a.name == b.name && sameValues(a.values, b.values) && a.color == b.color
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hashValues(values, into: &hasher)
        hasher.combine(color)
    }
}

extension BarGroup: Codable {
    private enum CodingKeys: String, CodingKey { case name, values, color }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            values: try c.decode([Double?].self, forKey: .values).map { $0 ?? .nan },
            color: try c.decodeIfPresent(Color.self, forKey: .color))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(gapped(values), forKey: .values)
        try c.encodeIfPresent(color, forKey: .color)
    }
}

/// How numbers written on a chart look.
public enum NumberFormat: Codable, Sendable, Hashable {
    /// `1,234`
    case integer
    /// Fixed decimals: `.decimals(2)` writes `0.53`.
    case decimals(Int)
    /// A fraction as a percentage: `.percent(1)` writes 0.531 as `53.1%`.
    case percent(Int)

    public func format(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        switch self {
        case .integer: return groupThousands(Int(value.rounded()))
        case .decimals(let d): return fixed(value, decimals: d)
        case .percent(let d): return fixed(value * 100, decimals: d) + "%"
        }
    }
}

/// `value` with `decimals` digits after the point, without Foundation formatting.
func fixed(_ value: Double, decimals: Int) -> String {
    let d = max(0, min(decimals, 12))
    var scale = 1.0
    for _ in 0..<d { scale *= 10 }
    let rounded = (abs(value) * scale).rounded()
    let negative = value < 0 && rounded > 0
    let whole = Int(rounded / scale)
    var text = groupThousands(whole)
    if d > 0 {
        let frac = Int(rounded - Double(whole) * scale)
        let digits = String(frac)
        text += "." + String(repeating: "0", count: d - digits.count) + digits
    }
    return negative ? "−" + text : text
}

/// `1234567` as `1,234,567`.
public func groupThousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "−" + out : out
}
