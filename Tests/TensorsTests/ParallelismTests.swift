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
}

@Suite struct ThreadSetting {
    @Test func theFirstGEMMAlreadyRunsWithTheConfiguredOpenBLASThreads() async {
        await #expect(processExitsWith: .success) {
            // A fresh process whose first op is a matmul: OpenBLAS must already have
            // the count Parallelism chose from EMOTIVE_THREADS.
            setenv("EMOTIVE_THREADS", "1", 1)
            _ = matmul(Tensor(ones: [2, 2]), Tensor(ones: [2, 2]))
            exit(openBLASThreadCount() == 1 && Parallelism.threadCount == 1 ? 0 : 1)
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
