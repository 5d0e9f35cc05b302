import Foundation
import Testing
@testable import Tensors
import TestSupport

/// Forward, dx and dgate of both gate ops and of the composed `x * gate` they replace.
private struct GateRun: Equatable {
    var fused: [[Float]]
    var composed: [[Float]]
}

/// Shapes with channel tails (19 = 16 + 3; 70 = a 64-channel group + 6), more than one
/// 64-pixel block (9 · 8 = 72), and a single pixel.
private let gateShapes: [[Int]] = [[3, 5, 5, 19], [2, 9, 8, 70], [2, 1, 1, 5]]

/// Runs `op` and `composed` on x and gate (both trainable) with a fixed upstream
/// gradient: [y, dx, dgate] each.
private func run(
    _ shape: [Int], gateShape: [Int], seed: UInt64, _ op: (Tensor, Tensor) -> Tensor,
    composed: (Tensor, Tensor) -> Tensor = { $0 * $1 }
) -> GateRun {
    let x = randomTensor(shape, seed: seed), gate = randomTensor(gateShape, seed: seed + 1)
    let dy = randomTensor(shape, seed: seed + 2)
    func results(_ f: (Tensor, Tensor) -> Tensor) -> [[Float]] {
        let px = Parameter(x), pg = Parameter(gate)
        let y = f(px.value, pg.value)
        let grads = gradients(of: (y * dy).sum(), wrt: [px, pg])
        return [y.scalars, grads[0].scalars, grads[1].scalars]
    }
    return GateRun(fused: results(op), composed: results(composed))
}

/// Every gate result of every shape, on whichever kernels are active.
private func allGateResults() -> [[Float]] {
    gateShapes.enumerated().flatMap { i, s in
        run(s, gateShape: [s[0], 1, 1, s[3]], seed: UInt64(10 * i)) { scaleChannels($0, by: $1) }
            .fused
            + run(s, gateShape: [s[0], s[1], s[2], 1], seed: UInt64(10 * i + 5)) {
                scalePixels($0, by: $1)
            }.fused
    }
}

/// Forward and backward of the descriptors the gates come from (global average and max
/// pooling, channel mean and max), on values with ties, on whichever kernels are active.
private func allDescriptorResults() -> [[Float]] {
    gateShapes.enumerated().flatMap { i, shape -> [[Float]] in
        let x = Parameter(
            Tensor(
                shape: shape,
                scalars: randomTensor(shape, seed: UInt64(60 + i)).scalars.map {
                    ($0 * 4).rounded() / 2
                }))
        let ops: [(Tensor) -> Tensor] = [globalAvgPool2d, globalMaxPool2d, channelMeanAndMax]
        return ops.flatMap { op -> [[Float]] in
            let y = op(x.value)
            let dy = randomTensor(y.shape, seed: UInt64(70 + i))
            return [y.scalars, gradients(of: (y * dy).sum(), wrt: [x])[0].scalars]
        }
    }
}

private func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
    let scale = b.map(abs).max() ?? 1
    return maxAbsDifference(a, b)! / Swift.max(scale, 1e-6)
}

@Suite struct AttentionGates {
    @Test(arguments: gateShapes)
    func scaleChannelsEqualsTheBroadcastProductForwardAndBackward(_ shape: [Int]) {
        for gateShape in [[shape[0], shape[3]], [shape[0], 1, 1, shape[3]]] {
            // The composed product needs the gate as [N, 1, 1, C] to broadcast.
            let r = run(
                shape, gateShape: gateShape, seed: 1, { scaleChannels($0, by: $1) },
                composed: { $0 * $1.reshaped(to: [shape[0], 1, 1, shape[3]]) })
            for (name, fused, expected) in zip3(["y", "dx", "dgate"], r.fused, r.composed) {
                #expect(relativeDifference(fused, expected) < 1e-5, "\(name) for gate \(gateShape)")
            }
        }
    }

    @Test(arguments: gateShapes)
    func scalePixelsEqualsTheBroadcastProductForwardAndBackward(_ shape: [Int]) {
        let r = run(shape, gateShape: [shape[0], shape[1], shape[2], 1], seed: 2) {
            scalePixels($0, by: $1)
        }
        for (name, fused, expected) in zip3(["y", "dx", "dgate"], r.fused, r.composed) {
            #expect(relativeDifference(fused, expected) < 1e-5, "\(name)")
        }
    }

