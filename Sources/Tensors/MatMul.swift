import _COpenBLAS
import Preconditions

/// Row-major single-precision GEMM: C = alpha · op(A) · op(B) + beta · C, with
/// op(A) of shape [m, k] and op(B) of shape [k, n], on OpenBLAS.
///
/// OpenBLAS itself always runs one thread per call (see `Parallelism`); a large product
/// is cut here into `GemmSplit`'s pieces along m or n, one single-threaded sgemm each,
/// spread over Emotive's threads. Pieces never split k, so every element of C is the
/// same dot product whatever the piece or thread count.
func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int,
    _ b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    let split = GemmSplit(m: m, n: n, k: k)
    if split.pieces == 1 {
        serialGemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
        return
    }
    let ua = UncheckedSendable(a), ub = UncheckedSendable(b), uc = UncheckedSendable(c)
    parallelFor(split.pieces) { p in
        let r = split.range(p)
        if split.alongRows {
            // Rows i of op(A): row i of A, or column i of A when transposed.
            let ap = transposeA ? ua.value + r.lowerBound : ua.value + r.lowerBound * lda
            serialGemm(
                transposeA: transposeA, transposeB: transposeB, m: r.count, n: n, k: k,
                alpha: alpha, ap, lda: lda, ub.value, ldb: ldb, beta: beta,
                uc.value + r.lowerBound * ldc, ldc: ldc)
        } else {
            // Columns j of op(B): column j of B, or row j of B when transposed.
            let bp = transposeB ? ub.value + r.lowerBound * ldb : ub.value + r.lowerBound
            serialGemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: r.count, k: k,
                alpha: alpha, ua.value, lda: lda, bp, ldb: ldb, beta: beta,
                uc.value + r.lowerBound, ldc: ldc)
        }
    }
}

/// One sgemm call on the calling thread (OpenBLAS is kept at one thread).
func serialGemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int,
    _ b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    Parallelism.configure()  // OpenBLAS is set to one thread before its first GEMM
    if k == 0 {
        if beta == 0 {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        } else if beta != 1 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
        }
        return
    }
    cblas_sgemm(
        CblasRowMajor,
        transposeA ? CblasTrans : CblasNoTrans,
        transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
        beta, c, Int32(ldc))
}

/// How `gemm` cuts a product into independent single-threaded pieces: along the larger
/// of m and n (the other operand is packed again by each piece, so it should be the
/// smaller), in 1, 2, 4 or 8 pieces (at most 2 when k dominates) of at least
/// `minimumPiece` rows or columns, with
/// boundaries on multiples of 16 (OpenBLAS' register tiles). Depends only on the shape,
/// never on the thread count, so results do not change with `Parallelism.threadCount`.
struct GemmSplit: Equatable {
    let alongRows: Bool
    let length: Int
    let pieces: Int

    /// Below this many multiply-adds a second thread costs more to wake than it saves.
    static let minimumWork = 1 << 20
    static let minimumPiece = 64

    init(m: Int, n: Int, k: Int) {
        alongRows = m >= n
        length = alongRows ? m : n
        // A long reduction (a filter gradient: k = pixels) makes the operand every piece
        // packs again large: then two pieces, one per core here, not eight.
        let most = k >= 2 * Swift.max(m, n) ? 2 : 8
        var p = 1
        if m * n * Swift.max(k, 1) >= GemmSplit.minimumWork {
            while p < most && length / (2 * p) >= GemmSplit.minimumPiece { p *= 2 }
        }
        pieces = p
    }

    /// The `p`-th piece's rows (or columns).
    func range(_ p: Int) -> Range<Int> { chunkRange(p, of: pieces, total: length, alignment: 16) }
}

/// Matrix product of rank-2 tensors: [m, k] · [k, n] → [m, n] (either operand may be
/// transposed first). Runs on `cblas_sgemm`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false)
    -> Tensor
{
    check(
        a.rank == 2 && b.rank == 2, "matmul: needs rank-2 operands, got \(a.shape) and \(b.shape)")
    let m = transposeA ? a.shape[1] : a.shape[0]
    let k = transposeA ? a.shape[0] : a.shape[1]
    let kb = transposeB ? b.shape[1] : b.shape[0]
    let n = transposeB ? b.shape[0] : b.shape[1]
    check(
        k == kb,
        "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") (\(k) vs \(kb))"
    )
    let out = a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            makeScalars(m * n) { pc in
                gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
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
            ga =
                transposeA
                ? matmul(db, g, transposeA: transposeB, transposeB: true)
                : matmul(g, db, transposeA: false, transposeB: !transposeB)
        }
        if needs[1] {
            gb =
                transposeB
                ? matmul(g, da, transposeA: true, transposeB: transposeA)
                : matmul(da, g, transposeA: !transposeA, transposeB: false)
        }
        return [ga, gb]
    }
}
