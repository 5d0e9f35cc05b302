// 2-D convolution, NHWC input and HWIO filter (Keras layout).
//
// Output rows are the N·OH·OW output pixels, so the product
//   cols [rows, KH·KW·C] · filter [KH·KW·C, O]
// is already NHWC. A 1x1 stride-1 unpadded convolution is one sgemm (the input itself is
// the [N·H·W, C] matrix) where OpenBLAS is faster than the direct kernel: its input
// gradient always, its forward pass and filter gradient for the shapes picked below.
// Every other convolution runs the direct kernels of `_CKernels`
// (forward, the filter gradient, and the stride-1 input gradient, which is a forward
// convolution of dY): they read the windows where they lie in a zero-padded view of the
// input, with no im2col buffer and no packing. Only the input gradient of a strided
// convolution still goes through im2col + sgemm + col2im, in chunks of whole images so
// the buffer stays under `im2colBudget` floats.
import _CKernels
import Preconditions

/// Largest im2col buffer, in floats (16 MB).
let im2colBudget = 4 << 20

/// Adds the columns of images `images` back into `dx` (the adjoint of im2col).
/// Parallel over images: each image's rows only touch that image.
private func col2im(
    _ g: WindowGeometry, _ cols: UnsafePointer<Float>, images: Range<Int>,
    _ dx: UnsafeMutablePointer<Float>
) {
    let k = g.kh * g.kw * g.c
    let pixels = g.oh * g.ow
    let uc = UncheckedSendable(cols), ud = UncheckedSendable(dx)
    parallelFor(images.count) { li in
        let n = images.lowerBound + li
        for p in 0..<pixels {
            let oh = p / g.ow, ow = p % g.ow
            var src = uc.value + (li * pixels + p) * k
            for i in 0..<g.kh {
                let ih = oh * g.sh - g.padTop + i
                if ih < 0 || ih >= g.h { src += g.kw * g.c; continue }
                let rowBase = ud.value + ((n * g.h + ih) * g.w) * g.c
                for j in 0..<g.kw {
                    let iw = ow * g.sw - g.padLeft + j
                    if iw >= 0 && iw < g.w {
                        let d = rowBase + iw * g.c
                        for ch in 0..<g.c { d[ch] += src[ch] }
                    }
                    src += g.c
                }
            }
        }
    }
}

/// Images per im2col chunk for this geometry.
private func imagesPerChunk(_ g: WindowGeometry) -> Int {
    Swift.max(1, Swift.min(g.n, im2colBudget / Swift.max(1, g.oh * g.ow * g.kh * g.kw * g.c)))
}

private func isPointwise(_ g: WindowGeometry) -> Bool {
    g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 && g.padLeft == 0
}

/// Whether a pointwise convolution runs its forward pass on the direct kernel instead of
/// sgemm: where it has few input channels or does not widen them. Measured on ResNet50's
/// 1x1 shapes (batch 32, one thread, GFLOP/s direct vs OpenBLAS): 64→256 at 24x24 96 vs 87,
/// 256→64 80 vs 76, 512→128 at 12x12 99 vs 90, 1024→256 at 6x6 107 vs 103; but 128→512 92 vs
/// 98, 256→1024 94 vs 103, 512→2048 92 vs 101.
func pointwiseForwardOnDirectKernel(_ g: WindowGeometry, outChannels o: Int) -> Bool {
    g.c <= 64 || o <= g.c
}

/// Whether a pointwise convolution's filter gradient runs on the direct kernel: up to 256
/// channels each way (64→256 at 24x24: 88 vs 76 GFLOP/s, 256→64 84 vs 74), where the
/// many pixels per filter element favour it; sgemm beyond (512→2048: 87 vs 103).
func pointwiseFilterGradientOnDirectKernel(_ g: WindowGeometry, outChannels o: Int) -> Bool {
    g.c <= 256 && o <= 256
}

