import Foundation

/// The one seeded random generator: xoshiro256** (Blackman & Vigna, "Scrambled linear
/// pseudorandom number generators", 2018), seeded through SplitMix64.
///
/// Value type: copying it copies the stream. ``split()`` derives an independent
/// sub-stream (for dropout, shuffling, augmentation) so that adding draws in one place
/// does not shift the numbers drawn elsewhere.
///
///     var rng = RandomGenerator(seed: 42)
///     var dropoutRNG = rng.split()
///     let w = Tensor(randomNormal: [3, 3], standardDeviation: 0.1, generator: &rng)
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole stream is fixed by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        s0 = RandomGenerator.splitMix(&sm)
        s1 = RandomGenerator.splitMix(&sm)
        s2 = RandomGenerator.splitMix(&sm)
        s3 = RandomGenerator.splitMix(&sm)
    }

    /// A generator for sub-stream `stream` of `seed` (e.g. one per epoch or per layer).
    public init(seed: UInt64, stream: UInt64) {
        var base = RandomGenerator(seed: seed)
        var key = base.next() ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        self.init(seed: RandomGenerator.splitMix(&key))
    }

    /// A generator with the raw xoshiro256** state (for reference-value tests).
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
    }

    /// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", 2014).
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
        var key = next()
        return RandomGenerator(seed: RandomGenerator.splitMix(&key))
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

extension Tensor {
    /// Uniform values in `[lower, upper)`.
    public init(randomUniform shape: [Int], lower: Float = 0, upper: Float = 1,
                generator: inout RandomGenerator) {
        checkShape(shape, op: "Tensor(randomUniform:)")
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = lower + (upper - lower) * generator.nextUniform() }
        self.init(unchecked: shape, values)
    }

    /// Normal values with the given mean and standard deviation.
    public init(randomNormal shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                generator: inout RandomGenerator) {
        checkShape(shape, op: "Tensor(randomNormal:)")
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = mean + standardDeviation * Float(generator.nextNormal()) }
        self.init(unchecked: shape, values)
    }

    /// Normal values redrawn until within two standard deviations of the mean
    /// (Keras `TruncatedNormal`).
    public init(randomTruncatedNormal shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                generator: inout RandomGenerator) {
        checkShape(shape, op: "Tensor(randomTruncatedNormal:)")
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var z = generator.nextNormal()
            while Swift.abs(z) > 2 { z = generator.nextNormal() }
            values[i] = mean + standardDeviation * Float(z)
        }
        self.init(unchecked: shape, values)
    }
}

/// Keras' weight initialisers. Fans follow Keras `_compute_fans`: for a kernel of shape
/// [..., in, out] the receptive field is the product of the leading dimensions,
/// fan_in = in · receptive, fan_out = out · receptive (conv HWIO and depthwise
/// [kh, kw, C, multiplier] alike); a rank-1 shape has fan_in = fan_out = its size.
public enum Initializer: Sendable {
    /// Keras' default kernel initialiser: U(-l, l) with l = √(6 / (fan_in + fan_out)).
    case glorotUniform
    /// Normal truncated at 2σ, σ = √(2 / fan_in) / 0.87962566 (Keras 3 `he_normal`).
    case heNormal
    /// U(-l, l) with l = √(6 / fan_in) (Keras `he_uniform`).
    case heUniform
    /// Zeros (Keras' default bias and BN beta / moving mean).
    case zeros
    /// Ones (BN gamma / moving variance).
    case ones
    /// A constant.
    case constant(Float)
    /// Normal with the given standard deviation (Keras `RandomNormal`, default 0.05).
    case normal(standardDeviation: Float)

    /// (fan_in, fan_out) of a weight shape, as Keras computes them.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[0], shape[1])
        default:
            let receptive = shape.dropLast(2).reduce(1, *)
            return (shape[shape.count - 2] * receptive, shape[shape.count - 1] * receptive)
        }
    }

    /// A tensor of `shape` drawn from this initialiser.
    public func make(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = Initializer.fans(shape)
        switch self {
        case .glorotUniform:
            let limit = Float((6.0 / Double(Swift.max(1, fanIn + fanOut))).squareRoot())
            return Tensor(randomUniform: shape, lower: -limit, upper: limit, generator: &generator)
        case .heNormal:
            let sd = Float((2.0 / Double(Swift.max(1, fanIn))).squareRoot() / 0.87962566103423978)
            return Tensor(randomTruncatedNormal: shape, standardDeviation: sd, generator: &generator)
        case .heUniform:
            let limit = Float((6.0 / Double(Swift.max(1, fanIn))).squareRoot())
            return Tensor(randomUniform: shape, lower: -limit, upper: limit, generator: &generator)
        case .zeros:
            return Tensor(zeros: shape)
        case .ones:
            return Tensor(ones: shape)
        case .constant(let v):
            return Tensor(repeating: v, shape: shape)
        case .normal(let sd):
            return Tensor(randomNormal: shape, standardDeviation: sd, generator: &generator)
        }
    }
}
