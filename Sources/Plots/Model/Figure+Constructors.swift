import Preconditions

/// Convenience constructors: one per chart kind, plus `grid` to put figures side by side.
/// Each returns a one-panel figure (the chart's title is the panel's title) at a size
/// that suits the chart; pass `width`/`height` (points) to override.
extension Figure {
    /// Line chart, e.g. training against validation accuracy per epoch.
    ///
    /// ```swift
    /// Figure.lines(title: "MobileNetV2 accuracy", xLabel: "Epoch", yLabel: "Accuracy",
    ///              series: [Series(name: "train", y: history.accuracy),
    ///                       Series(name: "validation", y: history.valAccuracy)],
    ///              markers: [Marker(x: 14, label: "best (restored)")])
    /// ```
    /// Series colours, dashes and symbols follow their order unless set; a non-finite y
    /// leaves a gap; the legend goes in the emptiest corner or outside. The y axis fits the
    /// data unless `yRange` says otherwise (`.fromZero`, `AxisRange(0, 1)`); a y axis that
    /// leaves out zero carries a break mark near its foot. Marker labels sit beside their
    /// line where they cover no symbol and no other label.
    public static func lines(
        title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
        series: [Series], markers: [Marker] = [], xRange: AxisRange? = nil,
        yRange: AxisRange? = nil, legend: LegendPlacement = .auto,
        gridLines: Bool = true, width: Double = defaultWidth,
        height: Double = defaultHeight
    ) -> Figure {
        let chart = LineChart(
            xLabel: xLabel, yLabel: yLabel, series: series, markers: markers,
            xRange: xRange, yRange: yRange, legend: legend, gridLines: gridLines)
        return Figure(
            width: width, height: height, panels: [Panel(title: title, chart: .lines(chart))])
    }

    /// Training against validation of one metric per epoch (epochs count from 1), with
    /// the epoch whose weights were restored marked.
    ///
    /// ```swift
    /// Figure.trainingCurves(title: "MobileNetV2", metric: "Accuracy",
    ///                       train: history.accuracy, validation: history.valAccuracy,
    ///                       bestEpoch: 14)
    /// ```
    /// Training is a solid blue line with circles, validation a dashed vermillion line
    /// with squares; either may be empty. The y axis starts at zero (loss and accuracy both
    /// read right from zero: a fitted axis draws a wobble of 0.01 as a trend); pass
    /// `AxisRange(0, 1)` for a fraction's whole scale, or nil to fit the data.
    public static func trainingCurves<T: BinaryFloatingPoint>(
        title: String? = nil, metric: String, train: [T], validation: [T], bestEpoch: Int? = nil,
        bestLabel: String = "restored", yRange: AxisRange? = .fromZero,
        width: Double = defaultWidth,
        height: Double = defaultHeight
    ) -> Figure {
        lines(
            title: title, xLabel: "Epoch", yLabel: metric,
            series: [
                Series(name: "training", y: train), Series(name: "validation", y: validation),
            ],
            markers: bestEpoch.map { [Marker(x: Double($0), label: "\(bestLabel) (epoch \($0))")] }
                ?? [],
            yRange: yRange, width: width, height: height)
    }

    /// Bar chart with one bar per category, e.g. the class distribution with counts on bars.
    /// Value labels sit past the bars' ends, level, or all upright when level ones would
    /// meet, or further out with a leader line; one with no free place is left out.
    ///
    /// ```swift
    /// Figure.bars(title: "Training images per class",
    ///             categories: ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"],
    ///             values: [3995, 436, 4097, 7215, 4965, 4830, 3171],
    ///             valueLabel: "Images", valueFormat: .integer)
    /// ```
    public static func bars(
        title: String? = nil, categories: [String], values: [Double],
        orientation: BarChart.Orientation = .vertical,
        categoryLabel: String? = nil, valueLabel: String? = nil,
        valueFormat: NumberFormat? = .integer, valueRange: AxisRange? = nil,
        color: Color? = nil, width: Double = defaultWidth,
        height: Double = defaultHeight
    ) -> Figure {
        bars(
            title: title, categories: categories,
            groups: [BarGroup(name: title ?? "", values: values, color: color)],
            orientation: orientation, categoryLabel: categoryLabel, valueLabel: valueLabel,
            valueFormat: valueFormat, valueRange: valueRange, width: width, height: height)
    }

