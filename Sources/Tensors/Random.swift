// `RandomGenerator` lives in SeededRandom with Vision's `SplitMix64`; the initialisers
// below take it, so those who import Tensors see it too.
@_exported import SeededRandom

extension Tensor {
    /// Uniform values in `[lower, upper)`.
    public init(
        randomUniform shape: [Int], lower: Float = 0, upper: Float = 1,
        generator: inout RandomGenerator
    ) {
        checkShape(shape, op: "Tensor(randomUniform:)")
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = lower + (upper - lower) * generator.nextUniform() }
        self.init(unchecked: shape, values)
    }

    /// Normal values with the given mean and standard deviation.
    public init(
        randomNormal shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
        generator: inout RandomGenerator
    ) {
        checkShape(shape, op: "Tensor(randomNormal:)")
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = mean + standardDeviation * Float(generator.nextNormal()) }
        self.init(unchecked: shape, values)
    }

    /// Normal values redrawn until within two standard deviations of the mean
    /// (Keras `TruncatedNormal`).
    public init(
        randomTruncatedNormal shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
        generator: inout RandomGenerator
    ) {
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
            return Tensor(
                randomTruncatedNormal: shape, standardDeviation: sd, generator: &generator)
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
