// Batch normalisation over every axis but the last (channels): [N, C] or [N, H, W, C].
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
    check(x.rank >= 2 && x.count > 0, "\(op): expects a non-empty input of rank >= 2 with channels last, got \(x.shape)")
    let c = x.shape.last!
    for (name, p) in params {
        check(p.shape == [c], "\(op): \(name) must have shape [\(c)] for input \(x.shape), got \(p.shape)")
    }
    return c
}

/// Batch norm with batch statistics, hand-written backward for x, scale and offset.
public func batchNormTraining(_ x: Tensor, scale: Tensor, offset: Tensor, epsilon: Float) -> BatchNormResult {
    let c = channelCount("batchNormTraining", x, [("scale", scale), ("offset", offset)])
    let rows = x.count / c
    // Per-channel sums in Double over fixed pieces of rows, combined in order.
    let pieces = chunkCount(rows, grain: Swift.max(1, 16384 / c))
    var partial = [Double](repeating: 0, count: pieces * 2 * c)
    x.scalars.withUnsafeBufferPointer { px in
        partial.withUnsafeMutableBufferPointer { pp in
            let up = UncheckedSendable(pp.baseAddress!), ux = UncheckedSendable(px.baseAddress!)
            parallelFor(pieces) { p in
                let sum = up.value + p * 2 * c, sq = sum + c
                for r in chunkRange(p, of: pieces, total: rows) {
                    let row = ux.value + r * c
                    for ch in 0..<c {
                        let v = Double(row[ch])
                        sum[ch] += v
                        sq[ch] += v * v
                    }
                }
            }
        }
    }
    var mean = [Float](repeating: 0, count: c)
    var variance = [Float](repeating: 0, count: c)
    for ch in 0..<c {
        var s = 0.0, q = 0.0
        for p in 0..<pieces { s += partial[p * 2 * c + ch]; q += partial[p * 2 * c + c + ch] }
        let m = s / Double(rows)
        mean[ch] = Float(m)
        variance[ch] = Float(Swift.max(q / Double(rows) - m * m, 0))
    }
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    // xhat is kept for the backward pass; y = xhat · γ + β.
    let xhat = zipRows(x.scalars, c) { row, out in
        for ch in 0..<c { out[ch] = (row[ch] - mean[ch]) * invStd[ch] }
    }
    let gamma = scale.scalars, beta = offset.scalars
    let y = zipRows(xhat, c) { row, out in
        for ch in 0..<c { out[ch] = row[ch] * gamma[ch] + beta[ch] }
    }
    let output = makeResult(x.shape, y, inputs: [x, scale, offset]) { dy, needs in
        // dβ = Σ dy, dγ = Σ dy · x̂, dx = γ · invStd / M · (M · dy − dβ − x̂ · dγ)
        let (dGamma, dBeta) = channelSums(dy.scalars, xhat, c)
        var dx: Tensor? = nil
        if needs[0] {
            let m = Float(rows)
            let k = (0..<c).map { gamma[$0] * invStd[$0] / m }
            var out = [Float](repeating: 0, count: dy.count)
            dy.scalars.withUnsafeBufferPointer { pg in
                xhat.withUnsafeBufferPointer { ph in
                    out.withUnsafeMutableBufferPointer { po in
                        let ug = UncheckedSendable(pg.baseAddress!), uh = UncheckedSendable(ph.baseAddress!)
                        let uo = SharedBuffer(po)
                        parallelChunks(rows, grain: Swift.max(1, 16384 / c)) { range in
                            for r in range {
                                let g = ug.value + r * c, h = uh.value + r * c, o = uo.base + r * c
                                for ch in 0..<c {
                                    o[ch] = k[ch] * (m * g[ch] - dBeta[ch] - h[ch] * dGamma[ch])
                                }
                            }
                        }
                    }
                }
            }
            dx = Tensor(unchecked: x.shape, out)
        }
        return [dx,
                needs[1] ? Tensor(unchecked: [c], dGamma) : nil,
                needs[2] ? Tensor(unchecked: [c], dBeta) : nil]
    }
    return BatchNormResult(output: output, mean: Tensor(unchecked: [c], mean),
                           variance: Tensor(unchecked: [c], variance))
}

