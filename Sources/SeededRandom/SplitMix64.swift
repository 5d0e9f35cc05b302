import Foundation

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): a small, fast, seedable generator. Vision draws every random number
/// through it (so one seed gives the same bytes on every machine and thread count), and
/// it seeds `RandomGenerator`. Streams for independent work items are derived with
/// `SplitMix64(seed:stream:index:)`, so parallel generation does not depend on scheduling.
///
///     var rng = SplitMix64(seed: 42)
///     rng.next()  // 13679457532755275413
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for item `index` of stream `stream` under `seed`, independent of the others.
    public init(seed: UInt64, stream: UInt64, index: UInt64 = 0) {
        var mixer = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        let a = mixer.next()
        var second = SplitMix64(seed: a ^ (stream &* 0xD1B5_4A32_D192_ED03))
        let b = second.next()
        var third = SplitMix64(seed: b ^ (index &* 0x94D0_49BB_1331_11EB))
        state = third.next()
    }

    /// The first output of a generator seeded with `seed` (a one-step mix of 64 bits).
    public static func mix(_ seed: UInt64) -> UInt64 {
        var g = SplitMix64(seed: seed)
        return g.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }

    /// Uniform in the closed range (its upper end has probability zero).
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        uniform(range.lowerBound, range.upperBound)
    }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// True with probability p.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform integer in 0..<n.
    public mutating func index(below n: Int) -> Int { Int(next(upperBound: UInt64(n))) }
}