/// 2-D convolution (cross-correlation, as every framework computes it).
///
/// - Parameters:
///   - input: NHWC `[N, H, W, C]`.
///   - filter: HWIO `[KH, KW, C, O]` (Keras' kernel layout).
///   - strides: (vertical, horizontal), default (1, 1).
///   - padding: `.valid`, `.same` (TF/Keras asymmetric) or `.explicit`.
///   - bias: `[O]`, added to every output pixel inside the kernel (no separate broadcast
///     pass); its gradient is the per-channel sum of dY.
/// - Returns: `[N, OH, OW, O]`.
public func conv2d(
    _ input: Tensor, filter: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1),
    padding: Padding = .valid
) -> Tensor {
    check(
        filter.rank == 4,
        "conv2d: filter must be HWIO rank 4, got filter \(filter.shape) for input \(input.shape)")
    let g = WindowGeometry(
        op: "conv2d", input: input.shape, window: (filter.shape[0], filter.shape[1]),
        strides: strides, padding: padding, detail: "filter \(filter.shape)")
    check(
        filter.shape[2] == g.c,
        "conv2d: input channels \(g.c) do not match filter input channels \(filter.shape[2]) (input \(input.shape), filter \(filter.shape))"
    )
    check(filter.shape[3] > 0, "conv2d: filter has zero output channels (filter \(filter.shape))")
    let o = filter.shape[3]
    if let bias {
        check(
            bias.shape == [o],
            "conv2d: bias must have shape [\(o)] for filter \(filter.shape), got \(bias.shape)")
    }
    let out = conv2dForward(
        g, input.scalars, filter.scalars, outChannels: o,
        epilogue: bias.map { Epilogue(bias: $0.scalars, clamp: nil) })
    let x = input.detached, w = filter.detached
    return makeResult(
        [g.n, g.oh, g.ow, o], out, inputs: [input, filter] + (bias.map { [$0] } ?? [])
    ) { dy, needs in
        let (dx, dw) = conv2dBackward(
            g, x.scalars, w.scalars, dy.scalars, outChannels: o,
            needInput: needs[0], needFilter: needs[1])
        var grads = [
            dx.map { Tensor(unchecked: x.shape, $0) }, dw.map { Tensor(unchecked: w.shape, $0) },
        ]
        if needs.count > 2 {
            grads.append(needs[2] ? Tensor(unchecked: [o], channelTotals(dy.scalars, o)) : nil)
        }
        return grads
    }
}

/// Σ over rows of x [rows, c] per channel, in Double over fixed pieces of rows combined in
/// order (deterministic, whatever the thread count): a bias's gradient.
func channelTotals(_ x: [Float], _ c: Int) -> [Float] {
    let sums = x.withUnsafeBufferPointer { px in
        let ux = UncheckedSendable(px.baseAddress!)
        let vector = emk_uses_avx512() != 0
        return channelSumsInPieces(rows: x.count / c, channels: c, sums: 1) { range, sum in
            if vector {
                emk_channel_totals(ux.value, range.lowerBound, range.count, c, sum)
                return
            }
            for r in range {
                let row = ux.value + r * c
                for ch in 0..<c { sum[ch] += Double(row[ch]) }
            }
        }
    }
    return sums[0].map { Float($0) }
}

func conv2dForward(
    _ g: WindowGeometry, _ x: [Float], _ w: [Float], outChannels o: Int,
    epilogue: Epilogue? = nil
) -> [Float] {
    let k = g.kh * g.kw * g.c
    let rowsTotal = g.n * g.oh * g.ow
    return x.withUnsafeBufferPointer { px in
        w.withUnsafeBufferPointer { pw in
            makeScalars(rowsTotal * o) { out in
                if isPointwise(g) && !pointwiseForwardOnDirectKernel(g, outChannels: o) {
                    gemm(
                        transposeA: false, transposeB: false, m: rowsTotal, n: o, k: k,
                        px.baseAddress!, lda: k, pw.baseAddress!, ldb: o, out.baseAddress!, ldc: o)
                    epilogue?.apply(out.baseAddress!, rows: rowsTotal, channels: o)
                    return
                }
                Epilogue.withC(epilogue) { ep in
                    directConvForward(
                        g, px.baseAddress!, pw.baseAddress!, outChannels: o, out.baseAddress!,
                        epilogue: ep)
                }
            }
        }
    }
}

