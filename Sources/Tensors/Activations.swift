import Foundation
import _CKernels
import Preconditions

// Activations and softmax. Softmax and log-softmax act on the last axis.

/// max(x, 0) elementwise (gradient 0 at 0, as TensorFlow).
public func relu(_ x: Tensor) -> Tensor {
    if emk_uses_avx512() != 0 { return clampedRelu(x, six: false) }
    let y = mapScalars(x) { Swift.max($0, 0) }
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, y) { $1 > 0 ? $0 : 0 })]
    }
}

/// min(max(x, 0), 6) elementwise, MobileNetV2's activation.
public func relu6(_ x: Tensor) -> Tensor {
    if emk_uses_avx512() != 0 { return clampedRelu(x, six: true) }
    let y = mapScalars(x) { Swift.min(Swift.max($0, 0), 6) }
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, y) { ($1 > 0 && $1 < 6) ? $0 : 0 })]
    }
}

/// `relu(a + b)` or `relu6(a + b)` (a residual connection and its activation) in one pass:
/// the same values and gradients as the two ops, without the sum as a tensor of its own.
public func add(_ a: Tensor, _ b: Tensor, rectifier: Rectifier) -> Tensor {
    check(a.shape == b.shape, "add(_:_:rectifier:): shapes \(a.shape) and \(b.shape) differ")
    let n = a.count
    let y = a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            makeScalars(n) { out in
                let ua = UncheckedSendable(pa.baseAddress!), ub = UncheckedSendable(pb.baseAddress!)
                let uo = SharedBuffer(out)
                let vector = emk_uses_avx512() != 0
                parallelChunks(n, grain: elementwiseGrain) { r in
                    if vector {
                        emk_add_rectified(
                            ua.value + r.lowerBound, ub.value + r.lowerBound,
                            uo.base + r.lowerBound,
                            r.count, rectifier == .relu6 ? 1 : 0)
                        return
                    }
                    for i in r { uo.base[i] = rectifier.apply(ua.value[i] + ub.value[i]) }
                }
            }
        }
    }
    return makeResult(a.shape, y, inputs: [a, b]) { g, _ in
        let dx = Tensor(unchecked: g.shape, rectifiedGradient(g.scalars, output: y, rectifier))
        return [dx, dx]
    }
}

/// g where the rectifier's output y passes the gradient (0 < y, and y < 6 for ReLU6), else 0.
private func rectifiedGradient(_ g: [Float], output y: [Float], _ rectifier: Rectifier) -> [Float] {
    let n = g.count
    return g.withUnsafeBufferPointer { pg in
        y.withUnsafeBufferPointer { py in
            makeScalars(n) { out in
                let ug = UncheckedSendable(pg.baseAddress!), uy = UncheckedSendable(py.baseAddress!)
                let uo = SharedBuffer(out)
                let vector = emk_uses_avx512() != 0
                parallelChunks(n, grain: elementwiseGrain) { r in
                    if vector {
                        emk_relu_backward(
                            ug.value + r.lowerBound, uy.value + r.lowerBound,
                            uo.base + r.lowerBound,
                            r.count, rectifier == .relu6 ? 1 : 0)
                        return
                    }
                    for i in r { uo.base[i] = rectifier.passes(uy.value[i]) ? ug.value[i] : 0 }
                }
            }
        }
    }
}

/// ReLU or ReLU6 on `_CKernels`' AVX-512 loops: bitwise the Swift closures above.
private func clampedRelu(_ x: Tensor, six: Bool) -> Tensor {
    let n = x.count
    let y = x.scalars.withUnsafeBufferPointer { px in
        makeScalars(n) { out in
            let ux = UncheckedSendable(px.baseAddress!), uo = SharedBuffer(out)
            parallelChunks(n, grain: elementwiseGrain) { r in
                emk_relu_forward(
                    ux.value + r.lowerBound, uo.base + r.lowerBound, r.count, six ? 1 : 0)
            }
        }
    }
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, rectifiedGradient(g.scalars, output: y, six ? .relu6 : .relu))]
    }
}

/// x for x > 0, `alpha * x` otherwise.
public func leakyRelu(_ x: Tensor, alpha: Float = 0.2) -> Tensor {
    let dx = x.detached
    return makeResult(x.shape, mapScalars(x) { $0 > 0 ? $0 : alpha * $0 }, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, dx.scalars) { $1 > 0 ? $0 : alpha * $0 })]
    }
}

/// 1 / (1 + e^-x) elementwise.
public func sigmoid(_ x: Tensor) -> Tensor {
    let y = mapScalars(x) { v in
        v >= 0 ? 1 / (1 + Foundation.exp(-v)) : Foundation.exp(v) / (1 + Foundation.exp(v))
    }
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, y) { $0 * $1 * (1 - $1) })]
    }
}

/// Hyperbolic tangent elementwise.
public func tanh(_ x: Tensor) -> Tensor {
    let y = mapScalars(x) { Foundation.tanh($0) }
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, y) { $0 * (1 - $1 * $1) })]
    }
}

/// Row-wise kernel over the last axis: `body(row, out, k)` for every row.
func forEachRow(
    _ x: [Float], rowLength k: Int, _ out: inout [Float],
    _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
) {
    let rows = k == 0 ? 0 : x.count / k
    x.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { po in
            guard rows > 0 else { return }
            let ux = UncheckedSendable(px.baseAddress!), uo = SharedBuffer(po)
            parallelChunks(rows, grain: max(1, 4096 / k)) { range in
                for r in range { body(ux.value + r * k, uo.base + r * k) }
            }
        }
    }
}

/// Softmax over the last axis (numerically stable: subtracts the row maximum).
public func softmax(_ x: Tensor) -> Tensor {
    check(x.rank >= 1, "softmax: needs rank >= 1, got shape \(x.shape)")
    let k = x.shape.last!
    var y = [Float](repeating: 0, count: x.count)
    forEachRow(x.scalars, rowLength: k, &y) { row, out in
        var m = -Float.infinity
        for j in 0..<k { m = Swift.max(m, row[j]) }
        var s: Float = 0
        for j in 0..<k { out[j] = Foundation.exp(row[j] - m); s += out[j] }
        let inv = 1 / s
        for j in 0..<k { out[j] *= inv }
    }
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        // dx = y * (g - sum(g * y))
        let yT = Tensor(unchecked: x.shape, y)
        let gy = Tensor(unchecked: x.shape, zipScalars(g.scalars, y, *))
        let rowSums = sumKernel(gy, axes: [x.rank - 1])
        return [yT * (g - rowSums)]
    }
}

/// log(softmax(x)) over the last axis, computed as x - max - log(sum(exp(x - max))).
public func logSoftmax(_ x: Tensor) -> Tensor {
    check(x.rank >= 1, "logSoftmax: needs rank >= 1, got shape \(x.shape)")
    let k = x.shape.last!
    var y = [Float](repeating: 0, count: x.count)
    forEachRow(x.scalars, rowLength: k, &y) { row, out in
        var m = -Float.infinity
        for j in 0..<k { m = Swift.max(m, row[j]) }
        var s: Float = 0
        for j in 0..<k { s += Foundation.exp(row[j] - m) }
        let lse = m + Foundation.log(s)
        for j in 0..<k { out[j] = row[j] - lse }
    }
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        // dx = g - softmax(x) * sum(g)
        let p = Tensor(unchecked: x.shape, y.map { Foundation.exp($0) })
        let gSum = sumKernel(g, axes: [x.rank - 1])
        return [g - p * gSum]
    }
}
