import Preconditions

/// A matrix of coloured cells with optional text in each, and a colour bar,
/// e.g. a confusion matrix.
public struct Heatmap: Codable, Sendable, Hashable {
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// `values[row][column]` sets each cell's colour; non-finite values draw as empty cells.
    public var values: [[Double]]
    /// Text per cell, `annotations[row][column]`; a newline starts a smaller second line.
    public var annotations: [[String]]?
    public var colormap: Colormap
    /// Colour scale range; nil spans the finite values.
    public var range: AxisRange?
    /// Axis title below the columns (e.g. "Predicted").
    public var xLabel: String?
    /// Axis title beside the rows (e.g. "True").
    public var yLabel: String?
    /// Title of the colour bar; the bar is drawn unless `showsColorBar` is false.
    public var colorBarLabel: String?
    public var showsColorBar: Bool
    /// How the colour bar writes its tick labels.
    public var colorBarFormat: NumberFormat?

    public init(
        rowLabels: [String], columnLabels: [String], values: [[Double]],
        annotations: [[String]]? = nil, colormap: Colormap = .blues,
        range: AxisRange? = nil, xLabel: String? = nil, yLabel: String? = nil,
        colorBarLabel: String? = nil, showsColorBar: Bool = true,
        colorBarFormat: NumberFormat? = nil
    ) {
        check(
            values.count == rowLabels.count,
            "Heatmap has \(values.count) rows of values for \(rowLabels.count) row labels")
        for (i, row) in values.enumerated() {
            check(
                row.count == columnLabels.count,
                "Heatmap row \(i) has \(row.count) values for \(columnLabels.count) column labels")
        }
        if let annotations {
            check(
                annotations.count == values.count
                    && zip(annotations, values).allSatisfy { $0.count == $1.count },
                "Heatmap annotations must have the shape of values (\(values.count) rows)")
        }
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.annotations = annotations
        self.colormap = colormap
        self.range = range
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorBarLabel = colorBarLabel
        self.showsColorBar = showsColorBar
        self.colorBarFormat = colorBarFormat
    }

    public static func == (a: Heatmap, b: Heatmap) -> Bool {
        a.rowLabels == b.rowLabels && a.columnLabels == b.columnLabels
            && a.values.count == b.values.count && zip(a.values, b.values).allSatisfy(sameValues)
            && a.annotations == b.annotations && a.colormap == b.colormap && a.range == b.range
            && a.xLabel == b.xLabel && a.yLabel == b.yLabel && a.colorBarLabel == b.colorBarLabel
            && a.showsColorBar == b.showsColorBar && a.colorBarFormat == b.colorBarFormat
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rowLabels)
        hasher.combine(columnLabels)
        for row in values { hashValues(row, into: &hasher) }
        hasher.combine(annotations)
        hasher.combine(colormap)
        hasher.combine(range)
    }

    private enum CodingKeys: String, CodingKey {
        case rowLabels, columnLabels, values, annotations, colormap, range, xLabel, yLabel,
            colorBarLabel, showsColorBar, colorBarFormat
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rowLabels = try c.decode([String].self, forKey: .rowLabels)
        columnLabels = try c.decode([String].self, forKey: .columnLabels)
        values = try c.decode([[Double?]].self, forKey: .values).map { $0.map { $0 ?? .nan } }
        annotations = try c.decodeIfPresent([[String]].self, forKey: .annotations)
        colormap = try c.decode(Colormap.self, forKey: .colormap)
        range = try c.decodeIfPresent(AxisRange.self, forKey: .range)
        xLabel = try c.decodeIfPresent(String.self, forKey: .xLabel)
        yLabel = try c.decodeIfPresent(String.self, forKey: .yLabel)
        colorBarLabel = try c.decodeIfPresent(String.self, forKey: .colorBarLabel)
        showsColorBar = try c.decode(Bool.self, forKey: .showsColorBar)
        colorBarFormat = try c.decodeIfPresent(NumberFormat.self, forKey: .colorBarFormat)
        guard values.count == rowLabels.count,
            values.allSatisfy({ $0.count == columnLabels.count })
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .values, in: c,
                debugDescription:
                    "heatmap values must be \(rowLabels.count) rows of \(columnLabels.count)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rowLabels, forKey: .rowLabels)
        try c.encode(columnLabels, forKey: .columnLabels)
        try c.encode(values.map(gapped), forKey: .values)
        try c.encodeIfPresent(annotations, forKey: .annotations)
        try c.encode(colormap, forKey: .colormap)
        try c.encodeIfPresent(range, forKey: .range)
        try c.encodeIfPresent(xLabel, forKey: .xLabel)
        try c.encodeIfPresent(yLabel, forKey: .yLabel)
        try c.encodeIfPresent(colorBarLabel, forKey: .colorBarLabel)
        try c.encode(showsColorBar, forKey: .showsColorBar)
        try c.encodeIfPresent(colorBarFormat, forKey: .colorBarFormat)
    }
}
