import Preconditions

/// Inverted dropout (Keras): zeroes each element with probability `rate` and scales the
/// rest by 1 / (1 − rate), so inference needs no rescaling. The mask is drawn from
/// `generator` in row-major order (same seed, same mask). Call it only when training.
///
/// `rows`: `x` holds only these rows (along the first axis) of the batch — its shard when a
/// batch is split across ranks. The mask is then those rows of the whole batch's mask: the
/// draws of the rows before are skipped, so the ranks together drop exactly what one
/// process drops on the whole batch.
public func dropout(
    _ x: Tensor, rate: Float, generator: inout RandomGenerator, rows: Range<Int>? = nil
) -> Tensor {
    check(
        rate >= 0 && rate < 1, "dropout: rate must be in [0, 1), got \(rate) for input \(x.shape)")
    if rate == 0 { return x }
    if let rows {
        check(
            x.rank >= 1 && x.shape[0] == rows.count && rows.lowerBound >= 0,
            "dropout: input \(x.shape) does not hold the \(rows.count) rows \(rows) of its batch")
        let rowSize = rows.isEmpty ? 0 : x.count / rows.count
        for _ in 0..<(rows.lowerBound * rowSize) { _ = generator.next() }
    }
    let keep = 1 - rate
    let scale = 1 / keep
    var mask = [Float](repeating: 0, count: x.count)
    for i in 0..<x.count where generator.nextUniform() >= rate { mask[i] = scale }
    let y = zipScalars(x.scalars, mask, *)
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, mask, *))]
    }
}
