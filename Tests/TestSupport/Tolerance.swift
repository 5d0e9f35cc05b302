/// Shared test helpers: tolerances, gradient checks and golden-file helpers.
public enum Tolerance {
    /// Float32 kernels against Float64 or naive oracles.
    public static let float32: Float = 1e-4
    /// Finite-difference gradient checks in Float32 (scaled error, see GradientCheck).
    public static let gradient: Double = 2e-2
}

/// Largest absolute difference between two equally long arrays, or nil if lengths differ.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float? {
    guard a.count == b.count else { return nil }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Largest difference scaled by magnitude: |a − b| / max(1, |b|), or nil if lengths differ.
public func maxScaledDifference(_ a: [Float], _ b: [Float]) -> Float? {
    guard a.count == b.count else { return nil }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1) / max(1, abs($1.1))) }
}
