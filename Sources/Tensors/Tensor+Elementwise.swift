import Foundation

// Elementwise arithmetic with NumPy broadcasting, scalar operands and unary math.
// Each op's pullback sits right under its forward.

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let r = broadcastBinary(a, b, op: "add", +)
        let sa = a.shape, sb = b.shape
        return makeResult(r.shape, r.scalars, inputs: [a, b]) { g, needs in
            [needs[0] ? g.unbroadcast(to: sa) : nil, needs[1] ? g.unbroadcast(to: sb) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let r = broadcastBinary(a, b, op: "subtract", -)
        let sa = a.shape, sb = b.shape
        return makeResult(r.shape, r.scalars, inputs: [a, b]) { g, needs in
            [needs[0] ? g.unbroadcast(to: sa) : nil, needs[1] ? (-g).unbroadcast(to: sb) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let r = broadcastBinary(a, b, op: "multiply", *)
        let da = a.detached, db = b.detached
        return makeResult(r.shape, r.scalars, inputs: [a, b]) { g, needs in
            // A gate broadcast against a full-size operand (CBAM's [N,1,1,C] and [N,H,W,1])
            // gets Σ g · other in one pass, without a full-size temporary.
            func gradient(_ other: Tensor, to target: [Int]) -> Tensor {
                other.shape == g.shape
                    ? g.unbroadcast(to: target, multipliedBy: other)
                    : (g * other).unbroadcast(to: target)
            }
            return [
                needs[0] ? gradient(db, to: da.shape) : nil,
                needs[1] ? gradient(da, to: db.shape) : nil,
            ]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let r = broadcastBinary(a, b, op: "divide", /)
        let da = a.detached, db = b.detached
        return makeResult(r.shape, r.scalars, inputs: [a, b]) { g, needs in
            [
                needs[0] ? (g / db).unbroadcast(to: da.shape) : nil,
                needs[1] ? (-(g * da) / (db * db)).unbroadcast(to: db.shape) : nil,
            ]
        }
    }

    public static prefix func - (x: Tensor) -> Tensor {
        makeResult(x.shape, mapScalars(x) { -$0 }, inputs: [x]) { g, _ in [-g] }
    }

    // MARK: Scalar operands

    public static func + (a: Tensor, s: Float) -> Tensor {
        makeResult(a.shape, mapScalars(a) { $0 + s }, inputs: [a]) { g, _ in [g] }
    }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor {
        makeResult(a.shape, mapScalars(a) { s - $0 }, inputs: [a]) { g, _ in [-g] }
    }
    public static func * (a: Tensor, s: Float) -> Tensor {
        makeResult(a.shape, mapScalars(a) { $0 * s }, inputs: [a]) { g, _ in [g * s] }
    }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func / (s: Float, a: Tensor) -> Tensor {
        let da = a.detached
        return makeResult(a.shape, mapScalars(a) { s / $0 }, inputs: [a]) { g, _ in
            [
                Tensor(
                    unchecked: da.shape,
                    zipScalars(g.scalars, da.scalars) { gi, x in -gi * s / (x * x) })
            ]
        }
    }

    // MARK: Compound assignment (convenient for accumulators; records like the plain ops)

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    public static func *= (a: inout Tensor, s: Float) { a = a * s }
}

// MARK: - Unary math

/// e^x elementwise.
public func exp(_ x: Tensor) -> Tensor {
    let y = mapScalars(x) { Foundation.exp($0) }
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, y, *))]
    }
}

/// Natural logarithm elementwise.
public func log(_ x: Tensor) -> Tensor {
    let dx = x.detached
    return makeResult(x.shape, mapScalars(x) { Foundation.log($0) }, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, dx.scalars, /))]
    }
}

/// Square root elementwise.
public func sqrt(_ x: Tensor) -> Tensor {
    let y = mapScalars(x) { $0.squareRoot() }
    return makeResult(x.shape, y, inputs: [x]) { g, _ in
        [Tensor(unchecked: g.shape, zipScalars(g.scalars, y) { $0 * 0.5 / $1 })]
    }
}

/// x^p elementwise for a constant exponent.
public func pow(_ x: Tensor, _ p: Float) -> Tensor {
    let dx = x.detached
    return makeResult(x.shape, mapScalars(x) { Foundation.pow($0, p) }, inputs: [x]) { g, _ in
        [
            Tensor(
                unchecked: g.shape,
                zipScalars(g.scalars, dx.scalars) { $0 * p * Foundation.pow($1, p - 1) })
        ]
    }
}

/// x² elementwise.
public func square(_ x: Tensor) -> Tensor { x * x }

/// |x| elementwise (gradient 0 at 0).
public func abs(_ x: Tensor) -> Tensor {
    let dx = x.detached
    return makeResult(x.shape, mapScalars(x) { Swift.abs($0) }, inputs: [x]) { g, _ in
        [
            Tensor(
                unchecked: g.shape,
                zipScalars(g.scalars, dx.scalars) { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) })
        ]
    }
}

/// Clamps every scalar into `range`; the gradient passes only where x is inside it
/// (used for Keras' probability clipping to [1e-7, 1 - 1e-7]).
public func clamp(_ x: Tensor, _ range: ClosedRange<Float>) -> Tensor {
    let dx = x.detached
    let lo = range.lowerBound, hi = range.upperBound
    return makeResult(x.shape, mapScalars(x) { Swift.min(Swift.max($0, lo), hi) }, inputs: [x]) {
        g, _ in
        [
            Tensor(
                unchecked: g.shape,
                zipScalars(g.scalars, dx.scalars) { ($1 >= lo && $1 <= hi) ? $0 : 0 })
        ]
    }
}

/// Elementwise maximum of two broadcast tensors (gradient to `a` where a >= b).
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
    let r = broadcastBinary(a, b, op: "maximum") { Swift.max($0, $1) }
    let da = a.detached, db = b.detached
    return makeResult(r.shape, r.scalars, inputs: [a, b]) { g, needs in
        let maskA = broadcastBinary(da, db, op: "maximum") { $0 >= $1 ? 1 : 0 }
        let ma = Tensor(unchecked: maskA.shape, maskA.scalars)
        return [
            needs[0] ? (g * ma).unbroadcast(to: da.shape) : nil,
            needs[1] ? (g * (1 - ma)).unbroadcast(to: db.shape) : nil,
        ]
    }
}

/// Elementwise minimum of two broadcast tensors (gradient to `a` where a <= b).
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
    -maximum(-a, -b)
}
