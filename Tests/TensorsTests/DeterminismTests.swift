import Testing
import Tensors
import TestSupport

/// The kernels cut work at boundaries that do not depend on the thread count, so one
/// thread and two threads give bitwise-identical results.
@Suite(.serialized) struct Determinism {
    @Test func forwardAndBackwardAreIdenticalForOneAndTwoThreads() {
        func run() -> [Tensor] {
            let x = randomTensor([4, 9, 9, 8], seed: 1)
            let w = Parameter(randomTensor([3, 3, 8, 8], seed: 2))
            let d = Parameter(randomTensor([3, 3, 8, 1], seed: 3))
            let gamma = Parameter(Tensor(ones: [8])), beta = Parameter(Tensor(zeros: [8]))
            var h = conv2d(x, filter: w.value, strides: (2, 2), padding: .same)
            h = batchNormTraining(h, scale: gamma.value, offset: beta.value, epsilon: 1e-3).output
            h = relu6(depthwiseConv2d(h, filter: d.value, padding: .same))
            let pooled = globalAvgPool2d(h) + h.sum(alongAxes: [0, 1, 2])
            let loss = softmaxCrossEntropy(logits: pooled, labels: oneHot([1, 2, 3, 4], depth: 8))
            loss.backward()
            return [loss, w.gradient!, d.gradient!, gamma.gradient!, beta.gradient!]
        }
        let saved = Parallelism.threadCount
        defer { Parallelism.threadCount = saved }
        Parallelism.threadCount = 1
        let one = run()
        Parallelism.threadCount = 2
        let two = run()
        #expect(one == two)
    }
}
