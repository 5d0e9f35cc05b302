import Tensors

/// Errors for metric inputs that cannot be scored.
public struct MetricsError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Checks that two label arrays can be compared over `classCount` classes.
func validateLabels(_ truth: [Int], _ predicted: [Int], classCount: Int) throws {
    guard classCount > 0 else {
        throw MetricsError("classCount must be positive, got \(classCount)")
    }
    guard truth.count == predicted.count else {
        throw MetricsError(
            "label arrays differ in length: \(truth.count) true labels, \(predicted.count) predictions"
        )
    }
    guard !truth.isEmpty else { throw MetricsError("no labels to score: both arrays are empty") }
    for (name, labels) in [("true label", truth), ("predicted label", predicted)] {
        if let i = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw MetricsError("\(name) \(labels[i]) at index \(i) is outside 0..<\(classCount)")
        }
    }
}

/// Fraction of predictions equal to the true label.
public func accuracy(truth: [Int], predicted: [Int]) throws -> Double {
    guard truth.count == predicted.count, !truth.isEmpty else {
        throw MetricsError(
            "accuracy needs two equally long, non-empty label arrays; got \(truth.count) and \(predicted.count)"
        )
    }
    return Double(zip(truth, predicted).count { $0 == $1 }) / Double(truth.count)
}

/// Fraction of rows whose true class is among the `k` highest scores.
///
/// `scores` holds one row of `classCount` values per sample. Ties follow
/// `tf.math.in_top_k` (Keras' `top_k_categorical_accuracy`): a sample counts as a hit
/// when fewer than `k` classes score strictly higher than the true class.
public func topKAccuracy(truth: [Int], scores: [[Float]], k: Int) throws -> Double {
    guard truth.count == scores.count, !truth.isEmpty else {
        throw MetricsError(
            "top-k accuracy needs one score row per label; got \(truth.count) labels and \(scores.count) rows"
        )
    }
    guard k >= 1 else { throw MetricsError("k must be at least 1, got \(k)") }
    var hits = 0
    for (row, (label, s)) in zip(truth, scores).enumerated() {
        guard label >= 0 && label < s.count else {
            throw MetricsError("label \(label) at index \(row) is outside 0..<\(s.count)")
        }
        let target = s[label]
        if s.count(where: { $0 > target }) < k { hits += 1 }
    }
    return Double(hits) / Double(truth.count)
}

/// Counts of (true class, predicted class) pairs; rows are true classes, columns predictions,
/// as scikit-learn's `confusion_matrix(y_true, y_pred, labels=range(classCount))`.
public struct ConfusionMatrix: Equatable, Sendable, Codable {
    public let classCount: Int
    /// `counts[t][p]`: samples of true class `t` predicted as `p`.
    public let counts: [[Int]]

    public init(truth: [Int], predicted: [Int], classCount: Int) throws {
        try validateLabels(truth, predicted, classCount: classCount)
        var counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
        for (t, p) in zip(truth, predicted) { counts[t][p] += 1 }
        self.classCount = classCount
        self.counts = counts
    }

    /// Samples of each true class (row sums).
    public var support: [Int] { counts.map { $0.reduce(0, +) } }
    /// Predictions of each class (column sums).
    public var predictedCounts: [Int] {
        (0..<classCount).map { c in counts.reduce(0) { $0 + $1[c] } }
    }
    public var total: Int { support.reduce(0, +) }
    /// Rows divided by their sums (a row with no samples stays zero).
    public var rowNormalized: [[Double]] {
        counts.map { row in
            let n = row.reduce(0, +)
            return row.map { n == 0 ? 0 : Double($0) / Double(n) }
        }
    }
}

/// Top-k accuracy of `[N, K]` scores (probabilities or logits) against labels.
public func topKAccuracy(truth: [Int], scores: Tensor, k: Int) throws -> Double {
    guard scores.rank == 2 else {
        throw MetricsError("top-k accuracy needs scores [N, K], got \(scores.shape)")
    }
    let width = scores.shape[1]
    let rows = (0..<scores.shape[0]).map {
        Array(scores.scalars[($0 * width)..<(($0 + 1) * width)])
    }
    return try topKAccuracy(truth: truth, scores: rows, k: k)
}
