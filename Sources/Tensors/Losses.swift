import Foundation
import Preconditions

// Softmax cross-entropy with per-sample weights, Keras reduction.

/// Mean softmax cross-entropy of a batch with optional per-sample weights.
///
/// `loss = Σᵢ wᵢ · CEᵢ / N` with `CEᵢ = −Σₖ labels[i,k] · log softmax(logits[i])ₖ`: Keras'
/// "sum_over_batch_size" reduction (divides by the batch size N, not by Σw), which is
/// what `class_weight` produces. Computed from logits with an exact log-softmax, as
/// Keras does when the model ends in a softmax. Labels are one-hot or probabilities
/// and receive no gradient.
///
/// - Parameters:
///   - logits: `[N, K]`.
///   - labels: `[N, K]`.
///   - sampleWeights: N weights, or nil for all ones.
public func softmaxCrossEntropy(logits: Tensor, labels: Tensor, sampleWeights: [Float]? = nil)
    -> Tensor
{
    check(
        logits.rank == 2 && logits.shape[0] > 0 && logits.shape[1] > 0,
        "softmaxCrossEntropy: logits must be non-empty [N, K], got \(logits.shape)")
    check(
        labels.shape == logits.shape,
        "softmaxCrossEntropy: labels \(labels.shape) must match logits \(logits.shape)")
    let n = logits.shape[0], k = logits.shape[1]
    if let w = sampleWeights {
        check(
            w.count == n,
            "softmaxCrossEntropy: \(w.count) sample weights for a batch of \(n) (logits \(logits.shape))"
        )
    }
    let weights = sampleWeights ?? [Float](repeating: 1, count: n)
    var probabilities = [Float](repeating: 0, count: n * k)
    var total = 0.0
    logits.scalars.withUnsafeBufferPointer { pz in
        labels.scalars.withUnsafeBufferPointer { pt in
            for i in 0..<n {
                let z = pz.baseAddress! + i * k, t = pt.baseAddress! + i * k
                var m = -Float.infinity
                for j in 0..<k { m = Swift.max(m, z[j]) }
                var s: Double = 0
                for j in 0..<k { s += Foundation.exp(Double(z[j] - m)) }
                let lse = Double(m) + Foundation.log(s)
                var ce = 0.0
                for j in 0..<k {
                    ce -= Double(t[j]) * (Double(z[j]) - lse)
                    probabilities[i * k + j] = Float(Foundation.exp(Double(z[j]) - lse))
                }
                total += Double(weights[i]) * ce
            }
        }
    }
    let loss = Float(total / Double(n))
    let t = labels.scalars
    return makeResult([], [loss], inputs: [logits]) { g, _ in
        // d/dz_i = wᵢ / N · (softmax(zᵢ) · Σₖ tᵢₖ − tᵢ)
        let scale = g.scalars[0] / Float(n)
        var dz = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            var tSum: Float = 0
            for j in 0..<k { tSum += t[i * k + j] }
            let f = scale * weights[i]
            for j in 0..<k { dz[i * k + j] = f * (probabilities[i * k + j] * tSum - t[i * k + j]) }
        }
        return [Tensor(unchecked: [n, k], dz)]
    }
}

/// Per-sample softmax cross-entropy `[N]` (composed from `logSoftmax`, so it is
/// differentiable too); for focal loss and other variants.
public func softmaxCrossEntropyPerSample(logits: Tensor, labels: Tensor) -> Tensor {
    check(
        logits.rank == 2 && labels.shape == logits.shape,
        "softmaxCrossEntropyPerSample: labels \(labels.shape) must match logits [N, K], got \(logits.shape)"
    )
    return -(labels.detached * logSoftmax(logits)).sum(alongAxes: [1])
}
