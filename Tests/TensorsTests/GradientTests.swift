import Testing
import Tensors
import TestSupport

/// A differentiable op on small random inputs, checked against finite differences.
struct GradientCase: CustomTestStringConvertible, Sendable {
    let name: String
    let inputs: [Tensor]
    let epsilon: Float
    let op: @Sendable ([Tensor]) -> Tensor
    init(
        _ name: String, _ inputs: [Tensor], epsilon: Float = 1e-2,
        _ op: @escaping @Sendable ([Tensor]) -> Tensor
    ) {
        self.name = name; self.inputs = inputs; self.epsilon = epsilon; self.op = op
    }
    var testDescription: String { name }
}

private func r(_ shape: [Int], _ seed: UInt64, _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
    randomTensor(shape, seed: seed, lower: lo, upper: hi)
}

let elementwiseCases: [GradientCase] = [
    GradientCase("add, same shape", [r([2, 3], 1), r([2, 3], 2)]) { $0[0] + $0[1] },
    GradientCase("add, bias broadcast", [r([2, 3, 3, 4], 3), r([4], 4)]) { $0[0] + $0[1] },
    GradientCase("subtract, column broadcast", [r([3, 4], 5), r([3, 1], 6)]) { $0[0] - $0[1] },
    GradientCase("multiply, both broadcast", [r([2, 1, 3], 7), r([4, 1], 8)]) { $0[0] * $0[1] },
    GradientCase("multiply, attention map [N,H,W,1]", [r([2, 3, 3, 4], 9), r([2, 3, 3, 1], 10)]) {
        $0[0] * $0[1]
    },
    GradientCase("divide", [r([3, 4], 11), r([4], 12, 0.5, 2)]) { $0[0] / $0[1] },
    GradientCase("negate", [r([5], 13)]) { -$0[0] },
    GradientCase("scalar operands", [r([2, 3], 14, 0.5, 2)]) {
        2 - ($0[0] * 3 + 1) / 4 + 1 / $0[0]
    },
    GradientCase("exp", [r([7], 15)]) { exp($0[0]) },
    GradientCase("log", [r([7], 16, 0.5, 3)]) { log($0[0]) },
    GradientCase("sqrt", [r([7], 17, 0.5, 3)]) { sqrt($0[0]) },
    GradientCase("pow", [r([7], 18, 0.5, 2)]) { pow($0[0], 2.5) },
    GradientCase("square", [r([7], 19)]) { square($0[0]) },
    GradientCase("abs", [distinctTensor([7], seed: 20)], epsilon: 1e-3) { abs($0[0]) },
    GradientCase("clamp", [distinctTensor([9], seed: 21)], epsilon: 1e-3) {
        clamp($0[0], -0.5...0.5)
    },
    GradientCase(
        "maximum and minimum", [distinctTensor([3, 4], seed: 22), distinctTensor([4], seed: 23)],
        epsilon: 1e-3
    ) {
        maximum($0[0], $0[1]) + minimum($0[0], $0[1]) * 2
    },
    GradientCase("broadcast(to:)", [r([3, 1], 24)]) { $0[0].broadcast(to: [2, 3, 4]) },
]

let activationCases: [GradientCase] = [
    GradientCase("relu", [distinctTensor([3, 5], seed: 30)], epsilon: 1e-3) { relu($0[0]) },
    GradientCase("relu6", [distinctTensor([4, 5], seed: 31) * 8], epsilon: 1e-3) { relu6($0[0]) },
    GradientCase("leakyRelu", [distinctTensor([3, 5], seed: 32)], epsilon: 1e-3) {
        leakyRelu($0[0])
    },
    GradientCase("sigmoid", [r([3, 5], 33, -4, 4)]) { sigmoid($0[0]) },
    GradientCase("tanh", [r([3, 5], 34, -2, 2)]) { tanh($0[0]) },
    GradientCase("softmax", [r([3, 5], 35, -3, 3)]) { softmax($0[0]) },
    GradientCase("logSoftmax", [r([3, 5], 36, -3, 3)]) { logSoftmax($0[0]) },
    GradientCase("softmax over channels of NHWC", [r([2, 2, 2, 3], 37)]) { softmax($0[0]) },
]

