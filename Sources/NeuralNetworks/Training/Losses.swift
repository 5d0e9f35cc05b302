import Tensors

/// Classification losses with Keras' reduction: Σᵢ wᵢ·lossᵢ / batch size
/// ("sum_over_batch_size"; wᵢ = class weight of sample i's label, 1 without weights).
public enum Loss: Sendable, Equatable, Hashable {
    /// Keras `CategoricalCrossentropy(label_smoothing:)`: targets become
    /// y·(1 − s) + s/K. Computed from the logits when the model ends in a softmax (exact
    /// log-softmax, as Keras does then), else from the probabilities clipped to [1e-7, 1 − 1e-7].
    case categoricalCrossEntropy(labelSmoothing: Float = 0)
    /// Keras `CategoricalFocalCrossentropy(alpha:, gamma:)` (Lin et al. 2017):
    /// −Σₖ α·(1 − pₖ)^γ·tₖ·log pₖ with p normalised and clipped to [1e-7, 1 − 1e-7].
    case focal(gamma: Float = 2, alpha: Float = 0.25, labelSmoothing: Float = 0)

    public static var categoricalCrossEntropy: Loss { .categoricalCrossEntropy(labelSmoothing: 0) }

    var identity: String {
        switch self {
        case .categoricalCrossEntropy(let s): return "cce(\(s))"
        case .focal(let g, let a, let s): return "focal(\(g),\(a),\(s))"
        }
    }

    /// The batch loss (a scalar tensor that backpropagates).
    ///
    /// - Parameters:
    ///   - logits: pre-softmax outputs `[N, K]` when the model ends in a softmax, else nil.
    ///   - probabilities: the model's outputs `[N, K]` (used when `logits` is nil).
    ///   - sampleWeights: per-sample weights, or nil for ones.
    public func value(
        logits: Tensor?, probabilities: Tensor?, labels: [Int], sampleWeights: [Float]? = nil
    ) -> Tensor {
        let reference = logits ?? probabilities!
        let n = reference.shape[0], k = reference.shape[1]
        var targets = oneHot(labels, depth: k)
        let smoothing: Float
        switch self {
        case .categoricalCrossEntropy(let s), .focal(_, _, let s): smoothing = s
        }
        if smoothing > 0 { targets = targets * (1 - smoothing) + smoothing / Float(k) }
        switch self {
        case .categoricalCrossEntropy:
            if let logits {
                return softmaxCrossEntropy(
                    logits: logits, labels: targets, sampleWeights: sampleWeights)
            }
            let p = clippedProbabilities(probabilities!)
            return weightedMean(-(targets * log(p)).sum(alongAxes: [1]), sampleWeights, n)
        case .focal(let gamma, let alpha, _):
            let p = clippedProbabilities(logits.map { softmax($0) } ?? probabilities!)
            let perClass = alpha * pow(1 - p, gamma) * targets * log(p)
            return weightedMean(-perClass.sum(alongAxes: [1]), sampleWeights, n)
        }
    }
}

/// Keras' handling of probabilities: normalise rows to sum 1, clip to [ε, 1 − ε], ε = 1e-7.
private func clippedProbabilities(_ p: Tensor) -> Tensor {
    clamp(p / p.sum(alongAxes: [1], keepingDimensions: true), 1e-7...(1 - 1e-7))
}

/// Σ wᵢ·lᵢ / N for per-sample losses `[N]`.
private func weightedMean(_ perSample: Tensor, _ weights: [Float]?, _ n: Int) -> Tensor {
    guard let weights else { return perSample.sum() / Float(n) }
    return (perSample * Tensor(weights)).sum() / Float(n)
}
