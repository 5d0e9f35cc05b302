// Shape ops: reshape, flatten, transpose, concat, slice, gather, zero padding, one-hot.
import _CKernels
import Preconditions

extension Tensor {
    /// The same scalars under a new shape; one dimension may be -1 (inferred).
    public func reshaped(to newShape: [Int]) -> Tensor {
        var target = newShape
        let unknown = target.indices.filter { target[$0] == -1 }
        check(
            unknown.count <= 1 && target.allSatisfy { $0 >= -1 },
            "reshape: shape \(newShape) may hold at most one -1 and no other negative dimension")
        if let u = unknown.first {
            let known = target.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
            check(
                known > 0 && count % known == 0,
                "reshape: cannot infer -1 in \(newShape) for \(count) scalars of shape \(shape)")
            target[u] = count / known
        }
        check(
            target.reduce(1, *) == count,
            "reshape: cannot reshape \(shape) (\(count) scalars) to \(newShape)")
        let inShape = shape
        return makeResult(target, scalars, inputs: [self]) { g, _ in
            [Tensor(unchecked: inShape, g.scalars)]
        }
    }

    /// [N, d1, d2, …] → [N, d1·d2·…], Keras' Flatten.
    public func flattened() -> Tensor {
        check(rank >= 1, "flatten: needs rank >= 1, got shape \(shape)")
        return reshaped(to: [shape[0], shape.dropFirst().reduce(1, *)])
    }

    /// Permutes the axes: output axis i is input axis `permutation[i]`.
    public func transposed(permutation: [Int]) -> Tensor {
        check(
            permutation.sorted() == Array(0..<rank),
            "transpose: permutation \(permutation) is not a permutation of the axes of shape \(shape)"
        )
        let outShape = permutation.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) {
            inStrides[i] = inStrides[i + 1] * shape[i + 1]
        }
        let strides = permutation.map { inStrides[$0] }
        let offsets = rowOffsets(outShape, strides: strides)
        let inner = outShape.last ?? 1
        let step = strides.last ?? 1
        let out = scalars.withUnsafeBufferPointer { px in
            makeScalars(count) { o in
                let uo = SharedBuffer(o), ux = UncheckedSendable(px.baseAddress!)
                parallelChunks(offsets.count, grain: Swift.max(1, 8192 / Swift.max(inner, 1))) {
                    rows in
                    for r in rows {
                        let src = ux.value + offsets[r]
                        let dst = uo.base + r * inner
                        for j in 0..<inner { dst[j] = src[j * step] }
                    }
                }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return makeResult(outShape, out, inputs: [self]) { g, _ in
            [g.transposed(permutation: inverse)]
        }
    }

    /// The matrix transpose of a rank-2 tensor.
    public var transposed: Tensor {
        check(
            rank == 2, "transposed: needs rank 2, got shape \(shape); use transposed(permutation:)")
        return transposed(permutation: [1, 0])
    }

    /// Elements `range` along `axis`.
    public func slice(_ range: Range<Int>, alongAxis axis: Int = 0) -> Tensor {
        let a = normalizedAxes([axis], rank: rank, op: "slice", shape: shape)[0]
        check(
            range.lowerBound >= 0 && range.upperBound <= shape[a],
            "slice: range \(range) is outside axis \(axis) of shape \(shape)")
        let outer = shape[..<a].reduce(1, *)
        let inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = range.count
        var out = [Float]()
        out.reserveCapacity(outer * range.count * inner)
        for o in 0..<outer {
            let start = (o * shape[a] + range.lowerBound) * inner
            out.append(contentsOf: scalars[start..<(start + range.count * inner)])
        }
        let inShape = shape
        return makeResult(outShape, out, inputs: [self]) { g, _ in
            var dx = [Float](repeating: 0, count: inShape.reduce(1, *))
            for o in 0..<outer {
                let start = (o * inShape[a] + range.lowerBound) * inner
                let src = o * range.count * inner
                for j in 0..<(range.count * inner) { dx[start + j] = g.scalars[src + j] }
            }
            return [Tensor(unchecked: inShape, dx)]
        }
    }

    /// Rows `indices` of axis 0, in order (repeats allowed): a batch from a dataset.
    public func gathering(atIndices indices: [Int]) -> Tensor {
        check(rank >= 1, "gathering: needs rank >= 1, got shape \(shape)")
        let n = shape[0]
        let inner = count / Swift.max(n, 1)
        for i in indices {
            check(i >= 0 && i < n, "gathering: index \(i) is outside axis 0 of shape \(shape)")
        }
        var out = [Float](repeating: 0, count: indices.count * inner)
        scalars.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                for (k, i) in indices.enumerated() {
                    (po.baseAddress! + k * inner).update(
                        from: px.baseAddress! + i * inner, count: inner)
                }
            }
        }
        let inShape = shape
        return makeResult([indices.count] + shape.dropFirst(), out, inputs: [self]) { g, _ in
            var dx = [Float](repeating: 0, count: inShape.reduce(1, *))
            for (k, i) in indices.enumerated() {
                for j in 0..<inner { dx[i * inner + j] += g.scalars[k * inner + j] }
            }
            return [Tensor(unchecked: inShape, dx)]
        }
    }

    /// Zero padding of an NHWC tensor (Keras ZeroPadding2D): rows on top/bottom, columns
    /// left/right.
    public func zeroPadded(top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        check(rank == 4, "zeroPadded: expects NHWC rank 4, got shape \(shape)")
        check(
            top >= 0 && bottom >= 0 && left >= 0 && right >= 0,
            "zeroPadded: padding must be non-negative, got top \(top) bottom \(bottom) left \(left) right \(right)"
        )
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let oh = h + top + bottom, ow = w + left + right
        // Images in parallel; only the border is zeroed (MobileNetV2 pads before each
        // stride-2 depthwise convolution, and a serial zero-fill and copy took 7% of its
        // inference).
        let grain = Swift.max(1, elementwiseGrain / Swift.max(1, oh * ow * c))
        let out = scalars.withUnsafeBufferPointer { px in
            makeScalars(n * oh * ow * c) { po in
                let ux = UncheckedSendable(px.baseAddress!), uo = SharedBuffer(po)
                parallelChunks(n, grain: grain) { images in
                    emk_pad_images(
                        ux.value + images.lowerBound * h * w * c, images.count, h, w, c, top, left,
                        oh, ow, uo.base + images.lowerBound * oh * ow * c)
                }
            }
        }
        let inShape = shape
        return makeResult([n, oh, ow, c], out, inputs: [self]) { g, _ in
            // The gradient is the padded gradient's interior, copied out image by image.
            let dx = g.scalars.withUnsafeBufferPointer { pg in
                makeScalars(n * h * w * c) { pd in
                    let ug = UncheckedSendable(pg.baseAddress!), ud = SharedBuffer(pd)
                    parallelChunks(n, grain: grain) { images in
                        for b in images {
                            for y in 0..<h {
                                let src = ug.value + ((b * oh + y + top) * ow + left) * c
                                (ud.base + ((b * h + y) * w) * c).update(from: src, count: w * c)
                            }
                        }
                    }
                }
            }
            return [Tensor(unchecked: inShape, dx)]
        }
    }
}

