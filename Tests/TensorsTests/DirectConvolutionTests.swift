import Foundation
import Testing
@testable import Tensors
import TestSupport

/// Shapes that reach every path of the direct convolution kernels: channel tails and
/// several 32-channel tiles, more pixels than one 256-pixel chunk, the filter gradient
/// split into pixel pieces (small filters) and into channel pieces (large ones), and the
/// forward split along channels when there are few pixels.
let directCases:
    [(input: [Int], kernel: (Int, Int), outChannels: Int, stride: (Int, Int), same: Bool)] = [
        ([2, 9, 11, 5], (3, 3), 37, (1, 1), true),  // two tiles, the second 5 wide
        ([1, 7, 6, 3], (2, 3), 70, (2, 1), false),  // three tiles, strided rows
        ([2, 48, 48, 3], (3, 3), 8, (1, 1), true),  // 4,608 pixels: pixel pieces for dW
        ([1, 2, 2, 32], (3, 3), 1024, (1, 1), true),  // 4 pixels, K·O = 294,912: channel pieces
        // CBAM's one-channel spatial convolution, strided
        ([2, 13, 13, 2], (7, 7), 1, (2, 2), true),
    ]

/// Largest difference relative to the largest magnitude of `expected`.
func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
    let scale = expected.scalars.map(abs).max() ?? 1
    return maxAbsDifference(actual.scalars, expected.scalars)! / Swift.max(scale, 1e-6)
}

/// Forward, dX and dW of every direct case against the Float64 oracles; 0 when all agree.
func directConvolutionMismatches() -> Int {
    var failures = 0
    for (index, t) in directCases.enumerated() {
        let x = randomTensor(t.input, seed: UInt64(10 + index))
        let w = randomTensor(
            [t.kernel.0, t.kernel.1, t.input[3], t.outChannels], seed: UInt64(20 + index))
        let xv = Parameter(x), wv = Parameter(w)
        let y = conv2d(
            xv.value, filter: wv.value, strides: t.stride, padding: t.same ? .same : .valid)
        let dy = randomTensor(y.shape, seed: UInt64(30 + index))
        let grads = gradients(of: (y * dy).sum(), wrt: [xv, wv])
        let expected = naiveConv2dGradients(x, w, dy, stride: t.stride, same: t.same)
        let forward = relativeError(y, expected.y)
        let dx = relativeError(grads[0], expected.dx), dw = relativeError(grads[1], expected.dw)
        if forward > 1e-5 || dx > 1e-5 || dw > 1e-5 {
            print(
                "direct case \(index) \(t.input) → \(t.outChannels): forward \(forward), dX \(dx), dW \(dw)"
            )
            failures += 1
        }
    }
    return failures
}

@Suite struct DirectConvolution {
    @Test func everyKernelPathEqualsTheOracleOnTheMachinesInstructionSet() {
        #expect(directConvolutionMismatches() == 0)
    }

    @Test func thePortableKernelsEqualTheOracleToo() async {
        // A child process: forcing the portable kernels is process-wide.
        await #expect(processExitsWith: .success) {
            ConvolutionKernels.forcePortable(true)
            exit(
                directConvolutionMismatches() == 0
                    && !ConvolutionKernels.instructionSet.contains("AVX-512") ? 0 : 1)
        }
    }
}

/// Depthwise forward and both gradients, for shapes with channel tails, stride 2 and a
/// 5x5 window, on whichever kernels are active.
func depthwiseResults() -> [[Float]] {
    let cases: [([Int], (Int, Int), (Int, Int), Padding)] = [
        ([2, 9, 8, 37], (3, 3), (1, 1), .same),
        ([2, 9, 8, 21], (3, 3), (2, 2), .same),
        ([1, 9, 9, 18], (5, 5), (1, 1), .valid),
    ]
    var results: [[Float]] = []
    for (index, (shape, kernel, stride, padding)) in cases.enumerated() {
        let x = Parameter(randomTensor(shape, seed: UInt64(40 + index)))
        let w = Parameter(
            randomTensor([kernel.0, kernel.1, shape[3], 1], seed: UInt64(50 + index)))
        let y = depthwiseConv2d(x.value, filter: w.value, strides: stride, padding: padding)
        let dy = randomTensor(y.shape, seed: UInt64(60 + index))
        let grads = gradients(of: (y * dy).sum(), wrt: [x, w])
        results += [y.scalars, grads[0].scalars, grads[1].scalars]
    }
    return results
}

