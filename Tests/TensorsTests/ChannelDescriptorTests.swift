import Testing
import Tensors
import TestSupport

@Suite struct ChannelDescriptors {
    /// Values on a 0.5 grid, so some pixels have tied maxima.
    func input() -> Tensor {
        Tensor(
            shape: [2, 5, 3, 7],
            scalars: randomTensor([2, 5, 3, 7], seed: 71).scalars.map { ($0 * 4).rounded() / 2 })
    }

    @Test func meanAndMaxEqualTheComposedOps() {
        let x = input()
        let fused = channelMeanAndMax(x)
        let composed = concat(
            [
                x.mean(alongAxes: [3], keepingDimensions: true),
                x.max(alongAxes: [3], keepingDimensions: true),
            ], alongAxis: 3)
        #expect(fused.shape == [2, 5, 3, 2])
        #expect(maxAbsDifference(fused.scalars, composed.scalars)! < Tolerance.float32)
    }

    @Test func theGradientSharesTheMaximumAmongTiesAsMaxDoes() {
        let p = Parameter(input())
        let dy = randomTensor([2, 5, 3, 2], seed: 72)
        let fused = gradients(of: (channelMeanAndMax(p.value) * dy).sum(), wrt: [p])[0]
        let composed = gradients(
            of: (concat(
                [
                    p.value.mean(alongAxes: [3], keepingDimensions: true),
                    p.value.max(alongAxes: [3], keepingDimensions: true),
                ],
                alongAxis: 3) * dy).sum(), wrt: [p])[0]
        #expect(maxAbsDifference(fused.scalars, composed.scalars)! < Tolerance.float32)
    }
}

@Suite struct GlobalMaxPooling {
    @Test func valuesAndTiedGradientsEqualMaxAlongHeightAndWidth() {
        let values = randomTensor([3, 4, 5, 6], seed: 73).scalars.map { ($0 * 4).rounded() / 2 }
        let p = Parameter(Tensor(shape: [3, 4, 5, 6], scalars: values))
        let dy = randomTensor([3, 6], seed: 74)
        let fast = globalMaxPool2d(p.value), slow = p.value.max(alongAxes: [1, 2])
        #expect(fast.shape == [3, 6] && fast.scalars == slow.scalars)
        let gFast = gradients(of: (globalMaxPool2d(p.value) * dy).sum(), wrt: [p])[0]
        let gSlow = gradients(of: (p.value.max(alongAxes: [1, 2]) * dy).sum(), wrt: [p])[0]
        #expect(maxAbsDifference(gFast.scalars, gSlow.scalars)! < Tolerance.float32)
    }
}
