import _COpenBLAS

/// Row-major single-precision GEMM: C = alpha · op(A) · op(B) + beta · C, with
/// op(A) of shape [m, k] and op(B) of shape [k, n], on OpenBLAS.
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
          alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int,
          _ b: UnsafePointer<Float>, ldb: Int,
          beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    Parallelism.configure()  // OpenBLAS gets the thread limit before its first GEMM
    if k == 0 {
        if beta == 0 { c.update(repeating: 0, count: m * ldc) }
        return
    }
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                beta, c, Int32(ldc))
}

/// Matrix product of rank-2 tensors: [m, k] · [k, n] → [m, n] (either operand may be
/// transposed first). Runs on `cblas_sgemm`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    check(a.rank == 2 && b.rank == 2, "matmul: needs rank-2 operands, got \(a.shape) and \(b.shape)")
    let m = transposeA ? a.shape[1] : a.shape[0]
    let k = transposeA ? a.shape[0] : a.shape[1]
    let kb = transposeB ? b.shape[1] : b.shape[0]
    let n = transposeB ? b.shape[0] : b.shape[1]
    check(k == kb, "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") (\(k) vs \(kb))")
    let out = a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            makeScalars(m * n) { pc in
                gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                     pa.baseAddress!, lda: a.shape[1], pb.baseAddress!, ldb: b.shape[1],
                     pc.baseAddress!, ldc: n)
            }
        }
    }
    let da = a.detached, db = b.detached
    return makeResult([m, n], out, inputs: [a, b]) { g, needs in
        // C = A·B: dA = G·Bᵀ, dB = Aᵀ·G; with transposed operands swap roles accordingly.
        var ga: Tensor? = nil, gb: Tensor? = nil
        if needs[0] {
            ga = transposeA ? matmul(db, g, transposeA: transposeB, transposeB: true)
                            : matmul(g, db, transposeA: false, transposeB: !transposeB)
        }
        if needs[1] {
            gb = transposeB ? matmul(g, da, transposeA: true, transposeB: transposeA)
                            : matmul(da, g, transposeA: !transposeA, transposeB: false)
        }
        return [ga, gb]
    }
}
