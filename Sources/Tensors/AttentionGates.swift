// CBAM's two gate products as ops of their own: a feature map times a per-channel gate
// (channel attention) and times a per-pixel gate (spatial attention). Written as `x * gate`
// they went through the generic broadcast loop forward and `unbroadcast`'s reductions
// backward (15% of a CBAM CNN's training step); here each direction is one pass in
// `_CKernels` (AVX-512 or portable C, identical results), with the gate's gradient summed
// in an order fixed by the shape, so results do not depend on the thread count.
import _CKernels
import Preconditions

/// `x * gate` for a per-channel gate broadcast over height and width (CBAM's channel
/// attention): x [N, H, W, C], gate [N, C] or [N, 1, 1, C] → [N, H, W, C].
///
///     let gated = scaleChannels(features, by: sigmoid(logits))   // logits [N, C]
public func scaleChannels(_ x: Tensor, by gate: Tensor) -> Tensor {
    check(
        x.rank == 4 && x.count > 0
            && (gate.shape == [x.shape[0], x.shape[3]]
                || gate.shape == [x.shape[0], 1, 1, x.shape[3]]),
        "scaleChannels: expects a non-empty x [N, H, W, C] and a gate [N, C] or [N, 1, 1, C], got x \(x.shape) and gate \(gate.shape)"
    )
    let (n, c) = (x.shape[0], x.shape[3])
    let pixels = x.shape[1] * x.shape[2]
    // Whole images per piece: the backward sums an image's pixels in one fixed order.
    return gated(
        x, gate, pieces: n, grain: Swift.max(1, elementwiseGrain / Swift.max(1, pixels * c)),
        forward: { x, g, y, images in
            emk_scale_channels(x, g, y, images.lowerBound, images.count, pixels, c)
        },
        backward: { dy, x, g, dx, dg, images in
            emk_scale_channels_backward(
                dy, x, g, dx, dg, images.lowerBound, images.count, pixels, c)
        })
}

/// `x * gate` for a per-pixel gate broadcast over channels (CBAM's spatial attention):
/// x [N, H, W, C], gate [N, H, W, 1] → [N, H, W, C].
public func scalePixels(_ x: Tensor, by gate: Tensor) -> Tensor {
    check(
        x.rank == 4 && x.count > 0 && gate.shape == Array(x.shape.dropLast()) + [1],
        "scalePixels: expects a non-empty x [N, H, W, C] and a gate [N, H, W, 1], got x \(x.shape) and gate \(gate.shape)"
    )
    let c = x.shape[3]
    return gated(
        x, gate, pieces: gate.count, grain: Swift.max(1, elementwiseGrain / Swift.max(1, c)),
        forward: { x, g, y, pixels in emk_scale_pixels(x, g, y, pixels.lowerBound, pixels.count, c)
        },
        backward: { dy, x, g, dx, dg, pixels in
            emk_scale_pixels_backward(dy, x, g, dx, dg, pixels.lowerBound, pixels.count, c)
        })
}

/// The op both gates share: `forward(x, gate, y, units)` writes y for a range of the units
/// the work is cut into (images or pixels), and `backward(dy, x, gate, dx, dgate, units)`
/// writes dx = dy · gate and dgate (Σ dy · x) for them, in one pass.
private func gated(
    _ x: Tensor, _ gate: Tensor, pieces units: Int, grain: Int,
    forward: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>)
        -> Void,
    backward:
        @escaping (
            UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
            UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>
        ) -> Void
) -> Tensor {
    let y = x.scalars.withUnsafeBufferPointer { px in
        gate.scalars.withUnsafeBufferPointer { pg in
            makeScalars(x.count) { out in
                let ux = UncheckedSendable(px.baseAddress!), ug = UncheckedSendable(pg.baseAddress!)
                let uy = SharedBuffer(out)
                parallelChunks(units, grain: grain) { r in forward(ux.value, ug.value, uy.base, r) }
            }
        }
    }
    let input = x.detached, g = gate.detached
    return makeResult(x.shape, y, inputs: [x, gate]) { dy, needs in
        var dgate = [Float](repeating: 0, count: g.count)
        let dx = dy.scalars.withUnsafeBufferPointer { pdy in
            input.scalars.withUnsafeBufferPointer { px in
                g.scalars.withUnsafeBufferPointer { pg in
                    dgate.withUnsafeMutableBufferPointer { pdg in
                        makeScalars(input.count) { out in
                            let udy = UncheckedSendable(pdy.baseAddress!),
                                ux = UncheckedSendable(px.baseAddress!)
                            let ug = UncheckedSendable(pg.baseAddress!)
                            let udx = SharedBuffer(out), udg = SharedBuffer(pdg)
                            parallelChunks(units, grain: grain) { r in
                                backward(udy.value, ux.value, ug.value, udx.base, udg.base, r)
                            }
                        }
                    }
                }
            }
        }
        return [
            needs[0] ? Tensor(unchecked: input.shape, dx) : nil,
            needs[1] ? Tensor(unchecked: g.shape, dgate) : nil,
        ]
    }
}
