import Foundation
import Testing
@testable import Tensors
import TestSupport

/// Fused inference convolutions against the ops they replace: convolution, bias add, clamp.
func fusedInferenceMismatch() -> Float {
    var worst: Float = 0
    let cases: [([Int], [Int], (Int, Int), Padding, ClosedRange<Float>?)] = [
        ([2, 9, 7, 5], [3, 3, 5, 37], (1, 1), .same, 0...6),  // direct kernel, channel tail
        ([2, 9, 7, 5], [3, 3, 5, 20], (2, 2), .valid, 0...Float.infinity),
        ([3, 4, 4, 24], [1, 1, 24, 40], (1, 1), .valid, nil),  // pointwise: sgemm + epilogue pass
    ]
    for (index, (shape, filterShape, strides, padding, clamp)) in cases.enumerated() {
        let x = randomTensor(shape, seed: UInt64(70 + index)) * 3
        let w = randomTensor(filterShape, seed: UInt64(80 + index))
        let bias = randomTensor([filterShape[3]], seed: UInt64(90 + index))
        var expected = conv2d(x, filter: w, strides: strides, padding: padding) + bias
        if let clamp { expected = clamp.upperBound == 6 ? relu6(expected) : relu(expected) }
        let fused = conv2dInference(
            x, filter: w, bias: bias.scalars, strides: strides, padding: padding, clamp: clamp)
        worst = max(worst, maxAbsDifference(fused.scalars, expected.scalars)!)
    }
    let x = randomTensor([2, 8, 8, 21], seed: 99) * 3
    let w = randomTensor([3, 3, 21, 1], seed: 98), bias = randomTensor([21], seed: 97)
    for (strides, padding) in [((1, 1), Padding.same), ((2, 2), Padding.valid)] {
        let expected = relu6(
            depthwiseConv2d(x, filter: w, strides: strides, padding: padding) + bias)
        let fused = depthwiseConv2dInference(
            x, filter: w, bias: bias.scalars, strides: strides, padding: padding,
            clamp: 0...6)
        worst = max(worst, maxAbsDifference(fused.scalars, expected.scalars)!)
    }
    return worst
}

@Suite struct FusedInference {
    @Test func fusedConvolutionsEqualConvolutionBiasAndClamp() {
        #expect(fusedInferenceMismatch() < Tolerance.float32)
    }

    @Test func thePortableEpiloguesAgreeToo() async {
        await #expect(processExitsWith: .success) {
            ConvolutionKernels.forcePortable(true)
            exit(fusedInferenceMismatch() < Tolerance.float32 ? 0 : 1)
        }
    }

    @Test func anInputThatNeedsAGradientIsRefusedWithAMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let p = Parameter(Tensor(ones: [1, 3, 3, 1]))
            _ = conv2dInference(p.value, filter: Tensor(ones: [1, 1, 1, 1]), bias: [0])
        }
        let message = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("conv2dInference: records no gradient"))
    }
}
