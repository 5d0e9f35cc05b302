import Foundation
import Testing
import Tensors
import TestSupport

@Suite struct BatchNorm {
    @Test(arguments: [[1, 3, 3, 4], [4, 5, 3, 2], [7, 3]])
    func trainingModeEqualsTheNaiveLoop(_ shape: [Int]) {
        let c = shape.last!
        let x = randomTensor(shape, seed: 1, lower: -2, upper: 3)
        let gamma = randomTensor([c], seed: 2, lower: 0.5, upper: 1.5)
        let beta = randomTensor([c], seed: 3)
        let fast = batchNormTraining(x, scale: gamma, offset: beta, epsilon: 1e-3)
        let slow = naiveBatchNorm(x, gamma: gamma.scalars, beta: beta.scalars, epsilon: 1e-3)
        #expect(maxAbsDifference(fast.output.scalars, slow.output.scalars)! < Tolerance.float32)
        #expect(maxAbsDifference(fast.mean.scalars, slow.mean)! < Tolerance.float32)
        #expect(maxAbsDifference(fast.variance.scalars, slow.variance)! < Tolerance.float32)
    }

    @Test func inferenceModeUsesTheGivenStatistics() {
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let y = batchNormInference(
            x, mean: Tensor([1, 2]), variance: Tensor([4, 1]),
            scale: Tensor([2, 1]), offset: Tensor([0, 10]), epsilon: 0)
        // channel 0: (x − 1) / 2 · 2; channel 1: (x − 2) / 1 + 10
        #expect(y.scalars == [0, 10, 2, 12])
    }

    @Test func movingAveragesFollowKerasMomentum() {
        let moving = movingAverage(Tensor([0, 1]), batch: Tensor([1, 3]), momentum: 0.99)
        #expect(maxAbsDifference(moving.scalars, [0.01, 1.02])! < 1e-6)
    }
}

@Suite struct CrossEntropy {
    @Test func weightedLossDividesByTheBatchSizeNotTheWeightSum() {
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, 0, 0])
        let labels = oneHot([2, 0], depth: 3)
        let ce0 = -Foundation.log(
            Foundation.exp(3.0) / (Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)))
        let ce1 = Foundation.log(3.0)
        let loss = softmaxCrossEntropy(logits: logits, labels: labels, sampleWeights: [2, 0.5])
        #expect(Swift.abs(Double(loss.scalar) - (2 * ce0 + 0.5 * ce1) / 2) < 1e-6)
        let perSample = softmaxCrossEntropyPerSample(logits: logits, labels: labels)
        #expect(maxAbsDifference(perSample.scalars, [Float(ce0), Float(ce1)])! < 1e-6)
    }

    @Test func largeLogitsStayFinite() {
        let loss = softmaxCrossEntropy(
            logits: Tensor(shape: [1, 2], scalars: [1000, -1000]),
            labels: oneHot([1], depth: 2))
        #expect(loss.scalar == 2000)
    }
}
