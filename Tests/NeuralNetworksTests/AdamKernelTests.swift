import Foundation
import Testing
@testable import NeuralNetworks
@testable import Tensors

@Suite struct AdamKernel {
    /// Three Adam steps on 1,000 weights (a 16-lane tail included), with one optimizer.
    static func threeSteps() -> [Float] {
        var g = RandomGenerator(seed: 5)
        let adam = Adam(learningRate: 1e-2)
        var w = Tensor(randomUniform: [1000], generator: &g).scalars
        for _ in 0..<3 {
            let grad = Tensor(randomUniform: [1000], generator: &g).scalars
            adam.beginStep()
            adam.update("w", value: &w, gradient: grad)
        }
        return w
    }

    @Test func theVectorStepIsBitwiseTheScalarLoop() async {
        await #expect(processExitsWith: .success) {
            let fast = AdamKernel.threeSteps()
            ConvolutionKernels.forcePortable(true)  // the scalar Swift loop
            exit(fast == AdamKernel.threeSteps() ? 0 : 1)
        }
    }
}
