// Batch normalisation over every axis but the last (channels): [N, C] or [N, H, W, C].
// The per-channel sums run on `_CKernels`' AVX-512 loops where available (the same
// double-precision sums in the same order, so bitwise the same results).
import _CKernels
import Preconditions
//
// Training (Keras `training=True`): y = (x − μ_B) / √(σ²_B + ε) · γ + β with batch mean μ_B
// and biased batch variance σ²_B; the caller updates its moving statistics with
// `movingAverage(_:batch:momentum:)` (moving = m · moving + (1 − m) · batch).
// Inference: the same with the moving statistics, which get no gradient.

/// Result of batch norm in training mode: the output and the batch statistics
/// (plain tensors of shape [C], not part of the gradient graph).
public struct BatchNormResult {
    public let output: Tensor
    public let mean: Tensor
    /// Biased variance (divided by the count, as Keras).
    public let variance: Tensor
}

private func channelCount(_ op: String, _ x: Tensor, _ params: [(String, Tensor)]) -> Int {
    check(
        x.rank >= 2 && x.count > 0,
        "\(op): expects a non-empty input of rank >= 2 with channels last, got \(x.shape)")
    let c = x.shape.last!
    for (name, p) in params {
        check(
            p.shape == [c],
            "\(op): \(name) must have shape [\(c)] for input \(x.shape), got \(p.shape)")
    }
    return c
}

/// A rectifier applied to batch norm's output in the same pass: ReLU, max(y, 0), or ReLU6,
/// min(max(y, 0), 6), with the same values and gradients as `relu` and `relu6`.
public enum Rectifier: Sendable {
    case relu, relu6

    /// The C kernels' code: 1 ReLU, 2 ReLU6 (0 is none).
    var code: Int32 { self == .relu ? 1 : 2 }

    @inline(__always) func apply(_ v: Float) -> Float {
        self == .relu ? Swift.max(v, 0) : Swift.min(Swift.max(v, 0), 6)
    }

    /// Whether the gradient passes where the rectifier's output is `z`.
    @inline(__always) func passes(_ z: Float) -> Bool { self == .relu ? z > 0 : (z > 0 && z < 6) }
}

/// Sums across the replicas of a data-parallel training (synchronized batch norm): set by
/// `fit` around a training step; nil (the default) keeps every statistic local.
public enum CrossReplica {
    @TaskLocal public static var reducer: (any ReplicaReducer)?
}

/// Sums values across the replicas of a data-parallel training.
public protocol ReplicaReducer: Sendable {
    /// Sums `values` elementwise over every replica, in place; every replica calls it at
    /// the same points in the same order.
    func sum(_ values: inout [Double])
}