/// What a fused inference convolution applies to each output: `+ bias[o]`, then a
/// clamp (ReLU: 0…∞, ReLU6: 0…6). Applied in the kernels' registers before the store.
struct Epilogue {
    let bias: [Float]
    let clamp: ClosedRange<Float>?

    /// Runs `body` with the C description of `epilogue` (nil stays nil).
    static func withC<R>(_ epilogue: Epilogue?, _ body: (UnsafePointer<emk_epilogue>?) -> R) -> R {
        guard let epilogue else { return body(nil) }
        return epilogue.bias.withUnsafeBufferPointer { pb in
            var c = emk_epilogue(
                bias: pb.baseAddress, clamp: epilogue.clamp == nil ? 0 : 1,
                lo: epilogue.clamp?.lowerBound ?? 0, hi: epilogue.clamp?.upperBound ?? 0)
            return withUnsafePointer(to: &c) { body($0) }
        }
    }

    /// The same, as a pass over `rows` x `channels` outputs already stored (after sgemm).
    func apply(_ y: UnsafeMutablePointer<Float>, rows: Int, channels: Int) {
        let uy = UncheckedSendable(y)
        Epilogue.withC(self) { ep in
            let ue = UncheckedSendable(ep)
            parallelChunks(rows, grain: Swift.max(1, elementwiseGrain / Swift.max(channels, 1))) {
                range in
                emk_apply_epilogue(uy.value, range.lowerBound, range.count, channels, ue.value)
            }
        }
    }
}

func conv2dBackward(
    _ g: WindowGeometry, _ x: [Float], _ w: [Float], _ dy: [Float], outChannels o: Int,
    needInput: Bool, needFilter: Bool
) -> (dx: [Float]?, dw: [Float]?) {
    let k = g.kh * g.kw * g.c
    let rowsTotal = g.n * g.oh * g.ow
    var dx: [Float]? = nil
    var dw: [Float]? = needFilter ? [Float](repeating: 0, count: k * o) : nil
    x.withUnsafeBufferPointer { px in
        w.withUnsafeBufferPointer { pw in
            dy.withUnsafeBufferPointer { pdy in
                if isPointwise(g) {
                    if needInput {
                        dx = makeScalars(rowsTotal * k) { pdx in
                            // dX [M, C] = dY [M, O] · Wᵀ
                            gemm(
                                transposeA: false, transposeB: true, m: rowsTotal, n: k, k: o,
                                pdy.baseAddress!, lda: o, pw.baseAddress!, ldb: o, pdx.baseAddress!,
                                ldc: k)
                        }
                    }
                    if needFilter {
                        dw!.withUnsafeMutableBufferPointer { pdw in
                            if pointwiseFilterGradientOnDirectKernel(g, outChannels: o) {
                                directConvFilterGradient(
                                    g, px.baseAddress!, pdy.baseAddress!, outChannels: o,
                                    pdw.baseAddress!)
                                return
                            }
                            // dW [C, O] = Xᵀ · dY
                            gemm(
                                transposeA: true, transposeB: false, m: k, n: o, k: rowsTotal,
                                px.baseAddress!, lda: k, pdy.baseAddress!, ldb: o, pdw.baseAddress!,
                                ldc: o)
                        }
                    }
                    return
                }
                // Stride 1: dX is itself a convolution of dY with the flipped, transposed
                // filter (one im2col + GEMM with K = KH·KW·O, as fast as the forward),
                // instead of a thin GEMM and a col2im scatter.
                let transposedGeometry =
                    needInput ? strideOneInputGradientGeometry(g, outChannels: o) : nil
                if let tg = transposedGeometry {
                    let flipped = flippedTransposedFilter(pw.baseAddress!, g, outChannels: o)
                    dx = conv2dForward(tg, dy, flipped, outChannels: g.c)
                } else if needInput {
                    dx = [Float](repeating: 0, count: g.n * g.h * g.w * g.c)
                }
                if needFilter {
                    dw!.withUnsafeMutableBufferPointer { pdw in
                        directConvFilterGradient(
                            g, px.baseAddress!, pdy.baseAddress!, outChannels: o,
                            pdw.baseAddress!)
                    }
                }
                guard needInput && transposedGeometry == nil else { return }
                let per = imagesPerChunk(g)
                let rowsPerImage = g.oh * g.ow
                Scratch.withBuffer(per * rowsPerImage * k) { cols in
                    var n0 = 0
                    while n0 < g.n {
                        let n1 = Swift.min(g.n, n0 + per)
                        let rows = (n0 * rowsPerImage)..<(n1 * rowsPerImage)
                        // dCols [rows, K] = dY · Wᵀ, then scatter back into dX.
                        gemm(
                            transposeA: false, transposeB: true, m: rows.count, n: k, k: o,
                            pdy.baseAddress! + rows.lowerBound * o, lda: o, pw.baseAddress!, ldb: o,
                            cols, ldc: k)
                        dx!.withUnsafeMutableBufferPointer { pdx in
                            col2im(g, cols, images: n0..<n1, pdx.baseAddress!)
                        }
                        n0 = n1
                    }
                }
            }
        }
    }
    return (dx, dw)
}

