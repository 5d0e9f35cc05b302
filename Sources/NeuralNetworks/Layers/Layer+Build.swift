import Tensors

// What Keras' `Model` does with a layer tree: build it, then run inference on it.

/// Samples per chunk when `predict(_:)` is given a larger batch.
let predictionChunk = 64

extension Layer {
    /// Creates every weight for inputs of `inputShape` (without the batch axis) from `seed`:
    /// each weight is drawn from its own stream keyed by its name, so the same seed gives
    /// the same weights whatever else the program does.
    public func build(inputShape: [Int], seed: UInt64 = 0) {
        BuildSeed.$value.withValue(seed) {
            withoutGradients { _ = self(Tensor(zeros: [1] + inputShape)) }
        }
        (self as? BaseLayer)?.builtInputShape = inputShape
    }

    /// Inference on a batch, recording no gradients (BN uses moving statistics, no dropout).
    /// A batch larger than `predictionChunk` (64) runs in chunks of that many samples: the
    /// same results (each sample is computed on its own), with activations small enough to
    /// stay in the heap instead of fresh pages (measured: page faults and zeroing were a
    /// fifth of MobileNetV2's inference at batch 256).
    public func predict(_ x: Tensor) -> Tensor {
        guard x.rank >= 1, x.shape[0] > predictionChunk else { return withoutGradients { self(x) } }
        return predict(x, batchSize: predictionChunk)
    }

    /// Inference in batches of `batchSize`, concatenated.
    public func predict(_ x: Tensor, batchSize: Int) -> Tensor {
        let n = x.shape[0]
        guard n > batchSize else { return withoutGradients { self(x) } }
        var parts: [Tensor] = []
        var i = 0
        while i < n {
            parts.append(predict(x.slice(i..<min(n, i + batchSize))))
            i += batchSize
        }
        return concat(parts, alongAxis: 0)
    }
}