/// Joins tensors along `axis`; all other dimensions must agree.
public func concat(_ tensors: [Tensor], alongAxis axis: Int) -> Tensor {
    check(!tensors.isEmpty, "concat: needs at least one tensor")
    let first = tensors[0]
    let a = normalizedAxes([axis], rank: first.rank, op: "concat", shape: first.shape)[0]
    for t in tensors {
        check(
            t.rank == first.rank
                && t.shape.enumerated().allSatisfy {
                    $0.offset == a || $0.element == first.shape[$0.offset]
                },
            "concat: shapes \(tensors.map(\.shape)) differ outside axis \(axis)")
    }
    let outer = first.shape[..<a].reduce(1, *)
    let inner = first.shape[(a + 1)...].reduce(1, *)
    let sizes = tensors.map { $0.shape[a] }
    let total = sizes.reduce(0, +)
    var outShape = first.shape
    outShape[a] = total
    var out = [Float]()
    out.reserveCapacity(outer * total * inner)
    for o in 0..<outer {
        for (t, size) in zip(tensors, sizes) {
            let start = o * size * inner
            out.append(contentsOf: t.scalars[start..<(start + size * inner)])
        }
    }
    return makeResult(outShape, out, inputs: tensors) { g, needs in
        var offset = 0
        return zip(sizes, needs).map { size, need in
            defer { offset += size }
            return need ? g.slice(offset..<(offset + size), alongAxis: a) : nil
        }
    }
}

/// One-hot rows: `labels[i]` set to 1 in a row of `depth` zeros. Shape [labels.count, depth].
public func oneHot(_ labels: [Int], depth: Int) -> Tensor {
    check(depth > 0, "oneHot: depth must be positive, got \(depth)")
    var out = [Float](repeating: 0, count: labels.count * depth)
    for (i, l) in labels.enumerated() {
        check(l >= 0 && l < depth, "oneHot: label \(l) at position \(i) is outside 0..<\(depth)")
        out[i * depth + l] = 1
    }
    return Tensor(unchecked: [labels.count, depth], out)
}
