import Foundation
import Preconditions

/// Bilinear resize of an NHWC tensor to `height` x `width`, matching TensorFlow 2's
/// `tf.image.resize(method: "bilinear", antialias: false)` (half-pixel centres:
/// source = (destination + 0.5) · in / out − 0.5, edges clamped). Differentiable in x.
public func resizeBilinear(_ x: Tensor, height: Int, width: Int) -> Tensor {
    check(
        x.rank == 4 && x.count > 0,
        "resizeBilinear: expects a non-empty NHWC rank-4 input, got \(x.shape)")
    check(
        height > 0 && width > 0,
        "resizeBilinear: target size \(height)x\(width) must be positive (input \(x.shape))")
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    // Interpolation taps per output row/column: (lower, upper, weight of upper).
    func taps(_ outSize: Int, _ inSize: Int) -> [(Int, Int, Float)] {
        let scale = Double(inSize) / Double(outSize)
        return (0..<outSize).map { o in
            let s = (Double(o) + 0.5) * scale - 0.5
            let f = Foundation.floor(s)
            let lo = Swift.max(Int(f), 0)
            let hi = Swift.min(Int(Foundation.ceil(s)), inSize - 1)
            return (Swift.min(lo, inSize - 1), Swift.max(hi, 0), Float(s - f))
        }
    }
    let ty = taps(height, h), tx = taps(width, w)
    let out = x.scalars.withUnsafeBufferPointer { px in
        makeScalars(n * height * width * c) { out in
            let uo = SharedBuffer(out), ux = UncheckedSendable(px.baseAddress!)
            parallelChunks(n * height, grain: Swift.max(1, 4096 / Swift.max(1, width * c))) {
                rows in
                for row in rows {
                    let b = row / height, (y0, y1, fy) = ty[row % height]
                    for ox in 0..<width {
                        let (x0, x1, fx) = tx[ox]
                        let p00 = ux.value + ((b * h + y0) * w + x0) * c
                        let p01 = ux.value + ((b * h + y0) * w + x1) * c
                        let p10 = ux.value + ((b * h + y1) * w + x0) * c
                        let p11 = ux.value + ((b * h + y1) * w + x1) * c
                        let d = uo.base + (row * width + ox) * c
                        for ch in 0..<c {
                            let top = p00[ch] + (p01[ch] - p00[ch]) * fx
                            let bottom = p10[ch] + (p11[ch] - p10[ch]) * fx
                            d[ch] = top + (bottom - top) * fy
                        }
                    }
                }
            }
        }
    }
    let inShape = x.shape
    return makeResult([n, height, width, c], out, inputs: [x]) { g, _ in
        var dx = [Float](repeating: 0, count: inShape.reduce(1, *))
        g.scalars.withUnsafeBufferPointer { pg in
            dx.withUnsafeMutableBufferPointer { pd in
                let ud = SharedBuffer(pd), ug = UncheckedSendable(pg.baseAddress!)
                parallelFor(n) { b in
                    for oy in 0..<height {
                        let (y0, y1, fy) = ty[oy]
                        for ox in 0..<width {
                            let (x0, x1, fx) = tx[ox]
                            let s = ug.value + ((b * height + oy) * width + ox) * c
                            let weights: [(Int, Int, Float)] = [
                                (y0, x0, (1 - fy) * (1 - fx)), (y0, x1, (1 - fy) * fx),
                                (y1, x0, fy * (1 - fx)), (y1, x1, fy * fx),
                            ]
                            for (yy, xx, wgt) in weights {
                                let d = ud.base + ((b * h + yy) * w + xx) * c
                                for ch in 0..<c { d[ch] += s[ch] * wgt }
                            }
                        }
                    }
                }
            }
        }
        return [Tensor(unchecked: inShape, dx)]
    }
}