/// Batch norm with batch statistics, hand-written backward for x, scale and offset.
///
/// With `rectifier`, the output is `relu(y)` or `relu6(y)` computed in the same pass, and the
/// backward masks the incoming gradient on the fly: the same numbers as the two ops one
/// after the other, bit for bit, without the intermediate tensor or its two extra passes.
public func batchNormTraining(
    _ x: Tensor, scale: Tensor, offset: Tensor, epsilon: Float,
    rectifier: Rectifier? = nil
) -> BatchNormResult {
    let c = channelCount("batchNormTraining", x, [("scale", scale), ("offset", offset)])
    let rows = x.count / c
    let localMoments = x.scalars.withUnsafeBufferPointer { px in
        let ux = UncheckedSendable(px.baseAddress!)
        let vector = emk_uses_avx512() != 0
        return channelSumsInPieces(rows: rows, channels: c, sums: 2) { range, sums in
            let sum = sums, sq = sums + c
            if vector {
                emk_channel_moments(ux.value, range.lowerBound, range.count, c, sum, sq)
                return
            }
            for r in range {
                let row = ux.value + r * c
                for ch in 0..<c {
                    let v = Double(row[ch])
                    sum[ch] += v
                    sq[ch] += v * v
                }
            }
        }
    }
    // Synchronized batch norm in a data-parallel run: the statistics of the global batch.
    let replicaSum = CrossReplica.reducer
    var moments = localMoments, total = Double(rows)
    if let replicaSum {
        var all = moments[0] + moments[1] + [total]
        replicaSum.sum(&all)
        moments = [Array(all[0..<c]), Array(all[c..<(2 * c)])]
        total = all[2 * c]
    }
    var mean = [Float](repeating: 0, count: c)
    var variance = [Float](repeating: 0, count: c)
    for ch in 0..<c {
        let m = moments[0][ch] / total
        mean[ch] = Float(m)
        variance[ch] = Float(Swift.max(moments[1][ch] / total - m * m, 0))
    }
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let gamma = scale.scalars, beta = offset.scalars
    // y = x̂ · γ + β = x · a + b with a = γ · invStd, b = β − μ · a (one pass over x).
    let a = (0..<c).map { gamma[$0] * invStd[$0] }
    let y = channelAffine(
        x.scalars, c, scale: a, shift: (0..<c).map { beta[$0] - mean[$0] * a[$0] },
        rectifier: rectifier)
    let xs = x.detached
    let output = makeResult(x.shape, y, inputs: [x, scale, offset]) { dy, needs in
        // With x̂ = (x − μ) · invStd, never stored, and g = dy masked by the rectifier:
        // dβ = Σ g, dγ = Σ g · x̂ = invStd · Σ g · (x − μ),
        // dx = γ · invStd / M · (M · g − dβ − x̂ · dγ).
        let mask = rectifier.map { (output: y, rectifier: $0) }
        let (sumDyCentered, dBeta) = channelSums(
            dy.scalars, xs.scalars, c, center: mean, mask: mask)
        let dGamma = (0..<c).map { invStd[$0] * sumDyCentered[$0] }
        var dx: Tensor? = nil
        if needs[0] {
            // Synchronized: dx needs the sums over the global batch; γ's and β's gradients
            // stay this replica's share (the data-parallel step sums them with the rest).
            var (gDGamma, gDBeta, m) = (dGamma, dBeta, Float(rows))
            if let replicaSum {
                var all = sumDyCentered.map(Double.init) + dBeta.map(Double.init)
                replicaSum.sum(&all)
                gDGamma = (0..<c).map { invStd[$0] * Float(all[$0]) }
                gDBeta = (0..<c).map { Float(all[c + $0]) }
                m = Float(total)
            }
            let (dGamma, dBeta) = (gDGamma, gDBeta)
            let k = (0..<c).map { gamma[$0] * invStd[$0] / m }
            // dx = (k·M) · dy + (−k · dγ · invStd) · x + (−k · dβ + k · dγ · invStd · μ)
            let xCoefficient = (0..<c).map { -k[$0] * dGamma[$0] * invStd[$0] }
            dx = Tensor(
                unchecked: x.shape,
                channelAffine2(
                    dy.scalars, xs.scalars, c,
                    scaleA: k.map { $0 * m }, scaleB: xCoefficient,
                    shift: (0..<c).map { -k[$0] * dBeta[$0] - xCoefficient[$0] * mean[$0] },
                    mask: mask))
        }
        return [
            dx,
            needs[1] ? Tensor(unchecked: [c], dGamma) : nil,
            needs[2] ? Tensor(unchecked: [c], dBeta) : nil,
        ]
    }
    return BatchNormResult(
        output: output, mean: Tensor(unchecked: [c], mean),
        variance: Tensor(unchecked: [c], variance))
}

/// Batch norm with given (moving) statistics; gradients flow to x, scale and offset.
public func batchNormInference(
    _ x: Tensor, mean: Tensor, variance: Tensor, scale: Tensor,
    offset: Tensor, epsilon: Float
) -> Tensor {
    let c = channelCount(
        "batchNormInference", x,
        [("mean", mean), ("variance", variance), ("scale", scale), ("offset", offset)])
    let invStd = variance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    let mu = mean.scalars, gamma = scale.scalars, beta = offset.scalars
    let a = (0..<c).map { gamma[$0] * invStd[$0] }
    let b = (0..<c).map { beta[$0] - mu[$0] * a[$0] }
    let y = channelAffine(x.scalars, c, scale: a, shift: b)
    let xs = x.detached
    return makeResult(x.shape, y, inputs: [x, scale, offset]) { dy, needs in
        var dx: Tensor? = nil
        if needs[0] {
            dx = Tensor(
                unchecked: x.shape,
                channelAffine(dy.scalars, c, scale: a, shift: [Float](repeating: 0, count: c)))
        }
        var dGamma: Tensor? = nil, dBeta: Tensor? = nil
        if needs[1] || needs[2] {
            // dγ = Σ dy · x̂ = invStd · Σ dy · (x − μ), dβ = Σ dy.
            let (sumDyCentered, db) = channelSums(dy.scalars, xs.scalars, c, center: mu)
            dGamma = Tensor(unchecked: [c], (0..<c).map { invStd[$0] * sumDyCentered[$0] })
            dBeta = Tensor(unchecked: [c], db)
        }
        return [dx, needs[1] ? dGamma : nil, needs[2] ? dBeta : nil]
    }
}