let reductionAndShapeCases: [GradientCase] = [
    GradientCase("sum over axes", [r([2, 3, 4], 40)]) { $0[0].sum(alongAxes: [0, 2]) },
    GradientCase("sum of everything", [r([2, 3], 41)]) { $0[0].sum() },
    GradientCase("mean keeping dims", [r([2, 3, 4], 42)]) {
        $0[0].mean(alongAxes: [1], keepingDimensions: true)
    },
    GradientCase("mean over channels (CBAM)", [r([2, 3, 3, 4], 43)]) {
        $0[0].mean(alongAxes: [-1], keepingDimensions: true)
    },
    GradientCase("max over axes", [distinctTensor([2, 3, 4], seed: 44)], epsilon: 1e-3) {
        $0[0].max(alongAxes: [1, 2])
    },
    GradientCase("reshape and flatten", [r([2, 3, 2], 45)]) {
        $0[0].reshaped(to: [3, -1]).flattened() * 2
    },
    GradientCase("transpose", [r([2, 3, 4], 46)]) { $0[0].transposed(permutation: [2, 0, 1]) },
    GradientCase("slice", [r([3, 4, 2], 47)]) { $0[0].slice(1..<3, alongAxis: 1) },
    GradientCase("gathering rows with repeats", [r([4, 3], 48)]) {
        $0[0].gathering(atIndices: [2, 0, 2])
    },
    GradientCase("concat", [r([2, 2, 3], 49), r([2, 1, 3], 50)]) {
        concat([$0[0], $0[1]], alongAxis: 1)
    },
    GradientCase("zero padding", [r([2, 3, 2, 2], 51)]) {
        $0[0].zeroPadded(top: 0, bottom: 1, left: 2, right: 1)
    },
    GradientCase("matmul", [r([3, 4], 52), r([4, 2], 53)]) { matmul($0[0], $0[1]) },
    GradientCase("matmul transposed A", [r([4, 3], 54), r([4, 2], 55)]) {
        matmul($0[0], $0[1], transposeA: true)
    },
    GradientCase("matmul transposed B", [r([3, 4], 56), r([2, 4], 57)]) {
        matmul($0[0], $0[1], transposeB: true)
    },
    GradientCase("matmul transposed both", [r([4, 3], 58), r([2, 4], 59)]) {
        matmul($0[0], $0[1], transposeA: true, transposeB: true)
    },
    GradientCase("resize bilinear up", [r([2, 3, 4, 2], 60)]) {
        resizeBilinear($0[0], height: 5, width: 7)
    },
    GradientCase("resize bilinear down", [r([1, 6, 5, 2], 61)]) {
        resizeBilinear($0[0], height: 4, width: 2)
    },
]

let normalisationAndLossCases: [GradientCase] = [
    GradientCase(
        "batch norm training, NHWC batch 2",
        [r([2, 3, 3, 4], 70), r([4], 71, 0.5, 1.5), r([4], 72)]
    ) {
        batchNormTraining($0[0], scale: $0[1], offset: $0[2], epsilon: 1e-3).output
    },
    GradientCase(
        "batch norm training, [N, C] batch 5", [r([5, 3], 73), r([3], 74, 0.5, 1.5), r([3], 75)]
    ) {
        batchNormTraining($0[0], scale: $0[1], offset: $0[2], epsilon: 1e-3).output
    },
    GradientCase("batch norm inference", [r([2, 3, 3, 4], 76), r([4], 77, 0.5, 1.5), r([4], 78)]) {
        batchNormInference(
            $0[0], mean: Tensor([0.1, -0.2, 0.3, 0]), variance: Tensor([1, 0.5, 2, 0.1]),
            scale: $0[1], offset: $0[2], epsilon: 1e-3)
    },
    GradientCase("softmax cross-entropy with weights", [r([4, 5], 79, -2, 2)]) {
        softmaxCrossEntropy(
            logits: $0[0], labels: oneHot([0, 3, 4, 3], depth: 5), sampleWeights: [1, 0.5, 3, 2])
    },
    GradientCase("softmax cross-entropy with soft labels", [r([3, 4], 80, -2, 2)]) {
        softmaxCrossEntropy(
            logits: $0[0],
            labels: Tensor(
                shape: [3, 4], scalars: [0.7, 0.3, 0, 0, 0, 0, 1, 0, 0.25, 0.25, 0.25, 0.25]))
    },
    GradientCase("per-sample cross-entropy", [r([3, 4], 81, -2, 2)]) {
        softmaxCrossEntropyPerSample(logits: $0[0], labels: oneHot([1, 0, 3], depth: 4))
    },
    GradientCase("dropout with a fixed seed", [r([4, 6], 82)]) {
        var rng = RandomGenerator(seed: 5)
        return dropout($0[0], rate: 0.4, generator: &rng)
    },
]

@Suite struct Gradients {
    @Test(
        arguments: elementwiseCases + activationCases + reductionAndShapeCases
            + normalisationAndLossCases)
    func matchFiniteDifferences(_ c: GradientCase) {
        let report = GradientCheck.worst(at: c.inputs, epsilon: c.epsilon, c.op)
        #expect(report.error < Tolerance.gradient, "\(report)")
    }
}

let gateCases: [GradientCase] = [
    GradientCase("channel gate [N,1,1,C]", [r([2, 3, 3, 4], 90), r([2, 1, 1, 4], 91)]) {
        $0[0] * $0[1]
    },
    GradientCase("spatial gate [N,H,W,1]", [r([2, 3, 3, 4], 92), r([2, 3, 3, 1], 93)]) {
        $0[1] * $0[0]
    },
    GradientCase(
        "channel mean and max keeping dims", [distinctTensor([2, 3, 3, 9], seed: 94)], epsilon: 1e-3
    ) {
        concat(
            [
                $0[0].mean(alongAxes: [-1], keepingDimensions: true),
                $0[0].max(alongAxes: [-1], keepingDimensions: true),
            ], alongAxis: -1)
    },
]

@Suite struct GateGradients {
    @Test(arguments: gateCases)
    func matchFiniteDifferences(_ c: GradientCase) {
        let report = GradientCheck.worst(at: c.inputs, epsilon: c.epsilon, c.op)
        #expect(report.error < Tolerance.gradient, "\(report)")
    }
}
