import Foundation
import Synchronization
import Testing
@testable import Tensors

@Suite struct ParallelLoops {
    @Test func everyIndexRunsExactlyOnceWithAWorkerLimit() {
        let hits = Mutex<[Int]>([Int](repeating: 0, count: 100))
        parallelFor(100, workers: 3) { i in hits.withLock { $0[i] += 1 } }
        #expect(hits.withLock { $0 } == [Int](repeating: 1, count: 100))
    }

    @Test func chunksCoverTheRangeWithoutGapsOrOverlap() {
        let pieces = chunkCount(1000, grain: 64)
        var covered: [Int] = []
        for p in 0..<pieces { covered += Array(chunkRange(p, of: pieces, total: 1000)) }
        #expect(covered == Array(0..<1000))
        #expect(chunkCount(10, grain: 64) == 1)
    }

    @Test func gemmPiecesCoverTheLargerSideOnTileBoundaries() {
        let split = GemmSplit(m: 1000, n: 77, k: 333)
        #expect(split.alongRows && split.pieces == 8)
        var covered: [Int] = []
        for p in 0..<split.pieces {
            let r = split.range(p)
            if p < split.pieces - 1 { #expect(r.upperBound % 16 == 0) }
            covered += Array(r)
        }
        #expect(covered == Array(0..<1000))
        #expect(GemmSplit(m: 64, n: 4096, k: 64).alongRows == false)
        #expect(GemmSplit(m: 32, n: 32, k: 32).pieces == 1)  // too little work to share
        // a filter gradient's long reduction
        #expect(GemmSplit(m: 256, n: 64, k: 4608).pieces == 2)
    }
}

@Suite struct ThreadSetting {
    @Test func openBLASRunsOneThreadFromTheFirstGEMMWhateverTheLimit() async {
        await #expect(processExitsWith: .success) {
            // A fresh process whose first op is a matmul: OpenBLAS must already be at one
            // thread (its spinning workers would compete with Emotive's), while
            // Emotive's own limit comes from EMOTIVE_THREADS.
            setenv("EMOTIVE_THREADS", "2", 1)
            _ = matmul(Tensor(ones: [2, 2]), Tensor(ones: [2, 2]))
            exit(openBLASThreadCount() == 1 && Parallelism.threadCount == 2 ? 0 : 1)
        }
    }

    @Test func anInvalidEnvironmentSettingIsNamed() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            setenv("EMOTIVE_THREADS", "two", 1)
            _ = Parallelism.threadCount
        }
        let message = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("EMOTIVE_THREADS must be a positive integer, got \"two\""))
    }
}
