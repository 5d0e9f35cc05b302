import Testing
import Tensors
import TestSupport

@Suite struct Randomness {
    @Test func theSameSeedGivesTheSameNumbers() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        var c = RandomGenerator(seed: 43)
        #expect(RandomGenerator(seed: 42).hashValueProbe != c.next())
    }

    @Test func splitStreamsDifferFromTheParentAndEachOther() {
        var parent = RandomGenerator(seed: 1)
        var s1 = parent.split(), s2 = parent.split()
        let a = (0..<4).map { _ in s1.next() }, b = (0..<4).map { _ in s2.next() }
        #expect(a != b)
        var x = RandomGenerator(seed: 9, stream: 0), y = RandomGenerator(seed: 9, stream: 1)
        #expect(x.next() != y.next())
    }

    @Test func uniformAndNormalHaveTheRightMoments() {
        var rng = RandomGenerator(seed: 3)
        let u = Tensor(randomUniform: [20000], lower: -2, upper: 2, generator: &rng)
        #expect(u.scalars.allSatisfy { $0 >= -2 && $0 < 2 })
        #expect(Swift.abs(u.mean().scalar) < 0.05)
        let n = Tensor(randomNormal: [20000], mean: 1, standardDeviation: 2, generator: &rng)
        let m = n.mean().scalar
        let sd = (square(n - m).mean().scalar).squareRoot()
        #expect(Swift.abs(m - 1) < 0.05 && Swift.abs(sd - 2) < 0.05)
    }

    @Test func truncatedNormalStaysWithinTwoStandardDeviations() {
        var rng = RandomGenerator(seed: 4)
        let t = Tensor(randomTruncatedNormal: [10000], standardDeviation: 0.5, generator: &rng)
        #expect(t.scalars.allSatisfy { Swift.abs($0) <= 1 })
        // A normal truncated at ±2σ has standard deviation 0.8796σ.
        let sd = (square(t).mean().scalar).squareRoot()
        #expect(Swift.abs(sd - 0.5 * 0.8796) < 0.01)
    }

    @Test func kerasInitialisersUseKerasFans() {
        #expect(Initializer.fans([3, 3, 16, 32]) == (144, 288))
        #expect(Initializer.fans([3, 3, 32, 1]) == (288, 9))
        #expect(Initializer.fans([128, 7]) == (128, 7))
        var rng = RandomGenerator(seed: 5)
        let g = Initializer.glorotUniform.make([64, 64], generator: &rng)
        let limit = Float((6.0 / 128).squareRoot())
        #expect(g.scalars.allSatisfy { Swift.abs($0) <= limit })
        #expect(g.max().scalar > 0.9 * limit)
        let h = Initializer.heNormal.make([3, 3, 64, 64], generator: &rng)
        let sd = (square(h).mean().scalar).squareRoot()
        #expect(Swift.abs(sd - Float((2.0 / 576).squareRoot())) < 0.003)
        #expect(Initializer.zeros.make([2], generator: &rng).scalars == [0, 0])
        #expect(Initializer.ones.make([2], generator: &rng).scalars == [1, 1])
    }

    @Test func dropoutIsSeededAndInverted() {
        let x = Tensor(ones: [1000])
        var a = RandomGenerator(seed: 6), b = RandomGenerator(seed: 6)
        let ya = dropout(x, rate: 0.25, generator: &a), yb = dropout(x, rate: 0.25, generator: &b)
        #expect(ya == yb)
        #expect(ya.scalars.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.75) < 1e-6 })
        let dropped = ya.scalars.filter { $0 == 0 }.count
        #expect(dropped > 200 && dropped < 300)
    }

    @Test func dropoutOnSomeRowsTakesThoseRowsOfTheWholeBatchsMask() {
        // A batch of 7 rows of 3×2 split as ranks split it (0..<2, 2..<4, 4..<7): each
        // shard's mask is its rows of the whole batch's mask, drawn from the same seed.
        var values = RandomGenerator(seed: 1)
        let x = Tensor(randomUniform: [7, 3, 2], generator: &values)
        var whole = RandomGenerator(seed: 9, stream: 4)
        let all = dropout(x, rate: 0.5, generator: &whole)
        var joined: [Float] = []
        for rows in [0..<2, 2..<4, 4..<7] {
            var g = RandomGenerator(seed: 9, stream: 4)
            joined += dropout(x.slice(rows), rate: 0.5, generator: &g, rows: rows).scalars
        }
        #expect(joined == all.scalars)
        #expect(all.scalars.contains(0) && all.scalars.contains { $0 != 0 })
        // Not the mask a generator drawing from its start would give the last shard.
        var fresh = RandomGenerator(seed: 9, stream: 4)
        #expect(
            dropout(x.slice(4..<7), rate: 0.5, generator: &fresh).scalars
                != Array(all.scalars[24...]))
    }
}

extension RandomGenerator {
    fileprivate var hashValueProbe: UInt64 { var copy = self; return copy.next() }
}
