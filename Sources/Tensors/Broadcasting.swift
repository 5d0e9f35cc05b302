// NumPy-style broadcasting: shapes align on the right; each pair of dimensions must be
// equal or one of them 1. Broadcast operands are walked row by row (a row is the last
// axis) through precomputed row offsets with stride 0 along broadcast axes.

/// The broadcast shape of `a` and `b`, or a trap naming `op` and both shapes.
func broadcastShape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
    if a == b { return a }
    let rank = max(a.count, b.count)
    let pa = [Int](repeating: 1, count: rank - a.count) + a
    let pb = [Int](repeating: 1, count: rank - b.count) + b
    var out = [Int](repeating: 0, count: rank)
    for i in 0..<rank {
        if pa[i] == pb[i] || pb[i] == 1 {
            out[i] = pa[i]
        } else if pa[i] == 1 {
            out[i] = pb[i]
        } else {
            fatalError(
                "\(op): shapes \(a) and \(b) cannot be broadcast (axis \(i - rank) has \(pa[i]) vs \(pb[i]))"
            )
        }
    }
    return out
}

/// Row-major strides of `shape` seen inside the larger `outShape`: 0 along broadcast axes.
func broadcastStrides(_ shape: [Int], in outShape: [Int]) -> [Int] {
    let rank = outShape.count
    let padded = [Int](repeating: 1, count: rank - shape.count) + shape
    var strides = [Int](repeating: 0, count: rank)
    var s = 1
    for i in stride(from: rank - 1, through: 0, by: -1) {
        strides[i] = (padded[i] == 1 && outShape[i] != 1) ? 0 : s
        s *= padded[i]
    }
    return strides
}

/// The offset of the first element of every row (all axes but the last) of `outShape`
/// in an operand with `strides`.
func rowOffsets(_ outShape: [Int], strides: [Int]) -> [Int] {
    let rank = outShape.count
    guard rank > 1 else { return [0] }
    let rows = outShape.dropLast().reduce(1, *)
    var offsets = [Int](repeating: 0, count: rows)
    var index = [Int](repeating: 0, count: rank - 1)
    var offset = 0
    for r in 0..<rows {
        offsets[r] = offset
        // Increment the multi-index (odometer) over the outer axes.
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            offset += strides[axis]
            if index[axis] < outShape[axis] { break }
            offset -= strides[axis] * index[axis]
            index[axis] = 0
            axis -= 1
        }
    }
    return offsets
}

/// Applies `f` elementwise to `a` and `b` broadcast together.
@inline(__always)
func broadcastBinary(
    _ a: Tensor, _ b: Tensor, op: String,
    _ f: (Float, Float) -> Float
) -> (shape: [Int], scalars: [Float]) {
    let outShape = broadcastShape(a.shape, b.shape, op: op)
    let count = outShape.reduce(1, *)
    let result = a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            makeScalars(count) { out in
                let o = SharedBuffer(out)
                let ua = UncheckedSendable(pa), ub = UncheckedSendable(pb)
                if a.shape == b.shape {
                    parallelChunks(count, grain: elementwiseGrain) { r in
                        for i in r { o.base[i] = f(ua.value[i], ub.value[i]) }
                    }
                } else if b.count == 1 {
                    let s = pb[0]
                    parallelChunks(count, grain: elementwiseGrain) { r in
                        for i in r { o.base[i] = f(ua.value[i], s) }
                    }
                } else if a.count == 1 {
                    let s = pa[0]
                    parallelChunks(count, grain: elementwiseGrain) { r in
                        for i in r { o.base[i] = f(s, ub.value[i]) }
                    }
                } else {
                    let sa = broadcastStrides(a.shape, in: outShape)
                    let sb = broadcastStrides(b.shape, in: outShape)
                    let offA = rowOffsets(outShape, strides: sa)
                    let offB = rowOffsets(outShape, strides: sb)
                    let inner = outShape.last ?? 1
                    let ia = sa.last ?? 0, ib = sb.last ?? 0
                    parallelChunks(offA.count, grain: max(1, elementwiseGrain / max(inner, 1))) {
                        rows in
                        for r in rows {
                            let qa = ua.value.baseAddress! + offA[r]
                            let qb = ub.value.baseAddress! + offB[r]
                            let q = o.base + r * inner
                            if ia == 1 && ib == 1 {
                                for j in 0..<inner { q[j] = f(qa[j], qb[j]) }
                            } else if ia == 1 {
                                let s = qb[0]
                                for j in 0..<inner { q[j] = f(qa[j], s) }
                            } else if ib == 1 {
                                let s = qa[0]
                                for j in 0..<inner { q[j] = f(s, qb[j]) }
                            } else {
                                let v = f(qa[0], qb[0])
                                for j in 0..<inner { q[j] = v }
                            }
                        }
                    }
                }
            }
        }
    }
    return (outShape, result)
}

/// Applies `f` to every scalar, in parallel for large tensors.
@inline(__always)
func mapScalars(_ x: Tensor, _ f: (Float) -> Float) -> [Float] {
    x.scalars.withUnsafeBufferPointer { px in
        makeScalars(x.count) { out in
            let o = SharedBuffer(out)
            let ux = UncheckedSendable(px)
            parallelChunks(x.count, grain: elementwiseGrain) { r in
                for i in r { o.base[i] = f(ux.value[i]) }
            }
        }
    }
}

/// Combines two same-shaped scalar arrays elementwise.
@inline(__always)
func zipScalars(_ a: [Float], _ b: [Float], _ f: (Float, Float) -> Float) -> [Float] {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            makeScalars(a.count) { out in
                let o = SharedBuffer(out)
                let ua = UncheckedSendable(pa), ub = UncheckedSendable(pb)
                parallelChunks(a.count, grain: elementwiseGrain) { r in
                    for i in r { o.base[i] = f(ua.value[i], ub.value[i]) }
                }
            }
        }
    }
}

extension Tensor {
    /// Sums this (broadcast) gradient back down to `target`, the shape of an op's input;
    /// with `multiplier` (same shape as self) it sums self · multiplier, in one pass.
    func unbroadcast(to target: [Int], multipliedBy multiplier: Tensor? = nil) -> Tensor {
        if shape == target { return multiplier.map { self * $0 } ?? self }
        let extra = rank - target.count
        var axes: [Int] = Array(0..<extra)
        for (i, dim) in target.enumerated() where dim == 1 && shape[extra + i] != 1 {
            axes.append(extra + i)
        }
        return Tensor(
            unchecked: target, sumKernel(self, multipliedBy: multiplier, axes: axes).scalars)
    }
}
