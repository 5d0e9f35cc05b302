// 2-D convolution, NHWC input and HWIO filter (Keras layout), via im2col + sgemm.
//
// Output rows are the N·OH·OW output pixels, so the result of
//   cols [rows, KH·KW·C] · filter [KH·KW·C, O]
// is already NHWC. A 1x1 stride-1 unpadded convolution skips im2col: the input
// itself is the [N·H·W, C] matrix. Work is cut into chunks of whole images so the
// im2col buffer stays under `im2colBudget` floats.

/// Largest im2col buffer, in floats (16 MB).
let im2colBudget = 4 << 20

/// Copies the receptive fields of output rows `rows` of image-major output pixels into
/// `cols` (row r of the chunk at `cols + (r - rows.lowerBound) * K`).
private func im2col(_ g: WindowGeometry, _ x: UnsafePointer<Float>, rows: Range<Int>,
                    _ cols: UnsafeMutablePointer<Float>) {
    let k = g.kh * g.kw * g.c
    let ux = UncheckedSendable(x)
    let uc = UncheckedSendable(cols)
    parallelChunks(rows.count, grain: Swift.max(1, 16384 / k)) { local in
        for lr in local {
            let r = rows.lowerBound + lr
            let ow = r % g.ow, oh = (r / g.ow) % g.oh, n = r / (g.ow * g.oh)
            var dst = uc.value + lr * k
            for i in 0..<g.kh {
                let ih = oh * g.sh - g.padTop + i
                if ih < 0 || ih >= g.h {
                    dst.update(repeating: 0, count: g.kw * g.c)
                    dst += g.kw * g.c
                    continue
                }
                let rowBase = ux.value + ((n * g.h + ih) * g.w) * g.c
                for j in 0..<g.kw {
                    let iw = ow * g.sw - g.padLeft + j
                    if iw < 0 || iw >= g.w {
                        dst.update(repeating: 0, count: g.c)
                    } else {
                        dst.update(from: rowBase + iw * g.c, count: g.c)
                    }
                    dst += g.c
                }
            }
        }
    }
}

