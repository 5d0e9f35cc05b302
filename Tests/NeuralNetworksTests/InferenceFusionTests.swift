import Testing
@testable import NeuralNetworks
import Tensors

@Suite struct InferenceFusion {
    /// Conv → BN → ReLU6, depthwise → BN → ReLU, 1x1 conv (with bias) → BN, and a padding
    /// layer → stride-2 depthwise → BN → ReLU6: every fusible run.
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
            CorrectPad(kernel: 3)  // odd 7x7: one row and column each side
            DepthwiseConv2D(kernel: 3, strides: 2, useBias: false)
            BatchNorm()
            ReLU6()
        }
        m.build(inputShape: [7, 7, 3], seed: 3)
        // Batch norms with statistics that are not the identity.
        var g = RandomGenerator(seed: 4)
        for (key, w) in m.namedWeights
        where key.contains("moving") || key.contains("gamma") || key.contains("beta") {
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
        #expect(
            m.fusion.folds.values.filter { $0.cached != nil }.count
                == m.layers.filter { $0 is BatchNorm }.count)
    }

    @Test func aPaddingLayerFoldsIntoTheDepthwiseConvolutionAfterIt() {
        let m = Self.model()
        let h = Tensor(ones: [1, 7, 7, 6])
        #expect(m.layers[8] is CorrectPad)
        // Inference: padding, depthwise, batch norm and ReLU6 as one op.
        #expect(
            withoutGradients { m.paddedConvolution(at: 8, h, end: m.layers.count)?.length } == 4)
        // Training: the padding goes into the depthwise convolution only.
        #expect(
            TrainingPass.run(seed: 0, step: 0, commit: false) { _ in
                m.paddedConvolution(at: 8, h, end: m.layers.count)?.length
            } == 2)
        #expect(m.paddedConvolution(at: 8, h, end: 9) == nil)
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

@Suite struct TrainingFusionInModels {
    /// Conv (with bias) → BN → ReLU6, a residual block → ReLU, conv → BN → ReLU, a padding
    /// layer → stride-2 depthwise, then a softmax head: `logits` runs both BN → rectifier
    /// pairs, the rectified residual and the padded depthwise fused in a training pass.
    static func model() -> Sequential {
        let m = Sequential {
            Conv2D(8, kernel: 3, padding: .same)
            BatchNorm()
            ReLU6()
            Residual { Conv2D(8, kernel: 3, padding: .same, useBias: false) }
            ReLU()
            Conv2D(6, kernel: 1, useBias: false)
            BatchNorm()
            ReLU()
            CorrectPad(kernel: 3)  // even 8x8: a row and a column after
            DepthwiseConv2D(kernel: 3, strides: 2, useBias: false)
            GlobalAveragePooling()
            Dense(4, activation: .softmax)
        }
        m.build(inputShape: [8, 8, 3], seed: 3)
        return m
    }

    /// Loss, every gradient and the committed moving statistics of one training pass, with
    /// the model's own `logits` or with its layers called one at a time (no fusion).
    static func step(fused: Bool) -> [[Float]] {
        let m = model()
        var g = RandomGenerator(seed: 9)
        let x = Tensor(randomUniform: [4, 8, 8, 3], generator: &g) * 4
        let loss = TrainingPass.run(seed: 0, step: 0) { _ in
            let z =
                fused
                ? m.logits(x)!
                : (m.layers.last as! Dense).preSoftmax(m.layers.dropLast().reduce(x) { $1($0) })
            return Loss.categoricalCrossEntropy.value(
                logits: z, probabilities: nil, labels: [0, 1, 2, 3])
        }
        let params = m.trainableParameters
        let grads = gradients(of: loss, wrt: params)
        let state = m.namedWeights.filter { $0.key.contains("moving") }.map(
            \.weight.parameter.value.scalars)
        return [[loss.scalar]] + grads.map(\.scalars) + state
    }

    @Test func aTrainingStepGivesTheNumbersOfTheLayersRunOneByOne() {
        let fused = Self.step(fused: true), reference = Self.step(fused: false)
        #expect(fused.count == reference.count)
        for (a, b) in zip(fused, reference) {
            let scale = max(b.map(abs).max() ?? 1, 1e-3)
            #expect(zip(a, b).map { abs($0 - $1) }.max()! / scale < 1e-6)
        }
    }
}

extension TrainingFusionInModels {
    @Test func onlyATrainableBatchNormInATrainingPassFusesWithItsRectifier() {
        let m = Self.model()
        let h = Tensor(ones: [1, 8, 8, 8])
        #expect(m.fusedTraining(at: 1, h, end: m.layers.count) == nil)
        TrainingPass.run(seed: 0, step: 0, commit: false) { _ in
            #expect(m.fusedTraining(at: 1, h, end: m.layers.count)?.length == 2)
            #expect(m.fusedTraining(at: 1, h, end: 2) == nil)  // the rectifier lies past the end
            m.layers[1].isTrainable = false
            #expect(m.fusedTraining(at: 1, h, end: m.layers.count) == nil)
        }
        #expect(m.rectifiedResidual(at: 3, h, end: m.layers.count)?.length == 2)
        #expect(m.rectifiedResidual(at: 3, h, end: 4) == nil)
    }
}
