import Testing
@testable import Tensors

/// Issue 2: "intermediates are released after backward".
@Suite struct GraphRelease {
    @Test func backwardDropsEveryPullbackAndTheTensorsItCaptured() {
        let p = Parameter(Tensor([1, -2, 3]))
        let hidden = relu(p.value * 2)
        let loss = (hidden * hidden).sum()
        let hiddenNode = hidden.node!
        #expect(hiddenNode.pullback != nil)
        loss.backward()
        #expect(hiddenNode.pullback == nil)
        #expect(hiddenNode.gradient == nil)
        #expect(loss.node!.pullback == nil)
        #expect(p.gradient?.scalars == [8, 0, 24])
    }

    @Test func inferenceModeAttachesNoNodes() {
        let p = Parameter(Tensor([1, 2]))
        let y = withoutGradients { relu(p.value * 2) }
        #expect(y.node == nil)
        #expect(p.value.node != nil)
    }
}
