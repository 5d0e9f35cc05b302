import Testing
import Tensors
import TestSupport

/// Naive NumPy broadcasting oracle: the out element at a multi-index reads each operand
/// at the same index with broadcast axes pinned to 0.
private func naiveBroadcast(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> [Float] {
    let rank = max(a.rank, b.rank)
    let sa = [Int](repeating: 1, count: rank - a.rank) + a.shape
    let sb = [Int](repeating: 1, count: rank - b.rank) + b.shape
    let out = zip(sa, sb).map { max($0, $1) }
    var result: [Float] = []
    for flat in 0..<out.reduce(1, *) {
        var rest = flat, ia = 0, ib = 0, strideA = 1, strideB = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            let i = rest % out[axis]
            rest /= out[axis]
            ia += (sa[axis] == 1 ? 0 : i) * strideA
            ib += (sb[axis] == 1 ? 0 : i) * strideB
            strideA *= sa[axis]; strideB *= sb[axis]
        }
        result.append(f(a.scalars[ia], b.scalars[ib]))
    }
    return result
}

@Suite struct Broadcasting {
    @Test(arguments: [
        ([2, 3], [Int]()), ([], [2, 3]), ([1], [2, 3]), ([2, 1, 3], [4, 1]),
        ([3, 1, 1, 2], [1, 5, 2]), ([2, 3, 4, 5], [2, 1, 1, 5]), ([2, 3, 4, 1], [2, 3, 4, 5]),
    ])
    func everyOperatorMatchesTheNaiveBroadcast(_ shapes: ([Int], [Int])) {
        let a = randomTensor(shapes.0, seed: 1),
            b = randomTensor(shapes.1, seed: 2, lower: 0.5, upper: 2)
        #expect((a + b).scalars == naiveBroadcast(a, b, +))
        #expect((a - b).scalars == naiveBroadcast(a, b, -))
        #expect((a * b).scalars == naiveBroadcast(a, b, *))
        #expect((a / b).scalars == naiveBroadcast(a, b, /))
        #expect((b - a).scalars == naiveBroadcast(b, a, -))
    }

    @Test func reducingNoAxesIsTheIdentityAndNegativeAxesCountFromTheEnd() {
        let x = randomTensor([2, 3, 4], seed: 3)
        #expect(x.sum(alongAxes: []) == x)
        #expect(x.sum(alongAxes: [-1]) == x.sum(alongAxes: [2]))
        #expect(x.max(alongAxes: [0, -1], keepingDimensions: true).shape == [1, 3, 1])
    }

    @Test func largeReductionsAreAccurate() {
        let x = Tensor(repeating: 0.1, shape: [64, 32, 32])
        #expect(abs(x.sum().scalar - 6553.6) < 0.05)
        #expect(abs(x.mean(alongAxes: [0, 1]).scalars[5] - 0.1) < 1e-6)
    }
}

@Suite struct ShapeOps {
    @Test func transposeMovesAxes() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.transposed.scalars == [1, 4, 2, 5, 3, 6])
        let y = randomTensor([2, 3, 4], seed: 4).transposed(permutation: [2, 0, 1])
        #expect(y.shape == [4, 2, 3])
        #expect(y.transposed(permutation: [1, 2, 0]) == randomTensor([2, 3, 4], seed: 4))
    }

    @Test func concatSliceAndGatherAgree() {
        let a = Tensor(shape: [2, 1], scalars: [1, 2]),
            b = Tensor(shape: [2, 2], scalars: [3, 4, 5, 6])
        let c = concat([a, b], alongAxis: 1)
        #expect(c.scalars == [1, 3, 4, 2, 5, 6])
        #expect(c.slice(1..<3, alongAxis: -1) == b)
        #expect(c.gathering(atIndices: [1, 1, 0]).scalars == [2, 5, 6, 2, 5, 6, 1, 3, 4])
    }

    @Test func zeroPaddingPutsZerosOnEachSide() {
        let x = Tensor(shape: [1, 1, 2, 1], scalars: [7, 8])
        let y = x.zeroPadded(top: 1, bottom: 0, left: 0, right: 1)
        #expect(y.shape == [1, 2, 3, 1])
        #expect(y.scalars == [0, 0, 0, 7, 8, 0])
    }

    @Test func reshapeInfersOneDimensionAndFlattenKeepsTheBatch() {
        let x = randomTensor([2, 3, 4], seed: 5)
        #expect(x.reshaped(to: [4, -1]).shape == [4, 6])
        #expect(x.flattened().shape == [2, 12])
    }

    @Test func oneHotSetsOneEntryPerRow() {
        #expect(oneHot([2, 0], depth: 3).scalars == [0, 0, 1, 1, 0, 0])
    }

    @Test func resizingToTheSameSizeKeepsTheImage() {
        let x = randomTensor([2, 5, 4, 3], seed: 6)
        #expect(maxAbsDifference(resizeBilinear(x, height: 5, width: 4).scalars, x.scalars)! < 1e-6)
    }
}
