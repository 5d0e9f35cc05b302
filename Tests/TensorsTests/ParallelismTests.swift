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
}