/// Max pooling forward and backward, 37 channels, with ties (values on a 0.5 grid).
func maxPoolResults() -> [[Float]] {
    let values = randomTensor([2, 9, 8, 37], seed: 65).scalars.map { ($0 * 4).rounded() / 2 }
    let x = Parameter(Tensor(shape: [2, 9, 8, 37], scalars: values))
    var results: [[Float]] = []
    for (size, strides, padding) in [
        ((2, 2), (2, 2), Padding.valid), ((3, 3), (2, 2), Padding.same),
    ] {
        let y = maxPool2d(x.value, size: size, strides: strides, padding: padding)
        let dy = randomTensor(y.shape, seed: 66)
        results += [y.scalars, gradients(of: (y * dy).sum(), wrt: [x])[0].scalars]
    }
    return results
}

/// The AVX-512 depthwise kernels against Tensors' Swift loops (which run where AVX-512
/// does not): both paths agree, and the Swift loops are checked against the oracles by
/// the Convolution suite.
@Suite struct DirectKernelsAgainstTheSwiftLoops {
    @Test func maxPoolingPicksTheSameWinnersAsTheSwiftLoop() async {
        await #expect(processExitsWith: .success) {
            let fast = maxPoolResults()
            ConvolutionKernels.forcePortable(true)
            exit(fast == maxPoolResults() ? 0 : 1)
        }
    }

    @Test func depthwiseKernelsAgreeWithTheSwiftLoops() async {
        await #expect(processExitsWith: .success) {
            let fast = depthwiseResults()
            ConvolutionKernels.forcePortable(true)
            let loops = depthwiseResults()
            let worst = zip(fast, loops).map { a, b in
                maxAbsDifference(a, b)! / Swift.max(b.map(abs).max() ?? 1, 1e-6)
            }.max()!
            exit(worst < 1e-5 ? 0 : 1)
        }
    }
}

/// Batch norm (training) forward and backward on 37 channels (a tail past 8-lane blocks).
func batchNormResults() -> [[Float]] {
    let x = Parameter(randomTensor([3, 5, 7, 37], seed: 61) * 2 + 0.5)
    let gamma = Parameter(randomTensor([37], seed: 62)),
        beta = Parameter(randomTensor([37], seed: 63))
    let r = batchNormTraining(x.value, scale: gamma.value, offset: beta.value, epsilon: 1e-3)
    let dy = randomTensor(r.output.shape, seed: 64)
    let grads = gradients(of: (r.output * dy).sum(), wrt: [x, gamma, beta])
    return [r.output.scalars, r.mean.scalars, r.variance.scalars] + grads.map(\.scalars)
}

@Suite struct BatchNormKernels {
    @Test func theVectorSumsAreBitwiseTheScalarLoops() async {
        await #expect(processExitsWith: .success) {
            let fast = batchNormResults()
            ConvolutionKernels.forcePortable(true)
            exit(fast == batchNormResults() ? 0 : 1)
        }
    }
}

/// ReLU and ReLU6 forward and backward as bit patterns, on values that include signed
/// zeros, 6, NaN and a 16-lane tail.
func reluBitPatterns() -> [[UInt32]] {
    var values = randomTensor([37], seed: 67).scalars.map { $0 * 8 }
    values += [-0.0, 0, 6, -6, .nan, .infinity, -.infinity]
    let grads = randomTensor([values.count], seed: 68)
    var out: [[UInt32]] = []
    for f in [relu, relu6] as [(Tensor) -> Tensor] {
        let p = Parameter(Tensor(shape: [values.count], scalars: values))
        let y = f(p.value)
        let dx = gradients(of: (y * grads).sum(), wrt: [p])[0]
        out += [y.scalars.map(\.bitPattern), dx.scalars.map(\.bitPattern)]
    }
    return out
}

@Suite struct ReLUKernels {
    @Test func theVectorActivationsAreBitwiseTheSwiftClosures() async {
        await #expect(processExitsWith: .success) {
            let fast = reluBitPatterns()
            ConvolutionKernels.forcePortable(true)
            exit(fast == reluBitPatterns() ? 0 : 1)
        }
    }
}
