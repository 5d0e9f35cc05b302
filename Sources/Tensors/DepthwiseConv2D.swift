// Depthwise 2-D convolution: each channel convolved with its own KHxKW filter.
// NHWC input, filter [KH, KW, C, 1] (Keras' depthwise kernel, depth multiplier 1).
// Inner loops run over the contiguous channel axis, so they vectorise. Where AVX-512 is
// available the forward pass, the stride-1 input gradient (a forward pass of dY with the
// flipped filter) and the filter gradient run `_CKernels`' 16-channel kernels instead.
import _CKernels
import Preconditions

/// Depthwise convolution with depth multiplier 1.
///
/// - Parameters:
///   - input: NHWC `[N, H, W, C]`.
///   - filter: `[KH, KW, C, 1]` (Keras `depthwise_kernel`).
/// - Returns: `[N, OH, OW, C]`.
public func depthwiseConv2d(
    _ input: Tensor, filter: Tensor, strides: (Int, Int) = (1, 1),
    padding: Padding = .valid
) -> Tensor {
    check(
        filter.rank == 4,
        "depthwiseConv2d: filter must be [KH, KW, C, 1], got filter \(filter.shape) for input \(input.shape)"
    )
    let g = WindowGeometry(
        op: "depthwiseConv2d", input: input.shape,
        window: (filter.shape[0], filter.shape[1]),
        strides: strides, padding: padding, detail: "filter \(filter.shape)")
    check(
        filter.shape[2] == g.c && filter.shape[3] == 1,
        "depthwiseConv2d: filter must be [KH, KW, \(g.c), 1] for input \(input.shape), got filter \(filter.shape)"
    )
    let out = depthwiseForward(g, input.scalars, filter.scalars)
    let x = input.detached, w = filter.detached
    return makeResult(g.outputShape, out, inputs: [input, filter]) { dy, needs in
        let dx = needs[0] ? depthwiseBackwardInput(g, dy.scalars, w.scalars) : nil
        let dw = needs[1] ? depthwiseBackwardFilter(g, x.scalars, dy.scalars) : nil
        return [
            dx.map { Tensor(unchecked: x.shape, $0) }, dw.map { Tensor(unchecked: w.shape, $0) },
        ]
    }
}