    /// Grouped bar chart: one bar per group in each category, e.g. per-class F1 across models.
    ///
    /// ```swift
    /// Figure.bars(title: "F1 per class", categories: classNames,
    ///             groups: [BarGroup(name: "Simple CNN", values: f1CNN),
    ///                      BarGroup(name: "MobileNetV2", values: f1Mobile)],
    ///             valueLabel: "F1", valueRange: AxisRange(0, 1))
    /// ```
    public static func bars(
        title: String? = nil, categories: [String], groups: [BarGroup],
        orientation: BarChart.Orientation = .vertical,
        categoryLabel: String? = nil, valueLabel: String? = nil,
        valueFormat: NumberFormat? = nil, valueRange: AxisRange? = nil,
        legend: LegendPlacement = .auto, width: Double = defaultWidth,
        height: Double? = nil
    ) -> Figure {
        let chart = BarChart(
            categories: categories, groups: groups, orientation: orientation,
            categoryLabel: categoryLabel, valueLabel: valueLabel,
            valueFormat: valueFormat, valueRange: valueRange, legend: legend)
        let h =
            height
            ?? (orientation == .horizontal
                ? max(
                    defaultHeight * 0.7, 40 + Double(categories.count * max(1, groups.count)) * 12)
                : defaultHeight)
        return Figure(width: width, height: h, panels: [Panel(title: title, chart: .bars(chart))])
    }

    /// Annotated heat map with a colour bar.
    ///
    /// ```swift
    /// Figure.heatmap(title: "Mean activation", rowLabels: ["conv1", "conv2"],
    ///                columnLabels: ["angry", "happy"], values: [[0.2, 0.7], [0.4, 0.1]],
    ///                annotations: [["0.20", "0.70"], ["0.40", "0.10"]], colormap: .viridis)
    /// ```
    public static func heatmap(
        title: String? = nil, rowLabels: [String], columnLabels: [String],
        values: [[Double]], annotations: [[String]]? = nil,
        colormap: Colormap = .blues, range: AxisRange? = nil,
        xLabel: String? = nil, yLabel: String? = nil,
        colorBarLabel: String? = nil, width: Double? = nil,
        height: Double? = nil
    ) -> Figure {
        let chart = Heatmap(
            rowLabels: rowLabels, columnLabels: columnLabels, values: values,
            annotations: annotations, colormap: colormap, range: range,
            xLabel: xLabel, yLabel: yLabel, colorBarLabel: colorBarLabel)
        let size = heatmapSize(rows: rowLabels.count, columns: columnLabels.count)
        return Figure(
            width: width ?? size.width, height: height ?? size.height,
            panels: [Panel(title: title, chart: .heatmap(chart))])
    }

    /// How a confusion matrix colours its cells and what it writes in them.
    public enum Normalization: String, Codable, Sendable {
        /// Colour by count; write counts.
        case none
        /// Colour by the share of each true class (row); write counts and row percentages.
        case rows
    }

