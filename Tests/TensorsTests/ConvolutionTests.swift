import Testing
import Tensors
import TestSupport

/// Geometries covering odd sizes, stride 2, same and valid, batch 1 and > 1.
struct WindowCase: CustomTestStringConvertible, Sendable {
    let input: [Int]
    let kernel: (Int, Int)
    let stride: (Int, Int)
    let same: Bool
    var padding: Padding { same ? .same : .valid }
    var testDescription: String {
        "input \(input) kernel \(kernel) stride \(stride) \(same ? "same" : "valid")"
    }
}

let windowCases: [WindowCase] = [
    WindowCase(input: [1, 5, 5, 3], kernel: (3, 3), stride: (1, 1), same: true),
    // TF asymmetric pad
    WindowCase(input: [2, 6, 6, 2], kernel: (3, 3), stride: (2, 2), same: true),
    WindowCase(input: [2, 7, 5, 3], kernel: (3, 3), stride: (2, 2), same: true),  // odd sizes
    WindowCase(input: [1, 7, 6, 2], kernel: (3, 2), stride: (2, 1), same: false),
    WindowCase(input: [3, 4, 4, 5], kernel: (1, 1), stride: (1, 1), same: false),  // 1x1 GEMM path
    WindowCase(input: [2, 5, 5, 4], kernel: (1, 1), stride: (2, 2), same: true),  // strided 1x1
    WindowCase(input: [1, 8, 8, 1], kernel: (7, 7), stride: (2, 2), same: true),
]

@Suite struct Convolution {
    /// Pointwise convolutions take sgemm or the direct kernel by shape: 72 → 80 runs the
    /// forward pass on sgemm and the filter gradient on the direct kernel, 8 → 300 the
    /// other way round. Both against the naive loop and finite differences.
    @Test(arguments: [(72, 80), (8, 300)])
    func pointwiseConvolutionsAgreeOnEitherPath(_ channels: (Int, Int)) {
        let (c, o) = channels
        let x = randomTensor([2, 3, 2, c], seed: 31)
        let w = randomTensor([1, 1, c, o], seed: 32)
        let slow = naiveConv2d(x, w, stride: (1, 1), same: false)
        #expect(maxAbsDifference(conv2d(x, filter: w).scalars, slow.scalars)! < Tolerance.float32)
        let report = GradientCheck.worst(at: [x, w]) { v in conv2d(v[0], filter: v[1]) }
        #expect(report.error < Tolerance.gradient, "\(report)")
    }

    @Test(arguments: windowCases)
    func conv2dEqualsTheNaiveLoop(_ t: WindowCase) {
        let x = randomTensor(t.input, seed: 1)
        let w = randomTensor([t.kernel.0, t.kernel.1, t.input[3], 4], seed: 2)
        let fast = conv2d(x, filter: w, strides: t.stride, padding: t.padding)
        let slow = naiveConv2d(x, w, stride: t.stride, same: t.same)
        #expect(fast.shape == slow.shape)
        #expect(maxAbsDifference(fast.scalars, slow.scalars)! < Tolerance.float32)
    }

    @Test(arguments: windowCases)
    func conv2dGradientsMatchFiniteDifferences(_ t: WindowCase) {
        let x = randomTensor(t.input, seed: 3)
        let w = randomTensor([t.kernel.0, t.kernel.1, t.input[3], 3], seed: 4)
        let report = GradientCheck.worst(at: [x, w]) { v in
            conv2d(v[0], filter: v[1], strides: t.stride, padding: t.padding)
        }
        #expect(report.error < Tolerance.gradient, "\(report)")
    }

    @Test(arguments: windowCases)
    func depthwiseEqualsTheNaiveLoop(_ t: WindowCase) {
        let x = randomTensor(t.input, seed: 5)
        let w = randomTensor([t.kernel.0, t.kernel.1, t.input[3], 1], seed: 6)
        let fast = depthwiseConv2d(x, filter: w, strides: t.stride, padding: t.padding)
        let slow = naiveDepthwise(x, w, stride: t.stride, same: t.same)
        #expect(fast.shape == slow.shape)
        #expect(maxAbsDifference(fast.scalars, slow.scalars)! < Tolerance.float32)
    }

    @Test(arguments: windowCases)
    func depthwiseGradientsMatchFiniteDifferences(_ t: WindowCase) {
        let x = randomTensor(t.input, seed: 7)
        let w = randomTensor([t.kernel.0, t.kernel.1, t.input[3], 1], seed: 8)
        let report = GradientCheck.worst(at: [x, w]) { v in
            depthwiseConv2d(v[0], filter: v[1], strides: t.stride, padding: t.padding)
        }
        #expect(report.error < Tolerance.gradient, "\(report)")
    }

