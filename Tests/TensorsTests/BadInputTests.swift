import Foundation
import Testing
import Tensors

/// Bad input traps with a message that names the op and the shapes it got.
/// Each case runs in a child process (a Swift Testing exit test) and checks its stderr.
@Suite struct BadInput {
    private func stderr(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func addingUnbroadcastableShapesNamesBothShapes() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(zeros: [2, 3]) + Tensor(zeros: [4])
        }
        #expect(stderr(r).contains("add: shapes [2, 3] and [4] cannot be broadcast"))
    }

    @Test func scalarsThatDoNotFillTheShapeAreRejected() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(shape: [2, 2], scalars: [1, 2, 3])
        }
        #expect(stderr(r).contains("shape [2, 2] holds 4 scalars, got 3"))
    }

    @Test func conv2dWithMismatchedChannelsNamesInputAndFilter() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(Tensor(zeros: [1, 8, 8, 3]), filter: Tensor(zeros: [3, 3, 4, 16]))
        }
        #expect(
            stderr(r).contains(
                "conv2d: input channels 3 do not match filter input channels 4 (input [1, 8, 8, 3], filter [3, 3, 4, 16])"
            ))
    }

    @Test func conv2dOnARank3InputAsksForNHWC() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(Tensor(zeros: [8, 8, 3]), filter: Tensor(zeros: [3, 3, 3, 4]))
        }
        #expect(
            stderr(r).contains(
                "conv2d: expects NHWC input of rank 4, got input [8, 8, 3], filter [3, 3, 3, 4]"))
    }

    @Test func aStrideOfZeroIsRejected() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(
                Tensor(zeros: [1, 4, 4, 1]), filter: Tensor(zeros: [3, 3, 1, 1]), strides: (0, 1))
        }
        #expect(
            stderr(r).contains(
                "conv2d: strides (0, 1) must be positive (input [1, 4, 4, 1], filter [3, 3, 1, 1])")
        )
    }

    @Test func aZeroSizeDimensionIsRejected() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = maxPool2d(Tensor(zeros: [2, 0, 4, 1]), size: (2, 2), strides: (2, 2))
        }
        #expect(
            stderr(r).contains(
                "maxPool2d: input has a zero-size dimension (input [2, 0, 4, 1], pool size (2, 2), strides (2, 2))"
            ))
    }

    @Test func aWindowLargerThanAValidInputIsRejected() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = depthwiseConv2d(Tensor(zeros: [1, 2, 2, 3]), filter: Tensor(zeros: [3, 3, 3, 1]))
        }
        #expect(
            stderr(r).contains(
                "depthwiseConv2d: window 3x3 is larger than the 2x2 input with valid padding"))
    }

    @Test func depthwiseFilterShapeIsChecked() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = depthwiseConv2d(Tensor(zeros: [1, 5, 5, 3]), filter: Tensor(zeros: [3, 3, 3, 2]))
        }
        #expect(
            stderr(r).contains(
                "depthwiseConv2d: filter must be [KH, KW, 3, 1] for input [1, 5, 5, 3], got filter [3, 3, 3, 2]"
            ))
    }

    @Test func matmulNamesTheInnerDimensions() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor(zeros: [2, 3]), Tensor(zeros: [4, 5]))
        }
        #expect(stderr(r).contains("matmul: inner dimensions differ: [2, 3] · [4, 5] (3 vs 4)"))
    }

    @Test func reshapeToTheWrongCountNamesBothShapes() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(zeros: [2, 3]).reshaped(to: [4, 2])
        }
        #expect(stderr(r).contains("reshape: cannot reshape [2, 3] (6 scalars) to [4, 2]"))
    }

    @Test func batchNormChecksTheScaleShape() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = batchNormTraining(
                Tensor(zeros: [2, 4]), scale: Tensor(zeros: [3]), offset: Tensor(zeros: [4]),
                epsilon: 1e-3)
        }
        #expect(
            stderr(r).contains(
                "batchNormTraining: scale must have shape [4] for input [2, 4], got [3]"))
    }

    @Test func crossEntropyChecksLabelsAndWeights() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = softmaxCrossEntropy(
                logits: Tensor(zeros: [2, 3]), labels: Tensor(zeros: [2, 3]), sampleWeights: [1])
        }
        #expect(
            stderr(r).contains(
                "softmaxCrossEntropy: 1 sample weights for a batch of 2 (logits [2, 3])"))
    }

    @Test func anOutOfRangeAxisIsNamed() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(zeros: [2, 3]).sum(alongAxes: [2])
        }
        #expect(stderr(r).contains("sum: axis 2 is out of range for shape [2, 3]"))
    }
}

@Suite struct BadSettings {
    @Test func aThreadCountBelowOneIsRejected() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Parallelism.threadCount = 0
        }
        let message = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Parallelism.threadCount must be at least 1, got 0"))
    }

    @Test func dropoutRejectsARateOfOne() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            _ = dropout(Tensor(zeros: [2, 2]), rate: 1, generator: &rng)
        }
        let message = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("dropout: rate must be in [0, 1), got 1.0 for input [2, 2]"))
    }

    @Test func dropoutRejectsRowsTheInputDoesNotHold() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            _ = dropout(Tensor(zeros: [2, 2]), rate: 0.5, generator: &rng, rows: 4..<7)
        }
        let message = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(
            message.contains("dropout: input [2, 2] does not hold the 3 rows 4..<7 of its batch"))
    }
}
