/// A chart described as a value: data and styling, no drawing state.
///
/// A figure is a grid of panels (one panel for a simple chart). The notebook program
/// builds figures and sends them as JSON; the report renderer redraws them with
/// ``svg()``, ``pngData(dpi:)``, ``writePDF(to:)`` or ``draw(into:x:y:width:height:)``,
/// all through the same drawing code.
///
/// ```swift
/// let figure = Figure.lines(
///     title: "Accuracy", xLabel: "Epoch", yLabel: "Accuracy",
///     series: [Series(name: "train", y: [0.31, 0.45, 0.52]),
///              Series(name: "validation", y: [0.30, 0.41, 0.44])],
///     markers: [Marker(x: 3, label: "restored best")])
/// let svg = try figure.svg()
/// ```
public struct Figure: Codable, Sendable, Hashable {
    /// Width in points (1/72 inch).
    public var width: Double
    /// Height in points (1/72 inch).
    public var height: Double
    /// Figure-wide title, above all panels (panels carry their own titles).
    public var title: String?
    /// Panels per row of the grid; panels fill rows left to right.
    public var columns: Int
    public var panels: [Panel]

    public init(
        width: Double = Figure.defaultWidth, height: Double = Figure.defaultHeight,
        title: String? = nil, columns: Int = 1, panels: [Panel]
    ) {
        self.width = width
        self.height = height
        self.title = title
        self.columns = max(1, columns)
        self.panels = panels
    }

    /// 5 x 3.4 inches: a single chart at the width of a report column.
    public static let defaultWidth: Double = 360
    public static let defaultHeight: Double = 245

    /// Rows of the panel grid.
    public var rows: Int { panels.isEmpty ? 1 : (panels.count + columns - 1) / columns }
}

/// One cell of a figure's grid: a chart with its own title.
public struct Panel: Codable, Sendable, Hashable {
    public var title: String?
    public var chart: Chart

    public init(title: String? = nil, chart: Chart) {
        self.title = title
        self.chart = chart
    }
}

/// What a panel shows.
public enum Chart: Codable, Sendable, Hashable {
    case lines(LineChart)
    case bars(BarChart)
    case heatmap(Heatmap)
    case images(ImageGrid)
}
