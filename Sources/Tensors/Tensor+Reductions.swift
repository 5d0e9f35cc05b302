import Preconditions

// Sum, mean and max over axes. Negative axes count from the end (-1 = channels in NHWC).

/// Normalises `axes` (negative allowed) for a tensor of `shape`, trapping with `op` named.
func normalizedAxes(_ axes: [Int], rank: Int, op: String, shape: [Int]) -> [Int] {
    var result: [Int] = []
    for a in axes {
        let n = a < 0 ? a + rank : a
        check(n >= 0 && n < rank, "\(op): axis \(a) is out of range for shape \(shape)")
        check(!result.contains(n), "\(op): axis \(a) given twice for shape \(shape)")
        result.append(n)
    }
    return result.sorted()
}

/// Sums `x` (times `multiplier`, same shape, when given) over `axes` (already normalised),
/// keeping reduced axes as 1. Accumulates in Float64 (a Float32 running sum of 65,536
/// values of 0.1 is off by 4); a reduced last axis is summed in four Float64 lanes.
func sumKernel(_ x: Tensor, multipliedBy multiplier: Tensor? = nil, axes: [Int]) -> Tensor {
    reduceKernel(
        x, multipliedBy: multiplier, axes: axes, initial: 0.0 as Double,
        combine: { $0 + Double($1) }, merge: +
    ) { row, m, n in
        var lanes = SIMD4<Double>(repeating: 0)
        var j = 0
        while j + 4 <= n {
            var v = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD4<Float>.self)
            if let m { v *= UnsafeRawPointer(m + j).loadUnaligned(as: SIMD4<Float>.self) }
            lanes += SIMD4<Double>(v)
            j += 4
        }
        var total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
        while j < n {
            total += Double(row[j] * (m?[j] ?? 1))
            j += 1
        }
        return total
    }
}

/// Maximum of `x` over `axes` (already normalised), keeping reduced axes as 1.
func maxKernel(_ x: Tensor, axes: [Int]) -> Tensor {
    reduceKernel(
        x, axes: axes, initial: -Float.infinity, combine: { Swift.max($0, $1) },
        merge: { Swift.max($0, $1) }
    ) { row, _, n in
        var lanes = SIMD8<Float>(repeating: -.infinity)
        var j = 0
        while j + 8 <= n {
            lanes = pointwiseMax(
                lanes, UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self))
            j += 8
        }
        var best = lanes.max()
        while j < n {
            best = Swift.max(best, row[j])
            j += 1
        }
        return best
    }
}

/// Reduces `x` (times `multiplier` when given, for sums) over `axes` (already
/// normalised) into accumulators of type `A`, keeping reduced axes as 1: `combine` adds
/// one scalar, `merge` joins two accumulators, `reduceRow` reduces a contiguous row when
/// the last axis is reduced. Deterministic: the order of combination depends only on the
/// shapes, never on the thread count.
func reduceKernel<A: BinaryFloatingPoint>(
    _ x: Tensor, multipliedBy multiplier: Tensor? = nil, axes: [Int], initial: A,
    combine: (A, Float) -> A, merge: (A, A) -> A,
    reduceRow: (UnsafePointer<Float>, UnsafePointer<Float>?, Int) -> A
) -> Tensor {
    var outShape = x.shape
    for a in axes { outShape[a] = 1 }
    let outCount = outShape.reduce(1, *)
    if let multiplier {
        check(
            multiplier.shape == x.shape,
            "reduce: internal error, multiplier \(multiplier.shape) for \(x.shape)")
        if axes.isEmpty {
            return Tensor(unchecked: outShape, zipScalars(x.scalars, multiplier.scalars, *))
        }
    }
    if axes.isEmpty { return Tensor(unchecked: outShape, x.scalars) }
    if x.count == 0 {
        return Tensor(unchecked: outShape, [Float](repeating: Float(initial), count: outCount))
    }
    let rank = x.rank
    let strides = broadcastStrides(outShape, in: x.shape)
    let inner = x.shape[rank - 1]
    let innerReduced = axes.contains(rank - 1)
    // Leading axes not reduced split the work into independent blocks.
    var lead = 0
    while lead < rank - 1 && !axes.contains(lead) { lead += 1 }
    let blocks = x.shape[0..<lead].reduce(1, *)
    let blockShape = Array(x.shape[lead...])
    let blockStrides = Array(strides[lead...])
    let offsets = blockShape.count > 1 ? rowOffsets(blockShape, strides: blockStrides) : [0]
    let rowsPerBlock = offsets.count
    let blockIn = x.count / blocks, blockOut = outCount / blocks

    func reduceRows(
        _ px: UnsafePointer<Float>, _ pm: UnsafePointer<Float>?,
        _ out: UnsafeMutablePointer<A>, rows: Range<Int>
    ) {
        for r in rows {
            let row = px + r * inner
            let mrow = pm.map { $0 + r * inner }
            let o = out + offsets[r]
            if innerReduced {
                o[0] = merge(o[0], reduceRow(row, mrow, inner))
            } else if let mrow {
                for j in 0..<inner { o[j] = combine(o[j], row[j] * mrow[j]) }
            } else {
                for j in 0..<inner { o[j] = combine(o[j], row[j]) }
            }
        }
    }

    var accumulators = [A](repeating: initial, count: outCount)
    let multiplierScalars = multiplier?.scalars ?? []
    x.scalars.withUnsafeBufferPointer { px in
        multiplierScalars.withUnsafeBufferPointer { pmBuffer in
            accumulators.withUnsafeMutableBufferPointer { out in
                let o = UncheckedSendable(out.baseAddress!)
                let ux = UncheckedSendable(px.baseAddress!)
                let um = UncheckedSendable(multiplier == nil ? nil : pmBuffer.baseAddress)
                if blocks > 1 {
                    parallelChunks(blocks, grain: max(1, elementwiseGrain / max(blockIn, 1))) {
                        range in
                        for b in range {
                            reduceRows(
                                ux.value + b * blockIn, um.value.map { $0 + b * blockIn },
                                o.value + b * blockOut, rows: 0..<rowsPerBlock)
                        }
                    }
                    return
                }
                // Axis 0 is reduced: partial results per piece, combined in piece order.
                var pieces = chunkCount(rowsPerBlock, grain: max(1, (1 << 16) / max(inner, 1)))
                pieces = max(1, min(pieces, 4 * x.count / max(outCount, 1)))
                if pieces == 1 {
                    reduceRows(ux.value, um.value, o.value, rows: 0..<rowsPerBlock)
                    return
                }
                var partial = [A](repeating: initial, count: pieces * outCount)
                partial.withUnsafeMutableBufferPointer { pp in
                    let up = UncheckedSendable(pp.baseAddress!)
                    parallelFor(pieces) { p in
                        reduceRows(
                            ux.value, um.value, up.value + p * outCount,
                            rows: chunkRange(p, of: pieces, total: rowsPerBlock))
                    }
                }
                for p in 0..<pieces {
                    for i in 0..<outCount { out[i] = merge(out[i], partial[p * outCount + i]) }
                }
            }
        }
    }
    return Tensor(unchecked: outShape, accumulators.map { Float($0) })
}

