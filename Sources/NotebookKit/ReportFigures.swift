import Foundation
import NeuralNetworks
import NotebookModel
import Plots
import Vision

// Figures and tables of training results, the forms a report shows them in.

extension Figure {
    /// Training and validation curves of one metric per epoch, with a marker at the epoch
    /// whose weights the model kept (EarlyStopping's `restoreBestWeights`). The y axis is
    /// the metric's ``Metric/axisRange`` (accuracy 0 to 1, loss from zero) unless `yRange`
    /// is given; `AxisRange(-.infinity, .infinity)` fits the data.
    ///
    ///     show(Figure.trainingCurves(history, metric: .accuracy, title: "MobileNetV2"))
    public static func trainingCurves(
        _ history: History, metric: Metric = .accuracy,
        title: String? = nil, yRange: AxisRange? = nil,
        width: Double = defaultWidth,
        height: Double = defaultHeight
    ) -> Figure {
        trainingCurves(
            title: title, metric: metricLabel(metric), train: history[metric],
            validation: history[Metric("val_" + metric.name)],
            bestEpoch: history.restoredEpoch.map { $0 + 1 }, bestLabel: "kept",
            yRange: yRange ?? metric.axisRange, width: width, height: height)
    }

    /// One metric of several models in one panel (e.g. validation accuracy of all three),
    /// on the metric's ``Metric/axisRange`` unless `yRange` is given.
    public static func compareCurves(
        _ histories: [(name: String, history: History)], metric: Metric,
        title: String? = nil, yRange: AxisRange? = nil,
        width: Double = defaultWidth,
        height: Double = defaultHeight
    ) -> Figure {
        .lines(
            title: title, xLabel: "Epoch", yLabel: metricLabel(metric),
            series: histories.map { Series(name: $0.name, y: $0.history[metric]) },
            yRange: yRange ?? metric.axisRange, width: width, height: height)
    }

    /// A labelled grid of dataset images: `perClass` samples of every class, one row each.
    public static func samples(
        _ data: ImageDataset, perClass: Int, seed: UInt64 = 0,
        title: String? = nil
    ) -> Figure {
        var images: [GridImage] = []
        let order = ImageDataset.permutation(count: data.count, seed: seed)
        for c in 0..<data.classCount {
            let picks = order.lazy.filter { data.labels[$0] == c }.prefix(perClass)
            for i in picks {
                let im = data.image(at: i)
                images.append(
                    GridImage(
                        pixels: im.pixels, width: im.width, height: im.height,
                        channels: im.channels, caption: data.classNames[c]))
            }
        }
        return .imageGrid(title: title, columns: perClass, images: images)
    }
}

extension Metric {
    /// The y range a reader expects for this metric's curves, so noise is not drawn as a
    /// trend: a fraction (accuracy) on its whole scale, 0 to 1, which also puts panels and
    /// models side by side on one scale; a loss, learning rate or time from zero; anything
    /// else fitted to the data.
    public var axisRange: AxisRange? {
        let base = name.hasPrefix("val_") ? String(name.dropFirst(4)) : name
        if base.hasSuffix("accuracy") { return AxisRange(0, 1) }
        if base.hasSuffix("loss") || base == "learning_rate" || base == "epoch_seconds" {
            return .fromZero
        }
        return nil
    }
}

private func metricLabel(_ metric: Metric) -> String {
    switch metric.name {
    case "accuracy", "val_accuracy": "Accuracy"
    case "loss", "val_loss": "Loss"
    case "learning_rate": "Learning rate"
    default: metric.name
    }
}

extension NotebookModel.Table {
    /// A classification report as a table: precision, recall, F1, support per class, then
    /// accuracy and the macro and weighted averages, `digits` decimals (scikit-learn's
    /// `classification_report` layout).
    public init(
        _ report: ClassificationReport, digits: Int = 4, label: String? = nil,
        caption: String? = nil
    ) {
        func f(_ v: Double) -> String { String(format: "%.\(digits)f", v) }
        var rows = report.classes.map {
            [$0.name, f($0.precision), f($0.recall), f($0.f1), String($0.support)]
        }
        rows.append(["accuracy", "", "", f(report.accuracy), String(report.confusion.total)])
        for avg in [report.macroAverage, report.weightedAverage] {
            rows.append([avg.name, f(avg.precision), f(avg.recall), f(avg.f1), String(avg.support)])
        }
        self.init(
            label: label, caption: caption,
            columns: ["class", "precision", "recall", "f1-score", "support"],
            alignments: [.left, .right, .right, .right, .right], rows: rows)
    }

    /// Parameter counts of a model summary: total, trainable and non-trainable.
    public init(
        parameterCounts models: [(name: String, summary: ModelSummary)], label: String? = nil,
        caption: String? = nil
    ) {
        self.init(
            label: label, caption: caption,
            columns: ["model", "layers", "parameters", "trainable", "non-trainable"],
            alignments: [.left, .right, .right, .right, .right],
            rows: models.map { m in
                [
                    m.name, String(m.summary.rows.count), grouped(m.summary.total),
                    grouped(m.summary.trainable),
                    grouped(m.summary.nonTrainable),
                ]
            })
    }
}

/// 1234567 → "1,234,567" (Plots' grouping, as its figures print counts).
public func grouped(_ n: Int) -> String { groupThousands(n) }

/// `0.5054` → `"50.54%"`.
public func percent(_ v: Double, decimals: Int = 2) -> String {
    String(format: "%.\(decimals)f%%", v * 100)
}
