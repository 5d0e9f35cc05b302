import Foundation

/// The seeded generator of weights, dropout and shuffling: xoshiro256** (Blackman & Vigna,
/// "Scrambled linear pseudorandom number generators", 2018), seeded through `SplitMix64`.
///
/// Value type: copying it copies the stream. ``split()`` derives an independent
/// sub-stream (for dropout, shuffling, augmentation) so that adding draws in one place
/// does not shift the numbers drawn elsewhere.
///
///     var rng = RandomGenerator(seed: 42)
///     var dropoutRNG = rng.split()
///     let u = rng.nextUniform()  // in [0, 1)
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole stream is fixed by `seed`.
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    /// A generator for sub-stream `stream` of `seed` (e.g. one per epoch or per layer).
    public init(seed: UInt64, stream: UInt64) {
        var base = RandomGenerator(seed: seed)
        self.init(seed: SplitMix64.mix(base.next() ^ (stream &* 0x9E37_79B9_7F4A_7C15)))
    }

    /// A generator with the raw xoshiro256** state (for reference-value tests).
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// An independent generator derived from this one (advances this one by one draw).
    public mutating func split() -> RandomGenerator {
        RandomGenerator(seed: SplitMix64.mix(next()))
    }

    /// Uniform in [0, 1) with 24 random bits (every Float in the grid is reachable).
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUniformDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Standard normal by the Box–Muller transform (one value per call, Double precision).
    public mutating func nextNormal() -> Double {
        let u1 = 1 - nextUniformDouble()  // (0, 1]
        let u2 = nextUniformDouble()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}
