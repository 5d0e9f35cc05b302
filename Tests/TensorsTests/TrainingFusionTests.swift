import Foundation
import Testing
@testable import Tensors
import TestSupport

/// Batch norm with a rectifier against batch norm then `relu`/`relu6`, and a convolution
/// with a bias against the convolution plus the broadcast bias: outputs and every gradient.
/// 37 channels (a tail past the 16-lane blocks); inputs spread so that some outputs of
/// the batch norm pass 6 and many fall below 0.
func trainingFusionResults(_ rectifier: Rectifier) -> (fused: [[Float]], composed: [[Float]]) {
    func run(_ fuse: Bool) -> [[Float]] {
        let x = Parameter(randomTensor([3, 5, 7, 37], seed: 71) * 3 + 0.25)
        let gamma = Parameter(randomTensor([37], seed: 72) * 4),
            beta = Parameter(randomTensor([37], seed: 73) * 2)
        var y: Tensor
        if fuse {
            y =
                batchNormTraining(
                    x.value, scale: gamma.value, offset: beta.value, epsilon: 1e-3,
                    rectifier: rectifier
                ).output
        } else {
            y =
                batchNormTraining(x.value, scale: gamma.value, offset: beta.value, epsilon: 1e-3)
                .output
            y = rectifier == .relu ? relu(y) : relu6(y)
        }
        let dy = randomTensor(y.shape, seed: 74)
        return [y.scalars] + gradients(of: (y * dy).sum(), wrt: [x, gamma, beta]).map(\.scalars)
    }
    return (run(true), run(false))
}

/// Largest difference between conv2d with `bias:` and conv2d + bias, over the output and
/// the three gradients, relative to the largest reference value; direct kernel and sgemm.
func biasedConvolutionMismatch() -> (output: Float, gradients: Float) {
    var output: Float = 0, grads: Float = 0
    for (index, (filterShape, padding)) in [
        ([3, 3, 5, 37], Padding.same), ([1, 1, 5, 20], Padding.valid),
    ].enumerated() {
        let x = Parameter(randomTensor([2, 9, 7, 5], seed: UInt64(40 + index)))
        let w = Parameter(randomTensor(filterShape, seed: UInt64(50 + index)))
        let b = Parameter(randomTensor([filterShape[3]], seed: UInt64(60 + index)))
        let fused = conv2d(x.value, filter: w.value, bias: b.value, padding: padding)
        let composed = conv2d(x.value, filter: w.value, padding: padding) + b.value
        output = max(output, maxAbsDifference(fused.scalars, composed.scalars)!)
        let dy = randomTensor(fused.shape, seed: UInt64(70 + index))
        let g1 = gradients(of: (fused * dy).sum(), wrt: [x, w, b])
        let g2 = gradients(of: (composed * dy).sum(), wrt: [x, w, b])
        for (a, r) in zip(g1, g2) {
            grads = max(
                grads, maxAbsDifference(a.scalars, r.scalars)! / max(r.scalars.map(abs).max()!, 1))
        }
    }
    return (output, grads)
}

/// `add(a, b, rectifier:)` and `relu(a + b)` / `relu6(a + b)`: output and both gradients.
func rectifiedSumResults(_ rectifier: Rectifier) -> (fused: [[Float]], composed: [[Float]]) {
    func run(_ fuse: Bool) -> [[Float]] {
        let a = Parameter(randomTensor([3, 5, 7, 37], seed: 81) * 5),
            b = Parameter(randomTensor([3, 5, 7, 37], seed: 82) * 3)
        let y =
            fuse
            ? add(a.value, b.value, rectifier: rectifier)
            : (rectifier == .relu ? relu(a.value + b.value) : relu6(a.value + b.value))
        let dy = randomTensor(y.shape, seed: 83)
        return [y.scalars] + gradients(of: (y * dy).sum(), wrt: [a, b]).map(\.scalars)
    }
    return (run(true), run(false))
}

@Suite struct TrainingFusion {
    @Test(arguments: [Rectifier.relu, .relu6])
    func aRectifiedSumIsBitwiseTheTwoOps(_ rectifier: Rectifier) {
        let (fused, composed) = rectifiedSumResults(rectifier)
        #expect(fused == composed)
        #expect(fused[0].contains(0) && (rectifier == .relu || fused[0].contains(6)))
    }

    @Test func thePortableRectifiedSumIsBitwiseTheVectorKernel() async {
        await #expect(processExitsWith: .success) {
            let fast = [Rectifier.relu, .relu6].map { rectifiedSumResults($0).fused }
            ConvolutionKernels.forcePortable(true)
            let loops = [Rectifier.relu, .relu6].map { rectifiedSumResults($0) }
            exit(loops.map(\.fused) == fast && loops.allSatisfy { $0.fused == $0.composed } ? 0 : 1)
        }
    }

    @Test func summandsOfDifferentShapesAreRefusedWithAMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = add(Tensor(ones: [2, 3]), Tensor(ones: [3]), rectifier: .relu)
        }
        let message = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("add(_:_:rectifier:): shapes [2, 3] and [3] differ"))
    }

    @Test(arguments: [Rectifier.relu, .relu6])
    func batchNormWithARectifierIsBitwiseTheTwoOps(_ rectifier: Rectifier) {
        let (fused, composed) = trainingFusionResults(rectifier)
        #expect(fused == composed)
        // The inputs reach both sides of the clamp.
        #expect(fused[0].contains(0) && fused[0].contains { $0 > 0 && $0 < 6 })
        if rectifier == .relu6 { #expect(fused[0].contains(6)) }
    }

    @Test func thePortableLoopsGiveTheSameBitsAsTheVectorKernels() async {
        await #expect(processExitsWith: .success) {
            let fast = [Rectifier.relu, .relu6].map { trainingFusionResults($0).fused }
            ConvolutionKernels.forcePortable(true)
            let loops = [Rectifier.relu, .relu6].map { trainingFusionResults($0) }
            exit(loops.map(\.fused) == fast && loops.allSatisfy { $0.fused == $0.composed } ? 0 : 1)
        }
    }

    @Test func aConvolutionWithABiasEqualsTheConvolutionPlusTheBias() {
        let mismatch = biasedConvolutionMismatch()
        #expect(mismatch.output == 0)
        #expect(mismatch.gradients < 1e-6)
    }

    @Test func thePortableBiasGradientAgreesToo() async {
        await #expect(processExitsWith: .success) {
            ConvolutionKernels.forcePortable(true)
            let mismatch = biasedConvolutionMismatch()
            exit(mismatch.output == 0 && mismatch.gradients < 1e-6 ? 0 : 1)
        }
    }

    @Test func aBiasOfTheWrongShapeIsRefusedWithAMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(
                Tensor(ones: [1, 3, 3, 2]), filter: Tensor(ones: [1, 1, 2, 4]),
                bias: Tensor(ones: [3]))
        }
        let message = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("conv2d: bias must have shape [4]"))
    }
}
