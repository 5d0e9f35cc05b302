// Max and average pooling over NHWC windows, and global pooling. Max pooling's forward
// pass runs `_CKernels`' 16-channel AVX-512 loop where available (same winners); global
// pooling runs `_CKernels`' gate kernels (AVX-512 or portable C, identical results).
import _CKernels
import Preconditions
// Padding cells never win a max and are not counted in an average (TensorFlow semantics).

/// Max pooling. `size` and `strides` are (vertical, horizontal).
public func maxPool2d(
    _ input: Tensor, size: (Int, Int), strides: (Int, Int), padding: Padding = .valid
) -> Tensor {
    let g = WindowGeometry(
        op: "maxPool2d", input: input.shape, window: size, strides: strides,
        padding: padding, detail: "pool size \(size), strides \(strides)")
    let c = g.c
    let outCount = g.n * g.oh * g.ow * c
    // argmax[i] = flat input index of the winner of output element i.
    var argmax = [Int32](repeating: 0, count: outCount)
    check(input.count < Int(Int32.max), "maxPool2d: input \(input.shape) is too large")
    let out = input.scalars.withUnsafeBufferPointer { px in
        argmax.withUnsafeMutableBufferPointer { pa in
            makeScalars(outCount) { out in
                let uo = SharedBuffer(out), ua = UncheckedSendable(pa.baseAddress!)
                let ux = UncheckedSendable(px.baseAddress!)
                let vector = emk_uses_avx512() != 0
                let shape = emk_conv_shape(
                    height: g.h, width: g.w, channels: c, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw,
                    oh: g.oh, ow: g.ow, outChannels: c)
                parallelChunks(g.n * g.oh, grain: Swift.max(1, 4096 / Swift.max(1, g.ow * c))) {
                    rows in
                    if vector {
                        withUnsafePointer(to: shape) {
                            emk_max_pool(
                                $0, g.padTop, g.padLeft, ux.value, uo.base, ua.value,
                                rows.lowerBound, rows.count)
                        }
                        return
                    }
                    for row in rows {
                        let n = row / g.oh, oh = row % g.oh
                        for ow in 0..<g.ow {
                            let d = uo.base + (row * g.ow + ow) * c
                            let a = ua.value + (row * g.ow + ow) * c
                            d.update(repeating: -.infinity, count: c)
                            a.update(repeating: -1, count: c)
                            for i in 0..<g.kh {
                                let ih = oh * g.sh - g.padTop + i
                                if ih < 0 || ih >= g.h { continue }
                                for j in 0..<g.kw {
                                    let iw = ow * g.sw - g.padLeft + j
                                    if iw < 0 || iw >= g.w { continue }
                                    let base = ((n * g.h + ih) * g.w + iw) * c
                                    let s = ux.value + base
                                    for ch in 0..<c where s[ch] > d[ch] || a[ch] < 0 {
                                        d[ch] = s[ch]
                                        a[ch] = Int32(base + ch)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let inShape = input.shape
    return makeResult(g.outputShape, out, inputs: [input]) { dy, _ in
        // Scatter per image (an image's winners lie in that image).
        var dx = [Float](repeating: 0, count: inShape.reduce(1, *))
        let perImage = g.oh * g.ow * c
        dx.withUnsafeMutableBufferPointer { pdx in
            dy.scalars.withUnsafeBufferPointer { pg in
                argmax.withUnsafeBufferPointer { pa in
                    let ud = SharedBuffer(pdx)
                    let ug = UncheckedSendable(pg.baseAddress!),
                        ua = UncheckedSendable(pa.baseAddress!)
                    parallelFor(g.n) { n in
                        for e in (n * perImage)..<((n + 1) * perImage) {
                            ud.base[Int(ua.value[e])] += ug.value[e]
                        }
                    }
                }
            }
        }
        return [Tensor(unchecked: inShape, dx)]
    }
}

/// Average pooling; with `.same` padding each window averages only its in-bounds cells.
public func avgPool2d(
    _ input: Tensor, size: (Int, Int), strides: (Int, Int), padding: Padding = .valid
) -> Tensor {
    let g = WindowGeometry(
        op: "avgPool2d", input: input.shape, window: size, strides: strides,
        padding: padding, detail: "pool size \(size), strides \(strides)")
    let c = g.c
    // Window bounds clipped to the input, shared by forward and backward.
    func bounds(_ o: Int, stride: Int, pad: Int, k: Int, size: Int) -> Range<Int> {
        let start = o * stride - pad
        return Swift.max(start, 0)..<Swift.min(start + k, size)
    }
    let out = input.scalars.withUnsafeBufferPointer { px in
        makeScalars(g.n * g.oh * g.ow * c) { out in
            let uo = SharedBuffer(out), ux = UncheckedSendable(px.baseAddress!)
            parallelChunks(g.n * g.oh, grain: Swift.max(1, 4096 / Swift.max(1, g.ow * c))) { rows in
                for row in rows {
                    let n = row / g.oh, oh = row % g.oh
                    let hr = bounds(oh, stride: g.sh, pad: g.padTop, k: g.kh, size: g.h)
                    for ow in 0..<g.ow {
                        let wr = bounds(ow, stride: g.sw, pad: g.padLeft, k: g.kw, size: g.w)
                        let d = uo.base + (row * g.ow + ow) * c
                        d.update(repeating: 0, count: c)
                        for ih in hr {
                            for iw in wr {
                                let s = ux.value + ((n * g.h + ih) * g.w + iw) * c
                                for ch in 0..<c { d[ch] += s[ch] }
                            }
                        }
                        let inv = 1 / Float(Swift.max(1, hr.count * wr.count))
                        for ch in 0..<c { d[ch] *= inv }
                    }
                }
            }
        }
    }
    let inShape = input.shape
    return makeResult(g.outputShape, out, inputs: [input]) { dy, _ in
        var dx = [Float](repeating: 0, count: inShape.reduce(1, *))
        dx.withUnsafeMutableBufferPointer { pdx in
            dy.scalars.withUnsafeBufferPointer { pg in
                let ud = SharedBuffer(pdx), ug = UncheckedSendable(pg.baseAddress!)
                parallelFor(g.n) { n in
                    for oh in 0..<g.oh {
                        let hr = bounds(oh, stride: g.sh, pad: g.padTop, k: g.kh, size: g.h)
                        for ow in 0..<g.ow {
                            let wr = bounds(ow, stride: g.sw, pad: g.padLeft, k: g.kw, size: g.w)
                            let inv = 1 / Float(Swift.max(1, hr.count * wr.count))
                            let s = ug.value + ((n * g.oh + oh) * g.ow + ow) * c
                            for ih in hr {
                                for iw in wr {
                                    let d = ud.base + ((n * g.h + ih) * g.w + iw) * c
                                    for ch in 0..<c { d[ch] += s[ch] * inv }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [Tensor(unchecked: inShape, dx)]
    }
}

/// Mean over height and width: [N, H, W, C] → [N, C] (Keras GlobalAveragePooling2D).
/// Sums in Float64 in pixel order, as `mean(alongAxes: [1, 2])` does (same results).
public func globalAvgPool2d(_ input: Tensor) -> Tensor {
    check(
        input.rank == 4 && input.count > 0,
        "globalAvgPool2d: expects a non-empty NHWC rank-4 input, got \(input.shape)")
    let (n, c) = (input.shape[0], input.shape[3])
    let pixels = input.shape[1] * input.shape[2]
    let grain = Swift.max(1, elementwiseGrain / (pixels * c))
    let out = input.scalars.withUnsafeBufferPointer { px in
        makeScalars(n * c) { o in
            let ux = UncheckedSendable(px.baseAddress!), uo = SharedBuffer(o)
            parallelChunks(n, grain: grain) { images in
                emk_global_avg_pool(ux.value, uo.base, images.lowerBound, images.count, pixels, c)
            }
        }
    }
    let inShape = input.shape
    return makeResult([n, c], out, inputs: [input]) { g, _ in
        // dx[n, p, c] = g[n, c] / pixels, spread over the image's pixels.
        let scale = 1 / Float(pixels)
        let dx = g.scalars.withUnsafeBufferPointer { pg in
            makeScalars(n * pixels * c) { d in
                let ug = UncheckedSendable(pg.baseAddress!), ud = SharedBuffer(d)
                parallelChunks(n, grain: grain) { images in
                    for b in images {
                        let share = ud.base + b * pixels * c
                        for ch in 0..<c { share[ch] = ug.value[b * c + ch] * scale }
                        for p in 1..<Swift.max(pixels, 1) {
                            (share + p * c).update(from: share, count: c)
                        }
                    }
                }
            }
        }
        return [Tensor(unchecked: inShape, dx)]
    }
}

/// Maximum over height and width: [N, H, W, C] → [N, C] (Keras GlobalMaxPooling2D).
public func globalMaxPool2d(_ input: Tensor) -> Tensor {
    check(
        input.rank == 4 && input.count > 0,
        "globalMaxPool2d: expects a non-empty NHWC rank-4 input, got \(input.shape)")
    let (n, c) = (input.shape[0], input.shape[3])
    let pixels = input.shape[1] * input.shape[2]
    let grain = Swift.max(1, elementwiseGrain / (pixels * c))
    // Per image: the maximum of each channel over its pixels, in parallel over images.
    let out = input.scalars.withUnsafeBufferPointer { px in
        makeScalars(n * c) { o in
            let ux = UncheckedSendable(px.baseAddress!), uo = SharedBuffer(o)
            parallelChunks(n, grain: grain) { images in
                emk_global_max_pool(ux.value, uo.base, images.lowerBound, images.count, pixels, c)
            }
        }
    }
    let x = input.detached
    return makeResult([n, c], out, inputs: [input]) { g, _ in
        // As max(alongAxes:): the gradient is shared equally among tied pixels.
        let dx = x.scalars.withUnsafeBufferPointer { px in
            g.scalars.withUnsafeBufferPointer { pg in
                out.withUnsafeBufferPointer { pb in
                    makeScalars(x.count) { d in
                        let ux = UncheckedSendable(px.baseAddress!),
                            ug = UncheckedSendable(pg.baseAddress!)
                        let ub = UncheckedSendable(pb.baseAddress!), ud = SharedBuffer(d)
                        parallelChunks(n, grain: grain) { images in
                            emk_global_max_pool_backward(
                                ux.value, ub.value, ug.value, ud.base,
                                images.lowerBound, images.count, pixels, c)
                        }
                    }
                }
            }
        }
        return [Tensor(unchecked: x.shape, dx)]
    }
}
