import Tensors

/// Finite-difference gradient checks for tensor ops.
///
/// The op under test maps input tensors to an output y. The check reduces y to a scalar
/// L = Σ r ⊙ y with fixed random weights r (so every output element matters), takes the
/// analytic gradients of L by `gradients(of:wrt:)`, and compares each with the central
/// difference (L(x + ε) − L(x − ε)) / 2ε, where L is summed in Float64.
public enum GradientCheck {
    /// One input's worst element: analytic and numeric derivative and their scaled error.
    public struct Report: CustomStringConvertible, Sendable {
        public let input: Int
        public let element: Int
        public let analytic: Double
        public let numeric: Double
        /// |analytic − numeric| / max(1, |numeric|).
        public let error: Double
        public var description: String {
            "input \(input) element \(element): analytic \(analytic), numeric \(numeric), error \(error)"
        }
    }

    /// The worst element over all inputs (by scaled error).
    public static func worst(
        at inputs: [Tensor], epsilon: Float = 1e-2, seed: UInt64 = 7,
        _ f: ([Tensor]) -> Tensor
    ) -> Report {
        let parameters = inputs.enumerated().map {
            Parameter($0.element, name: "input\($0.offset)")
        }
        let y = f(parameters.map(\.value))
        var rng = RandomGenerator(seed: seed)
        let r = Tensor(randomUniform: y.shape, lower: -1, upper: 1, generator: &rng)
        let analytic = gradients(of: (y * r).sum(), wrt: parameters)

        func objective(_ xs: [Tensor]) -> Double {
            let out = withoutGradients { f(xs) }
            var total = 0.0
            for (a, b) in zip(out.scalars, r.scalars) { total += Double(a) * Double(b) }
            return total
        }

        var worst = Report(input: -1, element: -1, analytic: 0, numeric: 0, error: 0)
        for (i, x) in inputs.enumerated() {
            for j in 0..<x.count {
                var plus = x.scalars, minus = x.scalars
                plus[j] += epsilon
                minus[j] -= epsilon
                var xsPlus = inputs, xsMinus = inputs
                xsPlus[i] = Tensor(shape: x.shape, scalars: plus)
                xsMinus[i] = Tensor(shape: x.shape, scalars: minus)
                let h = Double(plus[j]) - Double(minus[j])
                let numeric = (objective(xsPlus) - objective(xsMinus)) / h
                let a = Double(analytic[i].scalars[j])
                let error = Swift.abs(a - numeric) / Swift.max(1, Swift.abs(numeric))
                if error > worst.error || worst.input < 0 {
                    worst = Report(
                        input: i, element: j, analytic: a, numeric: numeric, error: error)
                }
            }
        }
        return worst
    }
}

/// Random test tensors (a fixed seed per call site keeps tests reproducible).
public func randomTensor(_ shape: [Int], seed: UInt64, lower: Float = -1, upper: Float = 1)
    -> Tensor
{
    var rng = RandomGenerator(seed: seed)
    return Tensor(randomUniform: shape, lower: lower, upper: upper, generator: &rng)
}

/// A random permutation of evenly spaced values in (-1, 1), off-grid by a golden-ratio
/// fraction: no two scalars closer than 2 / count and none at 0 or ±0.5, so max-style
/// ops and kinks (relu at 0, clamp bounds) have nothing for a finite difference to cross.
public func distinctTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    let count = shape.reduce(1, *)
    var values = (0..<count).map { -1 + (2 * Float($0) + 0.618) / Float(count) }
    var rng = RandomGenerator(seed: seed)
    values.shuffle(using: &rng)
    return Tensor(shape: shape, scalars: values)
}
