// CBAM's spatial-attention descriptors in one op: per pixel, the mean and the maximum over
// the channel axis. Composed from `mean`, `max` and `concat` it took six passes over the
// feature map and four more backward; this takes one each way, in `_CKernels`' gate kernels
// (AVX-512 or portable C, identical results; the mean sums in 16 lanes, then pairwise).
import _CKernels
import Preconditions

/// `concat([x.mean(alongAxes: [-1]), x.max(alongAxes: [-1])], alongAxis: -1)` keeping the
/// last axis: `[..., C]` → `[..., 2]`. The maximum's gradient is shared equally among tied
/// channels, as `max(alongAxes:)` does.
public func channelMeanAndMax(_ x: Tensor) -> Tensor {
    check(
        x.rank >= 1 && x.count > 0 && x.shape.last! > 0,
        "channelMeanAndMax: expects a non-empty input with channels last, got \(x.shape)")
    let c = x.shape.last!
    let rows = x.count / c
    let grain = Swift.max(1, elementwiseGrain / c)
    let out = x.scalars.withUnsafeBufferPointer { px in
        makeScalars(rows * 2) { o in
            let ux = UncheckedSendable(px.baseAddress!), uo = SharedBuffer(o)
            parallelChunks(rows, grain: grain) { range in
                emk_channel_mean_max(ux.value, uo.base, range.lowerBound, range.count, c)
            }
        }
    }
    let input = x.detached
    return makeResult(Array(x.shape.dropLast()) + [2], out, inputs: [x]) { g, _ in
        let dx = input.scalars.withUnsafeBufferPointer { px in
            g.scalars.withUnsafeBufferPointer { pg in
                out.withUnsafeBufferPointer { py in
                    makeScalars(rows * c) { d in
                        let ux = UncheckedSendable(px.baseAddress!),
                            ug = UncheckedSendable(pg.baseAddress!)
                        let uy = UncheckedSendable(py.baseAddress!), ud = SharedBuffer(d)
                        parallelChunks(rows, grain: grain) { range in
                            emk_channel_mean_max_backward(
                                ux.value, uy.value, ug.value, ud.base,
                                range.lowerBound, range.count, c)
                        }
                    }
                }
            }
        }
        return [Tensor(unchecked: input.shape, dx)]
    }
}