    @Test func globalAveragePoolingIsBitwiseTheMeanOverHeightAndWidth() {
        let x = Parameter(randomTensor([3, 9, 8, 70], seed: 51))
        let dy = randomTensor([3, 70], seed: 52)
        let fast = globalAvgPool2d(x.value), slow = x.value.mean(alongAxes: [1, 2])
        #expect(fast.scalars == slow.scalars)
        #expect(
            gradients(of: (fast * dy).sum(), wrt: [x])[0].scalars
                == gradients(of: (slow * dy).sum(), wrt: [x])[0].scalars)
    }

    @Test func theGradientsMatchFiniteDifferences() {
        let x = randomTensor([2, 3, 3, 19], seed: 31)
        let channel = GradientCheck.worst(at: [x, randomTensor([2, 19], seed: 32)]) {
            scaleChannels($0[0], by: $0[1])
        }
        #expect(channel.error < Tolerance.gradient, "scaleChannels: \(channel)")
        let pixel = GradientCheck.worst(at: [x, randomTensor([2, 3, 3, 1], seed: 33)]) {
            scalePixels($0[0], by: $0[1])
        }
        #expect(pixel.error < Tolerance.gradient, "scalePixels: \(pixel)")
    }

    @Test func aGateOfTheWrongShapeNamesTheOpAndBothShapes() async {
        let channel = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = scaleChannels(Tensor(zeros: [2, 4, 4, 8]), by: Tensor(zeros: [2, 7]))
        }
        #expect(
            stderr(channel).contains(
                "scaleChannels: expects a non-empty x [N, H, W, C] and a gate [N, C] or [N, 1, 1, C], got x [2, 4, 4, 8] and gate [2, 7]"
            ))
        let pixel = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = scalePixels(Tensor(zeros: [2, 4, 4, 8]), by: Tensor(zeros: [2, 4, 4, 8]))
        }
        #expect(
            stderr(pixel).contains(
                "scalePixels: expects a non-empty x [N, H, W, C] and a gate [N, H, W, 1], got x [2, 4, 4, 8] and gate [2, 4, 4, 8]"
            ))
    }

    @Test func gatesAndDescriptorsAreIdenticalForOneAndTwoThreads() async {
        // A child process (the thread count is process-wide). 16 images of 40 x 40 x 96
        // (2.5M floats) split into several pieces; 1 x 1 x 96 keeps the pixel op's pieces small.
        await #expect(processExitsWith: .success) {
            func results() -> [[Float]] {
                let x = Parameter(randomTensor([16, 40, 40, 96], seed: 41))
                let c = Parameter(randomTensor([16, 96], seed: 42))
                let s = Parameter(randomTensor([16, 40, 40, 1], seed: 43))
                let y = scalePixels(scaleChannels(x.value, by: c.value), by: s.value)
                let descriptors =
                    globalAvgPool2d(y) + globalMaxPool2d(y) + channelMeanAndMax(y).sum()
                let g = gradients(of: (y * y).sum() + descriptors.sum(), wrt: [x, c, s])
                return [y.scalars] + g.map(\.scalars)
            }
            Parallelism.threadCount = 1
            let one = results()
            Parallelism.threadCount = 2
            exit(one == results() ? 0 : 1)
        }
    }

    @Test func thePortableKernelsGiveBitwiseTheSameResultsForGatesAndDescriptors() async {
        // A child process: forcing the portable kernels is process-wide.
        await #expect(processExitsWith: .success) {
            let automatic = allGateResults() + allDescriptorResults()
            ConvolutionKernels.forcePortable(true)
            let portable = allGateResults() + allDescriptorResults()
            exit(automatic == portable && ConvolutionKernels.instructionSet == "portable C" ? 0 : 1)
        }
    }
}

private func stderr(_ result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
}

private func zip3<A, B, C>(_ a: [A], _ b: [B], _ c: [C]) -> [(A, B, C)] {
    zip(a, zip(b, c)).map { ($0, $1.0, $1.1) }
}