extension Tensor {
    /// Sum over `axes`; reduced axes are dropped unless `keepingDimensions`.
    ///
    ///     Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).sum(alongAxes: [0])   // [4, 6]
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, rank: rank, op: "sum", shape: shape)
        let kept = sumKernel(self, axes: ax)
        let outShape =
            keepingDimensions
            ? kept.shape : kept.shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element)
        let inShape = shape
        return makeResult(outShape, kept.scalars, inputs: [self]) { g, _ in
            [g.reshaped(to: kept.shape).broadcast(to: inShape)]
        }
    }

    /// Sum of all scalars as a rank-0 tensor.
    public func sum() -> Tensor { sum(alongAxes: Array(0..<rank)) }

    /// Mean over `axes`; reduced axes are dropped unless `keepingDimensions`.
    public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, rank: rank, op: "mean", shape: shape)
        let n = ax.reduce(1) { $0 * shape[$1] }
        check(n > 0, "mean: reducing axes \(axes) of shape \(shape) averages zero elements")
        return sum(alongAxes: ax, keepingDimensions: keepingDimensions) * (1 / Float(n))
    }

    /// Mean of all scalars as a rank-0 tensor.
    public func mean() -> Tensor { mean(alongAxes: Array(0..<rank)) }

    /// Maximum over `axes`. The gradient is shared equally between tied maxima
    /// (as TensorFlow's `reduce_max`).
    public func max(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, rank: rank, op: "max", shape: shape)
        check(
            ax.allSatisfy { shape[$0] > 0 },
            "max: cannot reduce empty axes \(axes) of shape \(shape)")
        let kept = maxKernel(self, axes: ax)
        let outShape =
            keepingDimensions
            ? kept.shape : kept.shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element)
        let input = self.detached
        return makeResult(outShape, kept.scalars, inputs: [self]) { g, _ in
            let mask = broadcastBinary(input, kept, op: "max backward") { $0 == $1 ? 1 : 0 }
            let maskT = Tensor(unchecked: mask.shape, mask.scalars)
            let ties = sumKernel(maskT, axes: ax)
            let share = g.reshaped(to: kept.shape) / ties
            return [maskT * share]
        }
    }

    /// Maximum of all scalars as a rank-0 tensor.
    public func max() -> Tensor { max(alongAxes: Array(0..<rank)) }

    /// Broadcasts to a larger shape (NumPy rules); the gradient sums back.
    public func broadcast(to target: [Int]) -> Tensor {
        let outShape = broadcastShape(shape, target, op: "broadcast(to:)")
        check(outShape == target, "broadcast(to:): shape \(shape) cannot be broadcast to \(target)")
        if shape == target { return self }
        let expanded = broadcastKernel(self, to: target)
        let inShape = shape
        return makeResult(target, expanded, inputs: [self]) { g, _ in [g.unbroadcast(to: inShape)] }
    }
}

/// Copies `x` into the (validated) broadcast shape `target`.
func broadcastKernel(_ x: Tensor, to target: [Int]) -> [Float] {
    let count = target.reduce(1, *)
    let strides = broadcastStrides(x.shape, in: target)
    let offsets = rowOffsets(target, strides: strides)
    let inner = target.last ?? 1
    let step = strides.last ?? 0
    return x.scalars.withUnsafeBufferPointer { px in
        makeScalars(count) { out in
            let o = SharedBuffer(out)
            let ux = UncheckedSendable(px.baseAddress!)
            parallelChunks(offsets.count, grain: max(1, elementwiseGrain / max(inner, 1))) { rows in
                for r in rows {
                    let src = ux.value + offsets[r]
                    let dst = o.base + r * inner
                    if step == 1 {
                        dst.update(from: src, count: inner)
                    } else {
                        dst.update(repeating: src[0], count: inner)
                    }
                }
            }
        }
    }
}
