import Testing
import Tensors
import TestSupport

@Suite struct Autodiff {
    @Test func backwardFillsTheGradientOfEveryParameter() {
        let w = Parameter(Tensor(shape: [2, 1], scalars: [1, 2]), name: "w")
        let x = Tensor(shape: [1, 2], scalars: [3, 4])
        let loss = matmul(x, w.value).sum()
        loss.backward()
        #expect(w.gradient?.scalars == [3, 4])
    }

    @Test func aTensorUsedTwiceGetsTheSumOfBothGradients() {
        let p = Parameter(Tensor([2, 3]))
        let x = p.value
        let loss = (x * x + x).sum()  // d/dx = 2x + 1
        loss.backward()
        #expect(p.gradient?.scalars == [5, 7])
    }

    @Test func gradientsAccumulateUntilZeroed() {
        let p = Parameter(Tensor([1]))
        (p.value * 3).sum().backward()
        (p.value * 3).sum().backward()
        #expect(p.gradient?.scalars == [6])
        p.zeroGradient()
        #expect(p.gradient == nil)
    }

    @Test func inferenceModeRecordsNothing() {
        let p = Parameter(Tensor([1, 2]))
        let y = withoutGradients { (p.value * 2).sum() }
        #expect(!y.requiresGradient)
        y.backward()
        #expect(p.gradient == nil)
    }

    @Test func frozenParametersGetNoGradient() {
        let p = Parameter(Tensor([1, 2]), isTrainable: false)
        let q = Parameter(Tensor([1, 1]))
        let loss = (p.value * q.value).sum()
        loss.backward()
        #expect(p.gradient == nil)
        #expect(q.gradient?.scalars == [1, 2])
    }

    @Test func gradientsOfReturnsZerosForUnusedParameters() {
        let used = Parameter(Tensor([2]))
        let unused = Parameter(Tensor(zeros: [3]))
        let grads = gradients(of: (used.value * used.value).sum(), wrt: [used, unused])
        #expect(grads[0].scalars == [4])
        #expect(grads[1].scalars == [0, 0, 0])
        #expect(used.gradient == nil)
    }
}

@Suite struct InPlaceUpdates {
    @Test func aParameterUpdatedInPlaceKeepsEarlierSnapshotsIntact() {
        let p = Parameter(Tensor([1, 2, 3]))
        let snapshot = withoutGradients { p.value }
        p.withUnsafeMutableScalars { w in for i in w.indices { w[i] *= 10 } }
        #expect(p.value.scalars == [10, 20, 30])
        #expect(snapshot.scalars == [1, 2, 3])
    }

    @Test func aGateBroadcastAgainstAFullTensorGetsSummedGradients() {
        // CBAM-style channel gate [N,1,1,C] times features [N,H,W,C].
        let features = Parameter(Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 3, 4]))
        let gate = Parameter(Tensor(shape: [1, 1, 1, 2], scalars: [0.5, 2]))
        (features.value * gate.value).sum().backward()
        #expect(gate.gradient?.scalars == [4, 6])
        #expect(features.gradient?.scalars == [0.5, 2, 0.5, 2])
    }
}
