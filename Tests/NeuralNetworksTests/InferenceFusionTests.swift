import Testing
@testable import NeuralNetworks
import Tensors

@Suite struct InferenceFusion {
    /// Conv → BN → ReLU6, depthwise → BN → ReLU, 1x1 conv (with bias) → BN: every fusible run.
    static func model() -> Sequential {
        let m = Sequential {
            Conv2D(8, kernel: 3, padding: .same, useBias: false)
            BatchNorm()
            ReLU6()
            DepthwiseConv2D(kernel: 3, padding: .same, useBias: false)
            BatchNorm()
            ReLU()
            Conv2D(6, kernel: 1)
            BatchNorm()
        }
        m.build(inputShape: [7, 7, 3], seed: 3)
        // Batch norms with statistics that are not the identity.
        var g = RandomGenerator(seed: 4)
        for (key, w) in m.namedWeights where key.contains("moving") || key.contains("gamma") || key.contains("beta") {
            let shift: Float = key.contains("variance") || key.contains("gamma") ? 1.5 : 0
            w.parameter.value = Tensor(randomUniform: w.parameter.shape, generator: &g) + shift
        }
        return m
    }

    /// The layers one at a time (no fusion: each call runs one layer).
    static func unfused(_ m: Sequential, _ x: Tensor) -> Tensor {
        withoutGradients { m.layers.reduce(x) { h, layer in layer(h) } }
    }

    @Test func predictionsEqualTheLayersRunOneByOne() {
        let m = Self.model()
        var g = RandomGenerator(seed: 5)
        let x = Tensor(randomUniform: [2, 7, 7, 3], generator: &g)
        let fused = withoutGradients { m(x) }
        let reference = Self.unfused(m, x)
        #expect(fused.shape == reference.shape)
        let worst = zip(fused.scalars, reference.scalars).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-4)
        // Every batch norm was folded (the fused path ran), and only for inference.
        #expect(m.layers.compactMap { $0 as? BatchNorm }.allSatisfy { $0.inferenceFold != nil })
    }

    @Test func changedStatisticsAreNotServedFromTheFoldCache() {
        let m = Self.model()
        var g = RandomGenerator(seed: 6)
        let x = Tensor(randomUniform: [1, 7, 7, 3], generator: &g)
        let before = withoutGradients { m(x) }
        let mean = m.namedWeights.first { $0.key.hasSuffix("moving_mean") }!.weight.parameter
        mean.value = mean.value + 0.25
        let after = withoutGradients { m(x) }
        let reference = Self.unfused(m, x)
        #expect(after.scalars != before.scalars)
        #expect(zip(after.scalars, reference.scalars).map { abs($0 - $1) }.max()! < 1e-4)
    }
}

@Suite struct ChunkedPrediction {
    @Test func aBatchLargerThanAChunkPredictsAsTheWholeBatchAtOnce() {
        let m = InferenceFusion.model()
        var g = RandomGenerator(seed: 8)
        let x = Tensor(randomUniform: [predictionChunk + 6, 7, 7, 3], generator: &g)
        let chunked = m.predict(x)
        let whole = withoutGradients { m(x) }
        #expect(chunked.shape == whole.shape)
        #expect(zip(chunked.scalars, whole.scalars).map { abs($0 - $1) }.max()! < 1e-5)
    }
}
