/// How `fit` weights each sample's loss by its class (Keras `class_weight`).
///
/// `.balanced` is scikit-learn's `compute_class_weight("balanced")`:
/// w_c = n_samples / (n_classes · count_c). For FER-2013's training folder this gives
/// disgust 28709/(7·436) ≈ 9.4066 and happy ≈ 0.5684.
public enum ClassWeights: Sendable, Equatable, Hashable {
    case none
    case balanced
    /// One weight per class, in class order.
    case explicit([Double])

    /// The per-class weights for these training labels.
    public func resolve(labels: [Int], classCount: Int) throws -> [Double] {
        switch self {
        case .none:
            return Array(repeating: 1, count: classCount)
        case .explicit(let w):
            guard w.count == classCount else {
                throw MetricsError(
                    "class weights: \(w.count) weights given for \(classCount) classes")
            }
            if let bad = w.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw MetricsError(
                    "class weights: weight \(w[bad]) of class \(bad) must be finite and ≥ 0")
            }
            return w
        case .balanced:
            return try balancedClassWeights(labels: labels, classCount: classCount)
        }
    }
}

/// scikit-learn's `compute_class_weight("balanced", classes=range(k), y=labels)`.
/// Like scikit-learn, it refuses a class that has no samples (its weight would be infinite).
public func balancedClassWeights(labels: [Int], classCount: Int) throws -> [Double] {
    guard !labels.isEmpty else {
        throw MetricsError("balanced class weights need labels; got none")
    }
    var counts = Array(repeating: 0, count: classCount)
    for (i, y) in labels.enumerated() {
        guard y >= 0 && y < classCount else {
            throw MetricsError("label \(y) at index \(i) is outside 0..<\(classCount)")
        }
        counts[y] += 1
    }
    if let empty = counts.firstIndex(of: 0) {
        throw MetricsError(
            "balanced class weights: class \(empty) has no samples; pass explicit weights")
    }
    let n = Double(labels.count), k = Double(classCount)
    return counts.map { n / (k * Double($0)) }
}
