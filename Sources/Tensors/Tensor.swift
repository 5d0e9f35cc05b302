import Preconditions

/// A Float32 tensor with value semantics, laid out row-major (NHWC for images).
///
/// The scalars live in a copy-on-write `[Float]`, so copying a tensor is cheap.
/// A tensor that came out of an op on a trainable ``Parameter`` also carries a
/// node of the gradient graph; ``backward()`` walks it.
///
///     let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
///     let y = (x * 2 + 1).sum(alongAxes: [1])   // shape [2]: [15, 33]
///     print(y.scalars)
public struct Tensor: @unchecked Sendable {
    // @unchecked: `node` is a class reference mutated only by backward(), which runs
    // on the one thread that owns the graph; shape and scalars are immutable.

    /// The dimensions, outermost first; `[]` is a scalar.
    public let shape: [Int]
    /// The values in row-major order; `scalars.count == shape.reduce(1, *)`.
    /// (Settable only inside Tensors, for in-place parameter updates.)
    public internal(set) var scalars: [Float]
    /// The gradient-graph node when this tensor depends on a trainable parameter.
    var node: Node?

    /// Makes a tensor from a shape and its row-major scalars.
    ///
    /// Traps with a message naming both counts when `scalars` does not fill `shape`.
    public init(shape: [Int], scalars: [Float]) {
        checkShape(shape, op: "Tensor(shape:scalars:)")
        let count = shape.reduce(1, *)
        check(
            scalars.count == count,
            "Tensor(shape:scalars:): shape \(shape) holds \(count) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
        self.node = nil
    }

    /// Internal unchecked initialiser used by kernels that already validated the shape.
    init(unchecked shape: [Int], _ scalars: [Float], node: Node? = nil) {
        self.shape = shape
        self.scalars = scalars
        self.node = node
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A tensor of ones.
    public init(ones shape: [Int]) {
        self.init(repeating: 1, shape: shape)
    }

    /// A tensor with every scalar equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        checkShape(shape, op: "Tensor(repeating:shape:)")
        self.init(unchecked: shape, [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A rank-0 tensor holding one value.
    public init(_ value: Float) {
        self.init(unchecked: [], [value])
    }

    /// A rank-1 tensor of the given values.
    public init(_ values: [Float]) {
        self.init(unchecked: [values.count], values)
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of scalars.
    public var count: Int { scalars.count }

    /// The only scalar of a one-element tensor (any rank).
    public var scalar: Float {
        check(scalars.count == 1, "Tensor.scalar: needs exactly one element, got shape \(shape)")
        return scalars[0]
    }

    /// Whether gradients will flow back from this tensor (it depends on a trainable parameter).
    public var requiresGradient: Bool { node != nil }

    /// The same values, cut off from the gradient graph.
    public var detached: Tensor { Tensor(unchecked: shape, scalars) }

    /// The scalar at a multi-dimensional index (for tests and inspection, not hot loops).
    public subscript(index: Int...) -> Float {
        check(
            index.count == shape.count,
            "Tensor subscript: index \(index) has rank \(index.count), tensor shape \(shape)")
        var offset = 0
        for (i, (idx, dim)) in zip(index, shape).enumerated() {
            check(
                idx >= 0 && idx < dim,
                "Tensor subscript: index \(index) out of range in axis \(i) of shape \(shape)")
            offset = offset * dim + idx
        }
        return scalars[offset]
    }

    /// Index of the largest value along the last axis, one per row (e.g. predicted classes).
    public func argmaxLastAxis() -> [Int] {
        check(
            rank >= 1 && shape.last! > 0,
            "argmaxLastAxis: needs rank >= 1 with a non-empty last axis, got \(shape)")
        let k = shape.last!
        let rows = count / k
        var result = [Int](repeating: 0, count: rows)
        scalars.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                var best = 0
                var bestValue = p[r * k]
                for j in 1..<k where p[r * k + j] > bestValue {
                    best = j
                    bestValue = p[r * k + j]
                }
                result[r] = best
            }
        }
        return result
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), scalars: [\(shown)\(scalars.count > 8 ? ", …" : "")])"
    }
}

extension Tensor: Equatable {
    /// Same shape and bitwise-equal values (the gradient graph is ignored).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }
}

/// Elements in a shape, validating that no dimension is negative.
func checkShape(_ shape: [Int], op: String) {
    check(shape.allSatisfy { $0 >= 0 }, "\(op): shape \(shape) has a negative dimension")
}
