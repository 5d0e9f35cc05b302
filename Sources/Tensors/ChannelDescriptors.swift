// CBAM's spatial-attention descriptors in one op: per pixel, the mean and the maximum over
// the channel axis. Composed from `mean`, `max` and `concat` it took six passes over the
// feature map and four more backward; this takes one each way.

/// `concat([x.mean(alongAxes: [-1]), x.max(alongAxes: [-1])], alongAxis: -1)` keeping the
/// last axis: `[..., C]` → `[..., 2]`. The maximum's gradient is shared equally among tied
/// channels, as `max(alongAxes:)` does.
public func channelMeanAndMax(_ x: Tensor) -> Tensor {
    check(x.rank >= 1 && x.count > 0 && x.shape.last! > 0,
          "channelMeanAndMax: expects a non-empty input with channels last, got \(x.shape)")
    let c = x.shape.last!
    let rows = x.count / c
    let grain = Swift.max(1, elementwiseGrain / c)
    let out = x.scalars.withUnsafeBufferPointer { px in
        makeScalars(rows * 2) { o in
            let ux = UncheckedSendable(px.baseAddress!), uo = SharedBuffer(o)
            parallelChunks(rows, grain: grain) { range in
                for r in range {
                    let row = ux.value + r * c
                    var sum: Float = 0, best = row[0]
                    for ch in 0..<c {
                        sum += row[ch]
                        if row[ch] > best { best = row[ch] }
                    }
                    uo.base[2 * r] = sum / Float(c)
                    uo.base[2 * r + 1] = best
                }
            }
        }
    }
    let input = x.detached
    return makeResult(Array(x.shape.dropLast()) + [2], out, inputs: [x]) { g, _ in
        let dx = input.scalars.withUnsafeBufferPointer { px in
            g.scalars.withUnsafeBufferPointer { pg in
                out.withUnsafeBufferPointer { py in
                    makeScalars(rows * c) { d in
                        let ux = UncheckedSendable(px.baseAddress!), ug = UncheckedSendable(pg.baseAddress!)
                        let uy = UncheckedSendable(py.baseAddress!), ud = SharedBuffer(d)
                        parallelChunks(rows, grain: grain) { range in
                            for r in range {
                                let row = ux.value + r * c, dst = ud.base + r * c
                                let best = uy.value[2 * r + 1]
                                var ties = 0
                                for ch in 0..<c where row[ch] == best { ties += 1 }
                                let mean = ug.value[2 * r] / Float(c)
                                let share = ties > 0 ? ug.value[2 * r + 1] / Float(ties) : 0
                                for ch in 0..<c { dst[ch] = row[ch] == best ? mean + share : mean }
                            }
                        }
                    }
                }
            }
        }
        return [Tensor(unchecked: input.shape, dx)]
    }
}