    @Test(arguments: [
        WindowCase(input: [2, 7, 6, 19], kernel: (3, 3), stride: (2, 2), same: true),
        WindowCase(input: [1, 5, 5, 16], kernel: (3, 3), stride: (1, 1), same: false),
    ])
    func depthwiseWithManyChannelsEqualsTheNaiveLoop(_ t: WindowCase) {
        // Channel counts past the 8-wide register blocks, with and without a remainder.
        let x = randomTensor(t.input, seed: 15)
        let w = randomTensor([t.kernel.0, t.kernel.1, t.input[3], 1], seed: 16)
        let fast = depthwiseConv2d(x, filter: w, strides: t.stride, padding: t.padding)
        let slow = naiveDepthwise(x, w, stride: t.stride, same: t.same)
        #expect(maxAbsDifference(fast.scalars, slow.scalars)! < Tolerance.float32)
        let report = GradientCheck.worst(at: [x, w]) { v in
            depthwiseConv2d(v[0], filter: v[1], strides: t.stride, padding: t.padding)
        }
        #expect(report.error < Tolerance.gradient, "\(report)")
    }

    @Test func sameWithStrideTwoPadsBottomAndRightOnly() {
        // 4x4 input, 3x3 kernel of ones, stride 2, SAME: total pad 1 → 0 before, 1 after,
        // so the first output window covers rows/cols 0...2 (no padding on top/left).
        let x = Tensor(shape: [1, 4, 4, 1], scalars: (0..<16).map(Float.init))
        let w = Tensor(ones: [3, 3, 1, 1])
        let y = conv2d(x, filter: w, strides: (2, 2), padding: .same)
        #expect(y.shape == [1, 2, 2, 1])
        #expect(y[0, 0, 0, 0] == 0 + 1 + 2 + 4 + 5 + 6 + 8 + 9 + 10)
        #expect(y[0, 1, 1, 0] == 10 + 11 + 14 + 15)
    }

    @Test func explicitPaddingEqualsZeroPaddedValidConvolution() {
        let x = randomTensor([2, 5, 4, 3], seed: 9)
        let w = randomTensor([3, 3, 3, 2], seed: 10)
        let a = conv2d(
            x, filter: w, strides: (2, 2), padding: .explicit(top: 1, bottom: 2, left: 0, right: 1))
        let b = conv2d(
            x.zeroPadded(top: 1, bottom: 2, left: 0, right: 1), filter: w, strides: (2, 2))
        #expect(a == b)
    }
}

@Suite struct Pooling {
    @Test(arguments: windowCases)
    func maxPoolEqualsTheNaiveLoop(_ t: WindowCase) {
        let x = randomTensor(t.input, seed: 11)
        let fast = maxPool2d(x, size: t.kernel, strides: t.stride, padding: t.padding)
        let slow = naivePool(x, size: t.kernel, stride: t.stride, same: t.same, max: true)
        #expect(fast == slow)
    }

    @Test(arguments: windowCases)
    func avgPoolEqualsTheNaiveLoop(_ t: WindowCase) {
        let x = randomTensor(t.input, seed: 12)
        let fast = avgPool2d(x, size: t.kernel, strides: t.stride, padding: t.padding)
        let slow = naivePool(x, size: t.kernel, stride: t.stride, same: t.same, max: false)
        #expect(fast.shape == slow.shape)
        #expect(maxAbsDifference(fast.scalars, slow.scalars)! < Tolerance.float32)
    }

    @Test(arguments: windowCases)
    func poolingGradientsMatchFiniteDifferences(_ t: WindowCase) {
        let x = distinctTensor(t.input, seed: 13)
        let maxReport = GradientCheck.worst(at: [x], epsilon: 1e-3) { v in
            maxPool2d(v[0], size: t.kernel, strides: t.stride, padding: t.padding)
        }
        #expect(maxReport.error < Tolerance.gradient, "\(maxReport)")
        let avgReport = GradientCheck.worst(at: [x]) { v in
            avgPool2d(v[0], size: t.kernel, strides: t.stride, padding: t.padding)
        }
        #expect(avgReport.error < Tolerance.gradient, "\(avgReport)")
    }

    @Test func globalPoolingReducesHeightAndWidth() {
        let x = distinctTensor([2, 3, 5, 4], seed: 14)
        #expect(globalAvgPool2d(x).shape == [2, 4])
        let report = GradientCheck.worst(at: [x]) { v in globalAvgPool2d(v[0]) }
        #expect(report.error < Tolerance.gradient, "\(report)")
        let maxReport = GradientCheck.worst(at: [x], epsilon: 1e-3) { v in globalMaxPool2d(v[0]) }
        #expect(maxReport.error < Tolerance.gradient, "\(maxReport)")
        let slow = naivePool(x, size: (3, 5), stride: (1, 1), same: false, max: true)
        #expect(globalMaxPool2d(x).scalars == slow.scalars)
    }
}
