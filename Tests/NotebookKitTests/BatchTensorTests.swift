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
}
