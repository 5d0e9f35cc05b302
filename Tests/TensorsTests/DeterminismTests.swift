import Foundation
import Testing
import Tensors
import TestSupport

/// The kernels cut work at boundaries that do not depend on the thread count, so one
/// thread and two threads give bitwise-identical results. Runs in a child process (an
/// exit test): changing the thread count mid-GEMM of another test would not be safe.
@Suite struct Determinism {
    @Test func forwardAndBackwardAreIdenticalForOneAndTwoThreads() async {
        await #expect(processExitsWith: .success) {
            func run() -> [Tensor] {
                let x = randomTensor([4, 9, 9, 8], seed: 1)
                let w = Parameter(randomTensor([3, 3, 8, 8], seed: 2))
                let d = Parameter(randomTensor([3, 3, 8, 1], seed: 3))
                let gamma = Parameter(Tensor(ones: [8])), beta = Parameter(Tensor(zeros: [8]))
                var h = conv2d(x, filter: w.value, strides: (2, 2), padding: .same)
                h =
                    batchNormTraining(h, scale: gamma.value, offset: beta.value, epsilon: 1e-3)
                    .output
                h = relu6(depthwiseConv2d(h, filter: d.value, padding: .same))
                let pooled = globalAvgPool2d(h) + h.sum(alongAxes: [0, 1, 2])
                let loss = softmaxCrossEntropy(
                    logits: pooled, labels: oneHot([1, 2, 3, 4], depth: 8))
                loss.backward()
                return [loss, w.gradient!, d.gradient!, gamma.gradient!, beta.gradient!]
            }
            Parallelism.threadCount = 1
            let one = run()
            Parallelism.threadCount = 2
            let two = run()
            exit(one == two ? 0 : 1)
        }
    }
}
