import Dispatch
#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Synchronization
import _COpenBLAS
import Preconditions

/// How many threads the tensor kernels use.
///
/// Defaults to the environment variable `EMOTIVE_THREADS` when set, otherwise to the
/// number of active processors. OpenBLAS always runs one thread per call: its own
/// worker threads spin in `sched_yield` between GEMMs and took a core from the other
/// kernels (a fifth of a training step's time, measured). Large GEMMs are instead cut
/// into pieces that Emotive's threads run (`gemm`). Every kernel splits work into pieces
/// whose boundaries do not depend on the thread count and reduces partial sums in a
/// fixed order, so results are identical for any thread count.
public enum Parallelism {
    private static let state = Mutex<Int>(initialThreadCount())

    /// Sets OpenBLAS to one thread before its first GEMM; cheap after the first call.
    static func configure() { _ = configured }
    private static let configured: Bool = {
        _ = threadCount; return true
    }()

    /// Active processors, read once.
    static let processorCount = ProcessInfo.processInfo.activeProcessorCount

    /// The thread limit; set it to 1 for single-threaded runs.
    public static var threadCount: Int {
        get { state.withLock { $0 } }
        set {
            check(newValue >= 1, "Parallelism.threadCount must be at least 1, got \(newValue)")
            state.withLock { $0 = newValue }
        }
    }

    private static func initialThreadCount() -> Int {
        var count = ProcessInfo.processInfo.activeProcessorCount
        if let text = ProcessInfo.processInfo.environment["EMOTIVE_THREADS"] {
            if let n = Int(text), n >= 1 {
                count = n
            } else {
                fatalError("EMOTIVE_THREADS must be a positive integer, got \"\(text)\"")
            }
        }
        openblas_set_num_threads(1)
        return max(1, count)
    }
}

/// The thread count OpenBLAS is using now (for tests).
func openBLASThreadCount() -> Int { Int(openblas_get_num_threads()) }

/// Runs `body(i)` for `i in 0..<count`, spread over `Parallelism.threadCount` threads.
/// Each index must write a disjoint part of the output.
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    let threads = Swift.min(Parallelism.threadCount, count)
    if threads <= 1 {
        for i in 0..<count { body(i) }
    } else if threads >= Parallelism.processorCount {
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: count) { i in shared.value(i) }
        }
    } else {
        parallelFor(count, workers: threads, body)
    }
}

/// Fewer threads than cores: `workers` threads take indices from a shared counter, so
/// the limit holds and the load still balances.
func parallelFor(_ count: Int, workers: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= count { break }
                shared.value(i)
            }
        }
    }
}

/// Runs `body(range)` over `0..<total` cut into pieces of at least `grain` items.
/// Piece boundaries depend only on `total` and `grain`, not on the thread count.
func parallelChunks(_ total: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    guard total > 0 else { return }
    let pieces = chunkCount(total, grain: grain)
    if pieces == 1 {
        body(0..<total)
        return
    }
    parallelFor(pieces) { p in body(chunkRange(p, of: pieces, total: total)) }
}

/// Number of pieces of at least `grain` items (capped at 64) for `total` items.
func chunkCount(_ total: Int, grain: Int) -> Int {
    max(1, min(64, total / max(grain, 1)))
}

/// The `p`-th of `pieces` near-equal consecutive ranges covering `0..<total`, with every
/// inner boundary rounded down to a multiple of `alignment` (a kernel's tile width).
func chunkRange(_ p: Int, of pieces: Int, total: Int, alignment: Int = 1) -> Range<Int> {
    func boundary(_ q: Int) -> Int {
        q == pieces ? total : (q * total / pieces) / alignment * alignment
    }
    return boundary(p)..<boundary(p + 1)
}

/// Carries a non-Sendable value (a closure, a pointer) into a parallel loop.
/// Safe where used: each iteration touches a disjoint range of the buffers it writes.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A raw output buffer shared by parallel iterations that write disjoint ranges.
struct SharedBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    init(_ buffer: UnsafeMutableBufferPointer<Float>) { base = buffer.baseAddress! }
}

/// Keeps freed tensor memory in the process heap instead of returning it to the kernel.
///
/// A training step allocates and frees the same few-megabyte tensors over and over;
/// with glibc's defaults each one comes back as fresh pages whose faults and zeroing
/// cost more than the arithmetic (measured: 60% of an inverted-residual step). Raising
/// the mmap threshold to its maximum (32 MB) and the trim threshold keeps those pages
/// mapped. Runs once, on the first tensor allocation.
enum HeapTuning {
    static let applied: Bool = {
        #if canImport(Glibc)
            // mallopt from <malloc.h>, which the Glibc module does not export; looked up
            // by name (RTLD_DEFAULT) so no C shim is needed. Options: M_TRIM_THRESHOLD = -1,
            // M_MMAP_THRESHOLD = -3.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(nil, "mallopt") else { return false }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(-3, 32 << 20)
            _ = mallopt(-1, 512 << 20)
            return true
        #else
            return false
        #endif
    }()
}

/// Allocates an uninitialised scalar array of `count` and lets `fill` write every element.
@inline(__always)
func makeScalars(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    _ = HeapTuning.applied
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { fill(buffer) }
        initialized = count
    }
}

/// Reusable scratch memory for kernels (im2col buffers): large allocations are served by
/// fresh `mmap` pages otherwise, whose page faults cost as much as a small GEMM.
/// A buffer is lent to one caller at a time; concurrent callers get separate buffers.
enum Scratch {
    private static let pool = Mutex<[UncheckedSendable<UnsafeMutableBufferPointer<Float>>]>([])

    /// Runs `body` with at least `count` floats of uninitialised scratch memory.
    static func withBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        var buffer = pool.withLock { $0.popLast()?.value }
        if let b = buffer, b.count < count {
            b.deallocate()
            buffer = nil
        }
        let b = buffer ?? UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(count, 1))
        defer {
            pool.withLock { free in
                if free.count < 2 { free.append(UncheckedSendable(b)) } else { b.deallocate() }
            }
        }
        return body(b.baseAddress!)
    }
}

/// Smallest piece of a memory-bound elementwise loop worth a thread of its own
/// (1M floats = 4 MB, about 0.2 ms of work): below it, waking a second thread costs
/// more than it saves, and on a loaded machine a preempted helper stalls the op.
let elementwiseGrain = 1 << 20
