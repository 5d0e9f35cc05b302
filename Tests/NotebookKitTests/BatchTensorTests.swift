import Testing
import Vision
@testable import NotebookKit

/// Vision's batches as tensors (`ImageBatch+Tensor.swift`).
@Suite struct BatchTensorTests {
    @Test func tensorBatchesCarryNHWCShapesAndTheSameValues() {
        let data = SyntheticFER.generate(.test, .init(scale: 0.001, seed: 2))
        let pipeline = BatchPipeline(data, batchSize: 10, seed: 4)
        let plain = Array(pipeline.batches(epoch: 1))
        let tensors = Array(pipeline.tensorBatches(epoch: 1))
        #expect(tensors.count == plain.count)
        #expect(tensors[0].images.shape == [10, 48, 48, 1])
        #expect(tensors[0].images.scalars == plain[0].images)
        #expect(tensors[0].labels == plain[0].labels)
    }

    /// A data-parallel rank's rows (`DatasetSource.batches(…rows:)`) equal those rows of the
    /// whole batches, and say the whole batch's size.
    @Test func datasetSourceRowsAreSlicesOfTheWholeBatches() {
        let data = SyntheticFER.generate(.test, .init(scale: 0.001, seed: 2))
        let source = DatasetSource(data, augmentation: .fer2013Report)
        let whole = Array(source.batches(epoch: 1, batchSize: 10, shuffle: true, seed: 4))
        let rows: @Sendable (Int, Int) -> Range<Int> = { b, n in b == 0 ? 0..<0 : 0..<((n + 1) / 2)
        }
        let mine = Array(
            source.batches(epoch: 1, batchSize: 10, shuffle: true, seed: 4, rows: rows))
        #expect(mine.count == whole.count - 1)
        for (batch, from) in zip(mine, whole.dropFirst()) {
            let range = 0..<((from.labels.count + 1) / 2)
            #expect(batch.wholeCount == from.labels.count)
            #expect(batch.labels == Array(from.labels[range]))
            #expect(batch.images.scalars == from.rows(range).images.scalars)
        }
    }
}