/// Adds the columns of images `images` back into `dx` (the adjoint of im2col).
/// Parallel over images: each image's rows only touch that image.
private func col2im(_ g: WindowGeometry, _ cols: UnsafePointer<Float>, images: Range<Int>,
                    _ dx: UnsafeMutablePointer<Float>) {
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

/// 2-D convolution (cross-correlation, as every framework computes it).
///
/// - Parameters:
///   - input: NHWC `[N, H, W, C]`.
///   - filter: HWIO `[KH, KW, C, O]` (Keras' kernel layout).
///   - strides: (vertical, horizontal), default (1, 1).
///   - padding: `.valid`, `.same` (TF/Keras asymmetric) or `.explicit`.
/// - Returns: `[N, OH, OW, O]`.
public func conv2d(_ input: Tensor, filter: Tensor, strides: (Int, Int) = (1, 1),
                   padding: Padding = .valid) -> Tensor {
    check(filter.rank == 4, "conv2d: filter must be HWIO rank 4, got filter \(filter.shape) for input \(input.shape)")
    let g = WindowGeometry(op: "conv2d", input: input.shape, window: (filter.shape[0], filter.shape[1]),
                           strides: strides, padding: padding, detail: "filter \(filter.shape)")
    check(filter.shape[2] == g.c,
          "conv2d: input channels \(g.c) do not match filter input channels \(filter.shape[2]) (input \(input.shape), filter \(filter.shape))")
    check(filter.shape[3] > 0, "conv2d: filter has zero output channels (filter \(filter.shape))")
    let o = filter.shape[3]
    let out = conv2dForward(g, input.scalars, filter.scalars, outChannels: o)
    let x = input.detached, w = filter.detached
    return makeResult([g.n, g.oh, g.ow, o], out, inputs: [input, filter]) { dy, needs in
        let (dx, dw) = conv2dBackward(g, x.scalars, w.scalars, dy.scalars, outChannels: o,
                                      needInput: needs[0], needFilter: needs[1])
        return [dx.map { Tensor(unchecked: x.shape, $0) }, dw.map { Tensor(unchecked: w.shape, $0) }]
    }
}

func conv2dForward(_ g: WindowGeometry, _ x: [Float], _ w: [Float], outChannels o: Int) -> [Float] {
    let k = g.kh * g.kw * g.c
    let rowsTotal = g.n * g.oh * g.ow
    return x.withUnsafeBufferPointer { px in
        w.withUnsafeBufferPointer { pw in
            makeScalars(rowsTotal * o) { out in
                if isPointwise(g) {
                    gemm(transposeA: false, transposeB: false, m: rowsTotal, n: o, k: k,
                         px.baseAddress!, lda: k, pw.baseAddress!, ldb: o, out.baseAddress!, ldc: o)
                    return
                }
                let per = imagesPerChunk(g)
                let rowsPerImage = g.oh * g.ow
                let cols = UnsafeMutablePointer<Float>.allocate(capacity: per * rowsPerImage * k)
                defer { cols.deallocate() }
                var n0 = 0
                while n0 < g.n {
                    let n1 = Swift.min(g.n, n0 + per)
                    let rows = (n0 * rowsPerImage)..<(n1 * rowsPerImage)
                    im2col(g, px.baseAddress!, rows: rows, cols)
                    gemm(transposeA: false, transposeB: false, m: rows.count, n: o, k: k,
                         cols, lda: k, pw.baseAddress!, ldb: o,
                         out.baseAddress! + rows.lowerBound * o, ldc: o)
                    n0 = n1
                }
            }
        }
    }
}

func conv2dBackward(_ g: WindowGeometry, _ x: [Float], _ w: [Float], _ dy: [Float], outChannels o: Int,
                    needInput: Bool, needFilter: Bool) -> (dx: [Float]?, dw: [Float]?) {
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
                            gemm(transposeA: false, transposeB: true, m: rowsTotal, n: k, k: o,
                                 pdy.baseAddress!, lda: o, pw.baseAddress!, ldb: o, pdx.baseAddress!, ldc: k)
                        }
                    }
                    if needFilter {
                        dw!.withUnsafeMutableBufferPointer { pdw in
                            // dW [C, O] = Xᵀ · dY
                            gemm(transposeA: true, transposeB: false, m: k, n: o, k: rowsTotal,
                                 px.baseAddress!, lda: k, pdy.baseAddress!, ldb: o, pdw.baseAddress!, ldc: o)
                        }
                    }
                    return
                }
                // Stride 1: dX is itself a convolution of dY with the flipped, transposed
                // filter (one im2col + GEMM with K = KH·KW·O, as fast as the forward),
                // instead of a thin GEMM and a col2im scatter.
                let transposedGeometry = needInput ? strideOneInputGradientGeometry(g, outChannels: o) : nil
                if let tg = transposedGeometry {
                    let flipped = flippedTransposedFilter(pw.baseAddress!, g, outChannels: o)
                    dx = conv2dForward(tg, dy, flipped, outChannels: g.c)
                } else if needInput {
                    dx = [Float](repeating: 0, count: g.n * g.h * g.w * g.c)
                }
                let per = imagesPerChunk(g)
                let rowsPerImage = g.oh * g.ow
                Scratch.withBuffer(per * rowsPerImage * k) { cols in
                    var n0 = 0
                    while n0 < g.n {
                        let n1 = Swift.min(g.n, n0 + per)
                        let rows = (n0 * rowsPerImage)..<(n1 * rowsPerImage)
                        let dyChunk = pdy.baseAddress! + rows.lowerBound * o
                        if needFilter {
                            im2col(g, px.baseAddress!, rows: rows, cols)
                            dw!.withUnsafeMutableBufferPointer { pdw in
                                // dW [K, O] += colsᵀ · dY
                                gemm(transposeA: true, transposeB: false, m: k, n: o, k: rows.count,
                                     cols, lda: k, dyChunk, ldb: o, beta: n0 == 0 ? 0 : 1,
                                     pdw.baseAddress!, ldc: o)
                            }
                        }
                        if needInput && transposedGeometry == nil {
                            // dCols [rows, K] = dY · Wᵀ, then scatter back into dX.
                            gemm(transposeA: false, transposeB: true, m: rows.count, n: k, k: o,
                                 dyChunk, lda: o, pw.baseAddress!, ldb: o, cols, ldc: k)
                            dx!.withUnsafeMutableBufferPointer { pdx in
                                col2im(g, cols, images: n0..<n1, pdx.baseAddress!)
                            }
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
private func strideOneInputGradientGeometry(_ g: WindowGeometry, outChannels o: Int) -> WindowGeometry? {
    guard g.sh == 1, g.sw == 1, g.kh > 1 || g.kw > 1 else { return nil }
    let top = g.kh - 1 - g.padTop, left = g.kw - 1 - g.padLeft
    let bottom = g.h + g.kh - 1 - g.oh - top, right = g.w + g.kw - 1 - g.ow - left
    guard top >= 0, left >= 0, bottom >= 0, right >= 0 else { return nil }
    let t = WindowGeometry(op: "conv2d backward", input: [g.n, g.oh, g.ow, o], window: (g.kh, g.kw),
                           strides: (1, 1), padding: .explicit(top: top, bottom: bottom, left: left, right: right))
    return t.oh == g.h && t.ow == g.w ? t : nil
}

/// W'[i, j, o, c] = W[KH − 1 − i, KW − 1 − j, c, o].
private func flippedTransposedFilter(_ w: UnsafePointer<Float>, _ g: WindowGeometry, outChannels o: Int) -> [Float] {
    let c = g.c
    return makeScalars(g.kh * g.kw * o * c) { out in
        for i in 0..<g.kh {
            for j in 0..<g.kw {
                let src = w + ((g.kh - 1 - i) * g.kw + (g.kw - 1 - j)) * c * o
                let dst = out.baseAddress! + (i * g.kw + j) * o * c
                for ci in 0..<c {
                    for oi in 0..<o { dst[oi * c + ci] = src[ci * o + oi] }
                }
            }
        }
    }
}