/// Keras' moving-statistics update: `momentum · moving + (1 − momentum) · batch`.
public func movingAverage(_ moving: Tensor, batch: Tensor, momentum: Float) -> Tensor {
    check(
        moving.shape == batch.shape,
        "movingAverage: moving \(moving.shape) and batch \(batch.shape) shapes differ")
    return Tensor(
        unchecked: moving.shape,
        zipScalars(moving.scalars, batch.scalars) {
            momentum * $0 + (1 - momentum) * $1
        })
}

/// out = x · scale[ch] + shift[ch] for every row of `c` channels, then `rectifier`, in parallel.
func channelAffine(
    _ x: [Float], _ c: Int, scale: [Float], shift: [Float], rectifier: Rectifier? = nil
) -> [Float] {
    let rows = x.count / c
    let vector = emk_uses_avx512() != 0
    return x.withUnsafeBufferPointer { px in
        scale.withUnsafeBufferPointer { ps in
            shift.withUnsafeBufferPointer { pb in
                makeScalars(x.count) { out in
                    let uo = SharedBuffer(out), ux = UncheckedSendable(px.baseAddress!)
                    let us = UncheckedSendable(ps.baseAddress!),
                        ub = UncheckedSendable(pb.baseAddress!)
                    parallelChunks(rows, grain: Swift.max(1, elementwiseGrain / c)) { range in
                        let s = us.value, b = ub.value
                        if vector {
                            emk_channel_affine(
                                ux.value, range.lowerBound, range.count, c, s, b,
                                rectifier?.code ?? 0, uo.base)
                            return
                        }
                        for r in range {
                            let row = ux.value + r * c, o = uo.base + r * c
                            if let rectifier {
                                for ch in 0..<c { o[ch] = rectifier.apply(row[ch] * s[ch] + b[ch]) }
                            } else {
                                for ch in 0..<c { o[ch] = row[ch] * s[ch] + b[ch] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A rectifier's output, whose gradient mask applies to the incoming gradient.
typealias RectifierMask = (output: [Float], rectifier: Rectifier)

/// out = g · scaleA[ch] + x · scaleB[ch] + shift[ch] per channel (batch norm's dx), with g
/// = dy masked by `mask`'s rectifier (dy itself without one).
func channelAffine2(
    _ dy: [Float], _ x: [Float], _ c: Int,
    scaleA: [Float], scaleB: [Float], shift: [Float], mask: RectifierMask? = nil
) -> [Float] {
    let rows = dy.count / c
    let vector = emk_uses_avx512() != 0
    let z = mask?.output ?? []
    return dy.withUnsafeBufferPointer { pa in
        x.withUnsafeBufferPointer { pb in
            z.withUnsafeBufferPointer { pz in
                scaleA.withUnsafeBufferPointer { psa in
                    scaleB.withUnsafeBufferPointer { psb in
                        shift.withUnsafeBufferPointer { psh in
                            makeScalars(dy.count) { out in
                                let uo = SharedBuffer(out)
                                let ua = UncheckedSendable(pa.baseAddress!),
                                    ub = UncheckedSendable(pb.baseAddress!)
                                let uz = UncheckedSendable(mask == nil ? nil : pz.baseAddress)
                                let k = UncheckedSendable(
                                    (psa.baseAddress!, psb.baseAddress!, psh.baseAddress!))
                                let rectifier = mask?.rectifier
                                parallelChunks(rows, grain: Swift.max(1, elementwiseGrain / c)) {
                                    range in
                                    let (sa, sb, sh) = k.value
                                    if vector {
                                        emk_channel_affine2(
                                            ua.value, uz.value, rectifier == .relu6 ? 1 : 0,
                                            ub.value,
                                            range.lowerBound, range.count, c, sa, sb, sh, uo.base)
                                        return
                                    }
                                    for r in range {
                                        let g = ua.value + r * c, h = ub.value + r * c,
                                            o = uo.base + r * c
                                        if let rectifier, let zr = uz.value.map({ $0 + r * c }) {
                                            for ch in 0..<c {
                                                let gm: Float = rectifier.passes(zr[ch]) ? g[ch] : 0
                                                o[ch] = gm * sa[ch] + h[ch] * sb[ch] + sh[ch]
                                            }
                                        } else {
                                            for ch in 0..<c {
                                                o[ch] = g[ch] * sa[ch] + h[ch] * sb[ch] + sh[ch]
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// (Σ dy · (x − center), Σ dy) per channel, in Double over fixed pieces (deterministic).
private func channelSums(
    _ dy: [Float], _ x: [Float], _ c: Int, center: [Float],
    mask: RectifierMask? = nil
) -> ([Float], [Float]) {
    let rows = dy.count / c
    let mu = center.map { Double($0) }
    let z = mask?.output ?? [], rectifier = mask?.rectifier
    let sums = dy.withUnsafeBufferPointer { pg in
        x.withUnsafeBufferPointer { px in
            z.withUnsafeBufferPointer { pz in
                mu.withUnsafeBufferPointer { pm in
                    let um = UncheckedSendable(pm.baseAddress!)
                    let ug = UncheckedSendable(pg.baseAddress!),
                        ux = UncheckedSendable(px.baseAddress!)
                    let uz = UncheckedSendable(mask == nil ? nil : pz.baseAddress)
                    let vector = emk_uses_avx512() != 0
                    return channelSumsInPieces(rows: rows, channels: c, sums: 2) { range, sums in
                        let sdx = sums, sd = sums + c, m = um.value
                        if vector {
                            emk_channel_gradient_sums(
                                ug.value, uz.value, rectifier == .relu6 ? 1 : 0, ux.value, m,
                                range.lowerBound, range.count, c, sdx, sd)
                            return
                        }
                        for r in range {
                            let g = ug.value + r * c, h = ux.value + r * c
                            let zr = uz.value.map { $0 + r * c }
                            for ch in 0..<c {
                                var gv = g[ch]
                                if let rectifier, let zr, !rectifier.passes(zr[ch]) { gv = 0 }
                                let gd = Double(gv)
                                sdx[ch] += gd * (Double(h[ch]) - m[ch])
                                sd[ch] += gd
                            }
                        }
                    }
                }
            }
        }
    }
    let dGamma = sums[0].map { Float($0) }, dBeta = sums[1].map { Float($0) }
    return (dGamma, dBeta)
}

/// `sums` per-channel sums side by side (such as Σx and Σx²) over the rows of a
/// [rows, channels] array, in Double. `body(range, partial)` adds rows `range` into
/// `partial` (zeroed; sum k at `partial + k · channels`); the pieces of rows depend only on
/// the shape and their partials are added in order, so the result does not depend on the
/// thread count. Returns the `sums` totals, `channels` each.
func channelSumsInPieces(
    rows: Int, channels c: Int, sums k: Int,
    _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void
) -> [[Double]] {
    let pieces = chunkCount(rows, grain: Swift.max(1, 16384 / c))
    var partial = [Double](repeating: 0, count: pieces * k * c)
    partial.withUnsafeMutableBufferPointer { pp in
        let up = UncheckedSendable(pp.baseAddress!)
        parallelFor(pieces) { p in
            body(chunkRange(p, of: pieces, total: rows), up.value + p * k * c)
        }
    }
    return (0..<k).map { j in
        (0..<c).map { ch in
            var total = 0.0
            for p in 0..<pieces { total += partial[(p * k + j) * c + ch] }
            return total
        }
    }
}