/// Batch norm with given (moving) statistics; gradients flow to x, scale and offset.
public func batchNormInference(_ x: Tensor, mean: Tensor, variance: Tensor, scale: Tensor,
                               offset: Tensor, epsilon: Float) -> Tensor {
    let c = channelCount("batchNormInference", x,
                         [("mean", mean), ("variance", variance), ("scale", scale), ("offset", offset)])
    let invStd = variance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    let mu = mean.scalars, gamma = scale.scalars, beta = offset.scalars
    let a = (0..<c).map { gamma[$0] * invStd[$0] }
    let b = (0..<c).map { beta[$0] - mu[$0] * a[$0] }
    let y = zipRows(x.scalars, c) { row, out in
        for ch in 0..<c { out[ch] = row[ch] * a[ch] + b[ch] }
    }
    let xs = x.detached
    return makeResult(x.shape, y, inputs: [x, scale, offset]) { dy, needs in
        var dx: Tensor? = nil
        if needs[0] {
            dx = Tensor(unchecked: x.shape, zipRows(dy.scalars, c) { row, out in
                for ch in 0..<c { out[ch] = row[ch] * a[ch] }
            })
        }
        var dGamma: Tensor? = nil, dBeta: Tensor? = nil
        if needs[1] || needs[2] {
            let xhat = zipRows(xs.scalars, c) { row, out in
                for ch in 0..<c { out[ch] = (row[ch] - mu[ch]) * invStd[ch] }
            }
            let (dg, db) = channelSums(dy.scalars, xhat, c)
            dGamma = Tensor(unchecked: [c], dg)
            dBeta = Tensor(unchecked: [c], db)
        }
        return [dx, needs[1] ? dGamma : nil, needs[2] ? dBeta : nil]
    }
}

/// Keras' moving-statistics update: `momentum · moving + (1 − momentum) · batch`.
public func movingAverage(_ moving: Tensor, batch: Tensor, momentum: Float) -> Tensor {
    check(moving.shape == batch.shape,
          "movingAverage: moving \(moving.shape) and batch \(batch.shape) shapes differ")
    return Tensor(unchecked: moving.shape, zipScalars(moving.scalars, batch.scalars) {
        momentum * $0 + (1 - momentum) * $1
    })
}

/// Applies `body(row, out)` to every row of `c` scalars, in parallel.
private func zipRows(_ x: [Float], _ c: Int,
                     _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    let rows = x.count / c
    return x.withUnsafeBufferPointer { px in
        makeScalars(x.count) { out in
            let uo = SharedBuffer(out), ux = UncheckedSendable(px.baseAddress!)
            parallelChunks(rows, grain: Swift.max(1, 16384 / c)) { range in
                for r in range { body(ux.value + r * c, uo.base + r * c) }
            }
        }
    }
}

/// (Σ dy · x̂, Σ dy) per channel, in Double over fixed pieces (deterministic).
private func channelSums(_ dy: [Float], _ xhat: [Float], _ c: Int) -> ([Float], [Float]) {
    let rows = dy.count / c
    let pieces = chunkCount(rows, grain: Swift.max(1, 16384 / c))
    var partial = [Double](repeating: 0, count: pieces * 2 * c)
    dy.withUnsafeBufferPointer { pg in
        xhat.withUnsafeBufferPointer { ph in
            partial.withUnsafeMutableBufferPointer { pp in
                let up = UncheckedSendable(pp.baseAddress!)
                let ug = UncheckedSendable(pg.baseAddress!), uh = UncheckedSendable(ph.baseAddress!)
                parallelFor(pieces) { p in
                    let sgx = up.value + p * 2 * c, sg = sgx + c
                    for r in chunkRange(p, of: pieces, total: rows) {
                        let g = ug.value + r * c, h = uh.value + r * c
                        for ch in 0..<c {
                            sgx[ch] += Double(g[ch] * h[ch])
                            sg[ch] += Double(g[ch])
                        }
                    }
                }
            }
        }
    }
    var dGamma = [Float](repeating: 0, count: c), dBeta = [Float](repeating: 0, count: c)
    for ch in 0..<c {
        var a = 0.0, b = 0.0
        for p in 0..<pieces { a += partial[p * 2 * c + ch]; b += partial[p * 2 * c + c + ch] }
        dGamma[ch] = Float(a)
        dBeta[ch] = Float(b)
    }
    return (dGamma, dBeta)
}
