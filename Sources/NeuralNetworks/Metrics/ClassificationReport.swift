import Foundation
import Preconditions

/// Per-class precision, recall, F1 and support, with accuracy and macro/weighted averages,
/// computed as scikit-learn 1.9's `classification_report(y_true, y_pred,
/// labels=range(k), zero_division="warn")`.
///
/// Zero division: a class never predicted gets precision 0, a class with no samples gets
/// recall 0, and F1 = 2·tp/(2·tp+fp+fn) is 0 when that denominator is 0 — as scikit-learn's
/// default, which also warns; the same warning texts are in ``warnings``.
///
/// ```swift
/// let report = try ClassificationReport(truth: yTrue, predicted: yPred,
///                                       classNames: ["angry", "disgust", "fear"])
/// print(report.text(digits: 4))   // identical to sklearn's output
/// ```
public struct ClassificationReport: Equatable, Sendable, Codable {
    public struct Row: Equatable, Sendable, Codable {
        public var name: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public let classNames: [String]
    public let confusion: ConfusionMatrix
    /// One row per class, in class order.
    public let classes: [Row]
    public let accuracy: Double
    public let macroAverage: Row
    public let weightedAverage: Row
    /// The mean recall over the classes present in the truth: scikit-learn's
    /// `balanced_accuracy_score`. Chance level is 1/k for k present classes, whatever the
    /// class proportions, which makes it the baseline that fits a class-weighted objective.
    public let balancedAccuracy: Double
    /// scikit-learn's `UndefinedMetricWarning` messages this report would raise, in order.
    public let warnings: [String]

    public init(truth: [Int], predicted: [Int], classNames: [String]) throws {
        let matrix = try ConfusionMatrix(
            truth: truth, predicted: predicted, classCount: classNames.count)
        self.init(confusion: matrix, classNames: classNames)
    }

    public init(truth: [Int], predicted: [Int], classCount: Int) throws {
        try self.init(
            truth: truth, predicted: predicted, classNames: (0..<classCount).map(String.init))
    }

    public init(confusion: ConfusionMatrix, classNames: [String]) {
        check(
            classNames.count == confusion.classCount,
            "ClassificationReport: \(classNames.count) class names for \(confusion.classCount) classes"
        )
        let support = confusion.support
        let predicted = confusion.predictedCounts
        var rows: [Row] = []
        var undefinedPrecision = false, undefinedRecall = false, undefinedF = false
        for c in 0..<confusion.classCount {
            let tp = Double(confusion.counts[c][c])
            let pred = Double(predicted[c]), truth = Double(support[c])
            if pred == 0 { undefinedPrecision = true }
            if truth == 0 { undefinedRecall = true }
            if pred + truth == 0 { undefinedF = true }
            rows.append(
                Row(
                    name: classNames[c],
                    precision: pred == 0 ? 0 : tp / pred,
                    recall: truth == 0 ? 0 : tp / truth,
                    f1: pred + truth == 0 ? 0 : 2 * tp / (truth + pred),
                    support: support[c]))
        }
        let total = confusion.total
        let k = Double(rows.count)
        func mean(_ key: KeyPath<Row, Double>) -> Double {
            rows.reduce(0) { $0 + $1[keyPath: key] } / k
        }
        func weighted(_ key: KeyPath<Row, Double>) -> Double {
            rows.reduce(0) { $0 + $1[keyPath: key] * Double($1.support) } / Double(total)
        }
        let correct = (0..<confusion.classCount).reduce(0) { $0 + confusion.counts[$1][$1] }
        var warnings: [String] = []
        if undefinedPrecision { warnings.append(Self.warning("Precision is", "predicted")) }
        if undefinedRecall { warnings.append(Self.warning("Recall is", "true")) }
        if undefinedF { warnings.append(Self.warning("F-score is", "true nor predicted")) }

        self.classNames = classNames
        self.confusion = confusion
        self.classes = rows
        self.accuracy = Double(correct) / Double(total)
        self.macroAverage = Row(
            name: "macro avg", precision: mean(\.precision), recall: mean(\.recall),
            f1: mean(\.f1), support: total)
        self.weightedAverage = Row(
            name: "weighted avg", precision: weighted(\.precision),
            recall: weighted(\.recall), f1: weighted(\.f1), support: total)
        self.warnings = warnings
        let present = rows.filter { $0.support > 0 }
        self.balancedAccuracy =
            present.isEmpty ? 0 : present.reduce(0) { $0 + $1.recall } / Double(present.count)
    }

    private static func warning(_ start: String, _ modifier: String) -> String {
        "\(start) ill-defined and being set to 0.0 in labels with no \(modifier) samples. "
            + "Use `zero_division` parameter to control this behavior."
    }

    /// The report as scikit-learn prints it (same widths, blank lines and rounding).
    public func text(digits: Int = 4) -> String {
        let width = max(classNames.map(\.count).max() ?? 0, "weighted avg".count, digits)
        func right(_ s: String, _ w: Int) -> String {
            String(repeating: " ", count: max(0, w - s.count)) + s
        }
        func number(_ x: Double) -> String { right(String(format: "%.\(digits)f", x), 9) }
        func row(_ r: Row) -> String {
            right(r.name, width) + " " + " " + number(r.precision) + " " + number(r.recall) + " "
                + number(r.f1) + " " + right(String(r.support), 9) + "\n"
        }
        var out =
            right("", width) + " "
            + ["precision", "recall", "f1-score", "support"]
            .map { " " + right($0, 9) }.joined() + "\n\n"
        for r in classes { out += row(r) }
        out += "\n"
        out +=
            right("accuracy", width) + " " + " " + right("", 9) + " " + right("", 9) + " "
            + number(accuracy) + " " + right(String(confusion.total), 9) + "\n"
        out += row(macroAverage)
        out += row(weightedAverage)
        return out
    }
}