/// For a stride-1 convolution, the geometry of dX = conv(dY, flipped filter): dY padded by
/// KH − 1 − padTop on top (and so on) gives an H x W output. Nil when that padding
/// would be negative (windows that skip input rows), then col2im is used.
func strideOneInputGradientGeometry(_ g: WindowGeometry, outChannels o: Int) -> WindowGeometry? {
    guard g.sh == 1, g.sw == 1, g.kh > 1 || g.kw > 1 else { return nil }
    let top = g.kh - 1 - g.padTop, left = g.kw - 1 - g.padLeft
    let bottom = g.h + g.kh - 1 - g.oh - top, right = g.w + g.kw - 1 - g.ow - left
    guard top >= 0, left >= 0, bottom >= 0, right >= 0 else { return nil }
    let t = WindowGeometry(
        op: "conv2d backward", input: [g.n, g.oh, g.ow, o], window: (g.kh, g.kw),
        strides: (1, 1), padding: .explicit(top: top, bottom: bottom, left: left, right: right))
    return t.oh == g.h && t.ow == g.w ? t : nil
}

/// W'[i, j, o, c] = W[KH − 1 − i, KW − 1 − j, c, o]: one [C, O] → [O, C] transpose per
/// tap (blocked, in C: the Swift loop took 1.5% of a ResNet50 step), taps in parallel.
private func flippedTransposedFilter(
    _ w: UnsafePointer<Float>, _ g: WindowGeometry, outChannels o: Int
) -> [Float] {
    let c = g.c, taps = g.kh * g.kw
    let uw = UncheckedSendable(w)
    return makeScalars(taps * o * c) { out in
        let uo = SharedBuffer(out)
        parallelFor(taps) { tap in
            emk_transpose(uw.value + (taps - 1 - tap) * c * o, c, o, uo.base + tap * o * c)
        }
    }
}

// MARK: - Direct kernels

/// Runs `body` with the input as the direct kernels read it: a view in which every
/// window lies inside, so each window row is `KW·C` consecutive floats. That is the
/// input itself when no window reaches into padding, otherwise a zero-padded copy.
func withWindowView<R>(
    _ g: WindowGeometry, outChannels o: Int, _ x: UnsafePointer<Float>,
    _ body: (UnsafePointer<Float>, emk_conv_shape) -> R
) -> R {
    let needH = (g.oh - 1) * g.sh + g.kh, needW = (g.ow - 1) * g.sw + g.kw
    func shape(_ height: Int, _ width: Int) -> emk_conv_shape {
        emk_conv_shape(
            height: height, width: width, channels: g.c, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw,
            oh: g.oh, ow: g.ow, outChannels: o)
    }
    if g.padTop == 0 && g.padLeft == 0 && needH <= g.h && needW <= g.w {
        return body(x, shape(g.h, g.w))
    }
    let imageSize = needH * needW * g.c
    return Scratch.withBuffer(g.n * imageSize) { view in
        let ux = UncheckedSendable(x), uv = UncheckedSendable(view)
        parallelChunks(g.n, grain: Swift.max(1, elementwiseGrain / 4 / Swift.max(imageSize, 1))) {
            images in
            emk_pad_images(
                ux.value + images.lowerBound * g.h * g.w * g.c, images.count, g.h, g.w, g.c,
                g.padTop, g.padLeft, needH, needW, uv.value + images.lowerBound * imageSize)
        }
        return body(view, shape(needH, needW))
    }
}

