import Tensors

// Naive loop implementations kept as oracles for the optimised kernels (llm.c's *_cpu
// style): straight from the definitions, in Float64, with explicit padding offsets.

/// TF "SAME"/"VALID" geometry for one spatial axis: (output size, padding before).
func oracleGeometry(size: Int, kernel: Int, stride: Int, same: Bool) -> (out: Int, padBefore: Int) {
    if same {
        let out = (size + stride - 1) / stride
        let total = max((out - 1) * stride + kernel - size, 0)
        return (out, total / 2)
    }
    return ((size - kernel) / stride + 1, 0)
}

func naiveConv2d(_ x: Tensor, _ w: Tensor, stride: (Int, Int), same: Bool) -> Tensor {
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (kh, kw, o) = (w.shape[0], w.shape[1], w.shape[3])
    let gy = oracleGeometry(size: h, kernel: kh, stride: stride.0, same: same)
    let gx = oracleGeometry(size: wd, kernel: kw, stride: stride.1, same: same)
    var out = [Float](repeating: 0, count: n * gy.out * gx.out * o)
    for b in 0..<n {
        for oy in 0..<gy.out {
            for ox in 0..<gx.out {
                for oc in 0..<o {
                    var s = 0.0
                    for i in 0..<kh {
                        for j in 0..<kw {
                            let iy = oy * stride.0 - gy.padBefore + i,
                                ix = ox * stride.1 - gx.padBefore + j
                            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                            for ic in 0..<c {
                                s += Double(x[b, iy, ix, ic]) * Double(w[i, j, ic, oc])
                            }
                        }
                    }
                    out[((b * gy.out + oy) * gx.out + ox) * o + oc] = Float(s)
                }
            }
        }
    }
    return Tensor(shape: [n, gy.out, gx.out, o], scalars: out)
}

func naiveDepthwise(_ x: Tensor, _ w: Tensor, stride: (Int, Int), same: Bool) -> Tensor {
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (kh, kw) = (w.shape[0], w.shape[1])
    let gy = oracleGeometry(size: h, kernel: kh, stride: stride.0, same: same)
    let gx = oracleGeometry(size: wd, kernel: kw, stride: stride.1, same: same)
    var out = [Float](repeating: 0, count: n * gy.out * gx.out * c)
    for b in 0..<n {
        for oy in 0..<gy.out {
            for ox in 0..<gx.out {
                for ch in 0..<c {
                    var s = 0.0
                    for i in 0..<kh {
                        for j in 0..<kw {
                            let iy = oy * stride.0 - gy.padBefore + i,
                                ix = ox * stride.1 - gx.padBefore + j
                            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                            s += Double(x[b, iy, ix, ch]) * Double(w[i, j, ch, 0])
                        }
                    }
                    out[((b * gy.out + oy) * gx.out + ox) * c + ch] = Float(s)
                }
            }
        }
    }
    return Tensor(shape: [n, gy.out, gx.out, c], scalars: out)
}

/// Max or average pooling; padding cells are skipped (never win, never counted).
func naivePool(_ x: Tensor, size: (Int, Int), stride: (Int, Int), same: Bool, max useMax: Bool)
    -> Tensor
{
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let gy = oracleGeometry(size: h, kernel: size.0, stride: stride.0, same: same)
    let gx = oracleGeometry(size: wd, kernel: size.1, stride: stride.1, same: same)
    var out = [Float](repeating: 0, count: n * gy.out * gx.out * c)
    for b in 0..<n {
        for oy in 0..<gy.out {
            for ox in 0..<gx.out {
                for ch in 0..<c {
                    var best = -Double.infinity, sum = 0.0, cells = 0
                    for i in 0..<size.0 {
                        for j in 0..<size.1 {
                            let iy = oy * stride.0 - gy.padBefore + i,
                                ix = ox * stride.1 - gx.padBefore + j
                            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                            let v = Double(x[b, iy, ix, ch])
                            best = max(best, v); sum += v; cells += 1
                        }
                    }
                    out[((b * gy.out + oy) * gx.out + ox) * c + ch] = Float(
                        useMax ? best : sum / Double(cells))
                }
            }
        }
    }
    return Tensor(shape: [n, gy.out, gx.out, c], scalars: out)
}

/// Training-mode batch norm over all axes but the last, biased variance.
func naiveBatchNorm(_ x: Tensor, gamma: [Float], beta: [Float], epsilon: Double)
    -> (output: Tensor, mean: [Float], variance: [Float])
{
    let c = x.shape.last!
    let rows = x.count / c
    var mean = [Double](repeating: 0, count: c), variance = [Double](repeating: 0, count: c)
    for r in 0..<rows { for ch in 0..<c { mean[ch] += Double(x.scalars[r * c + ch]) } }
    for ch in 0..<c { mean[ch] /= Double(rows) }
    for r in 0..<rows {
        for ch in 0..<c {
            let d = Double(x.scalars[r * c + ch]) - mean[ch]
            variance[ch] += d * d
        }
    }
    for ch in 0..<c { variance[ch] /= Double(rows) }
    var out = [Float](repeating: 0, count: x.count)
    for r in 0..<rows {
        for ch in 0..<c {
            let xhat =
                (Double(x.scalars[r * c + ch]) - mean[ch]) / (variance[ch] + epsilon).squareRoot()
            out[r * c + ch] = Float(xhat * Double(gamma[ch]) + Double(beta[ch]))
        }
    }
    return (
        Tensor(shape: x.shape, scalars: out), mean.map { Float($0) }, variance.map { Float($0) }
    )
}

/// The output of `naiveConv2d`, and dX and dW for the upstream gradient `dy`, straight
/// from the definition (every window position, in Float64, on flat arrays).
func naiveConv2dGradients(_ x: Tensor, _ w: Tensor, _ dy: Tensor, stride: (Int, Int), same: Bool)
    -> (y: Tensor, dx: Tensor, dw: Tensor)
{
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (kh, kw, o) = (w.shape[0], w.shape[1], w.shape[3])
    let gy = oracleGeometry(size: h, kernel: kh, stride: stride.0, same: same)
    let gx = oracleGeometry(size: wd, kernel: kw, stride: stride.1, same: same)
    let xs = x.scalars, ws = w.scalars, dys = dy.scalars
    var dx = [Double](repeating: 0, count: xs.count), dw = [Double](repeating: 0, count: ws.count)
    var y = [Double](repeating: 0, count: dys.count)
    for b in 0..<n {
        for oy in 0..<gy.out {
            for ox in 0..<gx.out {
                let dyBase = ((b * gy.out + oy) * gx.out + ox) * o
                for i in 0..<kh {
                    for j in 0..<kw {
                        let iy = oy * stride.0 - gy.padBefore + i,
                            ix = ox * stride.1 - gx.padBefore + j
                        guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                        let xBase = ((b * h + iy) * wd + ix) * c, wBase = (i * kw + j) * c * o
                        for ic in 0..<c {
                            for oc in 0..<o {
                                let g = Double(dys[dyBase + oc])
                                dw[wBase + ic * o + oc] += Double(xs[xBase + ic]) * g
                                dx[xBase + ic] += Double(ws[wBase + ic * o + oc]) * g
                                y[dyBase + oc] +=
                                    Double(xs[xBase + ic]) * Double(ws[wBase + ic * o + oc])
                            }
                        }
                    }
                }
            }
        }
    }
    return (
        Tensor(shape: dy.shape, scalars: y.map(Float.init)),
        Tensor(shape: x.shape, scalars: dx.map(Float.init)),
        Tensor(shape: w.shape, scalars: dw.map(Float.init))
    )
}