    /// Confusion matrix: true classes in rows, predictions in columns.
    ///
    /// ```swift
    /// Figure.confusionMatrix(counts: [[50, 3, 7], [4, 12, 2], [6, 1, 80]],
    ///                        labels: ["angry", "disgust", "happy"], normalize: .rows,
    ///                        title: "MobileNetV2 (test)")
    /// ```
    /// With `.rows`, each cell reads "count" over "percent of its row"; a row of zeros
    /// writes "–" for its percentages.
    public static func confusionMatrix(
        counts: [[Int]], labels: [String],
        normalize: Normalization = .rows,
        title: String? = "Confusion matrix",
        xLabel: String = "Predicted", yLabel: String = "True",
        width: Double? = nil, height: Double? = nil
    ) -> Figure {
        check(
            counts.count == labels.count && counts.allSatisfy { $0.count == labels.count },
            "confusionMatrix needs a \(labels.count)x\(labels.count) matrix of counts for \(labels.count) labels, got \(counts.count) rows of \(counts.map(\.count))"
        )
        let values: [[Double]]
        let annotations: [[String]]
        switch normalize {
        case .none:
            values = counts.map { $0.map(Double.init) }
            annotations = counts.map { $0.map { groupThousands($0) } }
        case .rows:
            values = counts.map { row in
                let total = row.reduce(0, +)
                return row.map { total == 0 ? 0 : Double($0) / Double(total) }
            }
            annotations = counts.map { row in
                let total = row.reduce(0, +)
                return row.map {
                    groupThousands($0) + "\n"
                        + (total == 0
                            ? "–" : NumberFormat.percent(1).format(Double($0) / Double(total)))
                }
            }
        }
        let chart = Heatmap(
            rowLabels: labels, columnLabels: labels, values: values,
            annotations: annotations, colormap: .blues,
            range: normalize == .rows ? AxisRange(0, 1) : nil,
            xLabel: xLabel, yLabel: yLabel,
            colorBarLabel: normalize == .rows ? "Share of true class" : "Count",
            colorBarFormat: normalize == .rows ? .percent(0) : .integer)
        let size = heatmapSize(rows: labels.count, columns: labels.count)
        return Figure(
            width: width ?? size.width, height: height ?? size.height,
            panels: [Panel(title: title, chart: .heatmap(chart))])
    }

    /// Images in a grid with captions, e.g. samples per class or misclassified faces.
    ///
    /// ```swift
    /// Figure.imageGrid(title: "Misclassified", columns: 4, images: examples.map { ex in
    ///     GridImage(values: ex.pixels, width: 48, height: 48,
    ///               caption: [CaptionLine("true: \(ex.label)"),
    ///                         CaptionLine("pred: \(ex.predicted)", tone: .wrong)])
    /// })
    /// ```
    /// Heat overlays come from `GridImage.overlaid(heat:width:height:alpha:colormap:)`.
    public static func imageGrid(
        title: String? = nil, columns: Int, images: [GridImage],
        rowLabels: [String]? = nil, colorBar: GridColorBar? = nil,
        width: Double = defaultWidth, height: Double? = nil
    ) -> Figure {
        let grid = ImageGrid(
            images: images, columns: columns, rowLabels: rowLabels, colorBar: colorBar)
        let h = height ?? grid.naturalHeight(width: width - 2 * 6, hasTitle: title != nil) + 12
        return Figure(width: width, height: h, panels: [Panel(title: title, chart: .images(grid))])
    }

    /// The same grid with the images first: `Figure.imageGrid(images: faces, columns: 7)`.
    public static func imageGrid(
        title: String? = nil, images: [GridImage], columns: Int,
        rowLabels: [String]? = nil, colorBar: GridColorBar? = nil,
        width: Double = defaultWidth, height: Double? = nil
    ) -> Figure {
        imageGrid(
            title: title, columns: columns, images: images, rowLabels: rowLabels,
            colorBar: colorBar,
            width: width, height: height)
    }

    /// Figures side by side in a grid (each figure's panels in order), e.g. the three
    /// models' curves in one row.
    ///
    /// ```swift
    /// Figure.grid([cnnCurves, mobileNetCurves, efficientNetCurves], columns: 3,
    ///             title: "Validation accuracy per model")
    /// ```
    /// A panel without a title takes its figure's title. Default size: 240 x 220 points
    /// per panel.
    public static func grid(
        _ figures: [Figure], columns: Int, title: String? = nil,
        width: Double? = nil, height: Double? = nil
    ) -> Figure {
        var panels: [Panel] = []
        for figure in figures {
            for var panel in figure.panels {
                if panel.title == nil { panel.title = figure.title }
                panels.append(panel)
            }
        }
        let columns = max(1, columns)
        let rows = max(1, (panels.count + columns - 1) / columns)
        let w = width ?? Double(min(columns, max(1, panels.count))) * 240
        let h = height ?? Double(rows) * 220 + (title == nil ? 0 : 20)
        return Figure(width: w, height: h, title: title, columns: columns, panels: panels)
    }

    static func heatmapSize(rows: Int, columns: Int) -> (width: Double, height: Double) {
        let cell = columns <= 4 ? 44.0 : columns <= 7 ? 36 : 28
        return (
            min(520, max(260, Double(columns) * cell + 190)),
            min(480, max(180, Double(rows) * cell + 110))
        )
    }
}