/// Output pixels per piece of a direct convolution, and the most pieces along channels.
private let directPixelGrain = 256

/// Forward convolution on the direct kernel: pieces of output pixels, and of output
/// channels (multiples of 32) when there are too few pixels to keep the threads busy.
/// Each output element is the same sum whatever the pieces.
private func directConvForward(
    _ g: WindowGeometry, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
    outChannels o: Int, _ out: UnsafeMutablePointer<Float>,
    epilogue: UnsafePointer<emk_epilogue>? = nil
) {
    withWindowView(g, outChannels: o, x) { view, shape in
        let total = g.n * g.oh * g.ow
        let pixelPieces = chunkCount(total, grain: directPixelGrain)
        let columnPieces = pixelPieces >= 8 ? 1 : Swift.max(1, Swift.min(o / 32, 8 / pixelPieces))
        let uv = UncheckedSendable(view), uw = UncheckedSendable(w), uo = UncheckedSendable(out)
        let ue = UncheckedSendable(epilogue)
        parallelFor(pixelPieces * columnPieces) { piece in
            let pixels = chunkRange(piece / columnPieces, of: pixelPieces, total: total)
            let columns = chunkRange(
                piece % columnPieces, of: columnPieces, total: o, alignment: 32)
            withUnsafePointer(to: shape) {
                emk_conv_forward(
                    $0, uv.value, uw.value, uo.value, pixels.lowerBound, pixels.count,
                    columns.lowerBound, columns.count, ue.value)
            }
        }
    }
}

/// dW [KH·KW·C, O] = Σ over output pixels of window ⊗ dY, on the direct kernel. Small
/// filters split the pixels into a fixed number of pieces (from the shape alone) whose
/// partial sums are added in order; large ones split the output channels instead.
private func directConvFilterGradient(
    _ g: WindowGeometry, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
    outChannels o: Int, _ dw: UnsafeMutablePointer<Float>
) {
    let k = g.kh * g.kw * g.c
    withWindowView(g, outChannels: o, x) { view, shape in
        let total = g.n * g.oh * g.ow
        let uv = UncheckedSendable(view), ud = UncheckedSendable(dy), uw = UncheckedSendable(dw)
        let pixelPieces = k * o <= 1 << 18 ? Swift.max(1, Swift.min(4, total / 2048)) : 1
        let columnPieces = pixelPieces == 1 ? Swift.max(1, Swift.min(4, o / 64)) : 1
        if pixelPieces == 1 {
            parallelFor(columnPieces) { piece in
                let columns = chunkRange(piece, of: columnPieces, total: o, alignment: 32)
                withUnsafePointer(to: shape) {
                    emk_conv_filter_gradient(
                        $0, uv.value, ud.value, uw.value, 0, total,
                        columns.lowerBound, columns.count)
                }
            }
            return
        }
        Scratch.withBuffer((pixelPieces - 1) * k * o) { partials in
            let up = UncheckedSendable(partials)
            parallelFor(pixelPieces) { piece in
                let pixels = chunkRange(piece, of: pixelPieces, total: total)
                let target = piece == 0 ? uw.value : up.value + (piece - 1) * k * o
                if piece > 0 { target.update(repeating: 0, count: k * o) }
                withUnsafePointer(to: shape) {
                    emk_conv_filter_gradient(
                        $0, uv.value, ud.value, target, pixels.lowerBound, pixels.count, 0, o)
                }
            }
            for piece in 1..<pixelPieces {
                let partial = partials + (piece - 1) * k * o
                for i in 0..<(k * o) { dw[i] += partial[i] }
            }
        }
    }
}

/// The direct convolution kernels in use on this machine.
public enum ConvolutionKernels {
    /// "AVX-512", or "portable C" (compiled for AVX2+FMA and for the baseline).
    public static var instructionSet: String { emk_uses_avx512() != 0 ? "AVX-512" : "portable C" }

    /// Tests only: runs the portable kernels even where AVX-512 is available (process-wide).
    static func forcePortable(_ on: Bool) { emk_force_portable(on ? 1 : 0) }
}