func depthwiseForward(_ g: WindowGeometry, _ x: [Float], _ w: [Float], epilogue: Epilogue? = nil)
    -> [Float]
{
    let c = g.c
    return x.withUnsafeBufferPointer { px in
        w.withUnsafeBufferPointer { pw in
            makeScalars(g.n * g.oh * g.ow * c) { out in
                if emk_uses_avx512() != 0 {
                    // Straight from the unpadded input: taps in the padding are skipped.
                    let shape = emk_conv_shape(
                        height: g.h, width: g.w, channels: c, kh: g.kh, kw: g.kw, sh: g.sh,
                        sw: g.sw, oh: g.oh, ow: g.ow, outChannels: c)
                    let ux = UncheckedSendable(px.baseAddress!),
                        uw = UncheckedSendable(pw.baseAddress!)
                    let uo = SharedBuffer(out)
                    Epilogue.withC(epilogue) { ep in
                        let ue = UncheckedSendable(ep)
                        parallelChunks(
                            g.n * g.oh,
                            grain: Swift.max(1, 16384 / Swift.max(1, g.ow * c * g.kh * g.kw))
                        ) { rows in
                            withUnsafePointer(to: shape) {
                                emk_depthwise_forward_padded(
                                    $0, g.padTop, g.padLeft, ux.value, uw.value, uo.base,
                                    rows.lowerBound, rows.count, ue.value)
                            }
                        }
                    }
                    return
                }
                defer { epilogue?.apply(out.baseAddress!, rows: g.n * g.oh * g.ow, channels: c) }
                let uo = SharedBuffer(out)
                let ux = UncheckedSendable(px.baseAddress!), uw = UncheckedSendable(pw.baseAddress!)
                // One task per output row (n, oh).
                parallelChunks(
                    g.n * g.oh, grain: Swift.max(1, 8192 / Swift.max(1, g.ow * c * g.kh * g.kw))
                ) { rows in
                    for row in rows {
                        let n = row / g.oh, oh = row % g.oh
                        let dstRow = uo.base + row * g.ow * c
                        dstRow.update(repeating: 0, count: g.ow * c)
                        for i in 0..<g.kh {
                            let ih = oh * g.sh - g.padTop + i
                            if ih < 0 || ih >= g.h { continue }
                            let srcRow = ux.value + ((n * g.h + ih) * g.w) * c
                            for j in 0..<g.kw {
                                let wk = uw.value + (i * g.kw + j) * c
                                let (lo, hi) = g.outputColumns(tap: j)
                                for ow in lo..<hi {
                                    let s = srcRow + (ow * g.sw - g.padLeft + j) * c
                                    let d = dstRow + ow * c
                                    for ch in 0..<c { d[ch] += s[ch] * wk[ch] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// dX by gathering: each input pixel sums the output pixels whose windows cover it,
/// so input rows are independent and run in parallel.
func depthwiseBackwardInput(_ g: WindowGeometry, _ dy: [Float], _ w: [Float]) -> [Float] {
    let c = g.c
    if emk_uses_avx512() != 0, let tg = strideOneInputGradientGeometry(g, outChannels: c) {
        // W'[i, j, c] = W[KH − 1 − i, KW − 1 − j, c]
        var flipped = [Float](repeating: 0, count: w.count)
        for i in 0..<g.kh {
            for j in 0..<g.kw {
                let src = ((g.kh - 1 - i) * g.kw + (g.kw - 1 - j)) * c, dst = (i * g.kw + j) * c
                for ch in 0..<c { flipped[dst + ch] = w[src + ch] }
            }
        }
        return depthwiseForward(tg, dy, flipped)
    }
    return dy.withUnsafeBufferPointer { pdy in
        w.withUnsafeBufferPointer { pw in
            makeScalars(g.n * g.h * g.w * c) { out in
                let uo = SharedBuffer(out)
                let ug = UncheckedSendable(pdy.baseAddress!),
                    uw = UncheckedSendable(pw.baseAddress!)
                parallelChunks(
                    g.n * g.h, grain: Swift.max(1, 8192 / Swift.max(1, g.w * c * g.kh * g.kw))
                ) { rows in
                    for row in rows {
                        let n = row / g.h, ih = row % g.h
                        let dstRow = uo.base + row * g.w * c
                        dstRow.update(repeating: 0, count: g.w * c)
                        for i in 0..<g.kh {
                            let t = ih + g.padTop - i
                            if t < 0 || t % g.sh != 0 { continue }
                            let oh = t / g.sh
                            if oh >= g.oh { continue }
                            let gRow = ug.value + ((n * g.oh + oh) * g.ow) * c
                            for j in 0..<g.kw {
                                let wk = uw.value + (i * g.kw + j) * c
                                let (lo, hi) = g.outputColumns(tap: j)
                                for ow in lo..<hi {
                                    let s = gRow + ow * c
                                    let d = dstRow + (ow * g.sw - g.padLeft + j) * c
                                    for ch in 0..<c { d[ch] += s[ch] * wk[ch] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// dW[i, j, c] = Σ over output pixels dy · x at the tap; partial sums per fixed piece
/// of output rows, added in piece order (deterministic for any thread count).
func depthwiseBackwardFilter(_ g: WindowGeometry, _ x: [Float], _ dy: [Float]) -> [Float] {
    let c = g.c
    let taps = g.kh * g.kw * c
    let rowsTotal = g.n * g.oh
    let pieces = chunkCount(rowsTotal, grain: Swift.max(1, 4096 / Swift.max(1, g.ow * c)))
    var partial = [Float](repeating: 0, count: pieces * taps)
    if emk_uses_avx512() != 0 {
        x.withUnsafeBufferPointer { px in
            dy.withUnsafeBufferPointer { pdy in
                partial.withUnsafeMutableBufferPointer { pp in
                    let up = SharedBuffer(pp), ug = UncheckedSendable(pdy.baseAddress!)
                    withWindowView(g, outChannels: c, px.baseAddress!) { view, shape in
                        let uv = UncheckedSendable(view)
                        parallelFor(pieces) { p in
                            let rows = chunkRange(p, of: pieces, total: rowsTotal)
                            withUnsafePointer(to: shape) {
                                emk_depthwise_filter_gradient(
                                    $0, uv.value, ug.value, up.base + p * taps,
                                    rows.lowerBound, rows.count)
                            }
                        }
                    }
                }
            }
        }
    } else {
        x.withUnsafeBufferPointer { px in
            dy.withUnsafeBufferPointer { pdy in
                partial.withUnsafeMutableBufferPointer { pp in
                    let up = SharedBuffer(pp)
                    let ux = UncheckedSendable(px.baseAddress!),
                        ug = UncheckedSendable(pdy.baseAddress!)
                    parallelFor(pieces) { p in
                        let acc = up.base + p * taps
                        for row in chunkRange(p, of: pieces, total: rowsTotal) {
                            let n = row / g.oh, oh = row % g.oh
                            let gRow = ug.value + row * g.ow * c
                            for i in 0..<g.kh {
                                let ih = oh * g.sh - g.padTop + i
                                if ih < 0 || ih >= g.h { continue }
                                let srcRow = ux.value + ((n * g.h + ih) * g.w) * c
                                for j in 0..<g.kw {
                                    let a = acc + (i * g.kw + j) * c
                                    let (lo, hi) = g.outputColumns(tap: j)
                                    for ow in lo..<hi {
                                        let s = srcRow + (ow * g.sw - g.padLeft + j) * c
                                        let d = gRow + ow * c
                                        for ch in 0..<c { a[ch] += s[ch] * d[ch] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    if pieces == 1 { return partial }
    var result = [Float](repeating: 0, count: taps)
    for p in 0..<pieces {
        for t in 0..<taps { result[t] += partial[p * taps + t] }
    }
    return result
}
