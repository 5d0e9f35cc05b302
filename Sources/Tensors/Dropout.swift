import Preconditions

/// Inverted dropout (Keras): zeroes each element with probability `rate` and scales the
/// rest by 1 / (1 − rate), so inference needs no rescaling. The mask is drawn from
/// `generator` in row-major order (same seed, same mask). Call it only when training.
public func dropout(_ x: Tensor, rate: Float, generator: inout RandomGenerator) -> Tensor {
    check(
        rate >= 0 && rate < 1, "dropout: rate must be in [0, 1), got \(rate) for input \(x.shape)")
    if rate == 0 { return x }
    let keep = 1 - rate
    let scale = 1 / keep
    var mask = [Float](repeating: 0, count: x.count)
    for i in 0..<x.count where generator.nextUniform() >= rate { mask[i] = scale }
    let y = zipScalars(x.scalars, mask, *)
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, mask, *))]
    }
}
